/**
 * The console's pure state rules for the switch (issue 13): a newer read
 * always replaces an older one, nothing is claimed that was not read, a
 * toast never contradicts the pushed state, and control-plane alerts and
 * feed markers are picked out. The e2e suite shows the same in Chromium.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { DropletStateView, WarningView } from '../../src-main/ipc/api.js';
import { loadRendererModule } from './renderer-module.js';

type Merge = typeof import('../../src-renderer/src/state/droplet-merge.js');
type View = typeof import('../../src-renderer/src/state/switch-view.js');
type ToastMod = typeof import('../../src-renderer/src/state/toast.js');
type Alerts = typeof import('../../src-renderer/src/state/control-alerts.js');
type Rows = typeof import('../../src-renderer/src/state/audit-rows.js');

const T0 = '2026-12-01T10:00:00.000Z';
const T1 = '2026-12-01T10:00:05.000Z';
const T2 = '2026-12-01T10:00:09.000Z';

function drop(over: Partial<DropletStateView> = {}): DropletStateView {
  return {
    name: 'd1',
    link: { state: 'connected', since: T0, hostKey: 'SHA256:x' },
    downSince: null,
    selfModifyAllowed: false,
    switch: { selfModify: 'paused', eternalLoop: 'armed', unknown: null },
    readSeq: 5,
    breaker: 'armed',
    hold: { enabled: true, active: true },
    fabrications: 0,
    checkedAt: T1,
    ...over,
  };
}

const allowed = { selfModify: 'allowed', eternalLoop: 'armed', unknown: null } as const;

function warning(id: number, over: Partial<WarningView>): WarningView {
  return { id: `w${id}`, name: 'd1', at: T1, kind: 'control-tampered', severity: 'critical', tier: null, message: `m${id}`, detail: {}, ...over };
}

describe('renderer switch state', () => {
  let merge: Merge;
  let view: View;
  let toast: ToastMod;
  let alerts: Alerts;
  let rows: Rows;
  before(async () => {
    [merge, view, toast, alerts, rows] = await Promise.all([
      loadRendererModule<Merge>('state/droplet-merge.ts'),
      loadRendererModule<View>('state/switch-view.ts'),
      loadRendererModule<ToastMod>('state/toast.ts'),
      loadRendererModule<Alerts>('state/control-alerts.ts'),
      loadRendererModule<Rows>('state/audit-rows.ts'),
    ]);
  });

  it('never lets an older read replace a newer one, from a push or a call', () => {
    const newer = drop({ readSeq: 7, switch: allowed, selfModifyAllowed: true });
    const older = drop({ readSeq: 6 });
    assert.equal(merge.mergeDroplet(newer, older, 'push'), newer);
    assert.equal(merge.mergeDroplet(newer, older, 'call'), newer);
    assert.equal(merge.mergeDroplet(older, newer, 'call'), newer);
  });

  it('at an equal read number, a push (link, hold-pause) wins and a call result does not', () => {
    const cur = drop();
    const pushed = drop({ hold: { enabled: false, active: false } });
    assert.equal(merge.mergeDroplet(cur, pushed, 'push'), pushed);
    assert.equal(merge.mergeDroplet(cur, pushed, 'call'), cur);
  });

  it('a complete push drops a disconnected droplet (its numbering restarts); a call result drops nothing', () => {
    const cur = { d1: drop(), d2: drop({ name: 'd2', readSeq: 40 }) };
    assert.deepEqual(Object.keys(merge.mergeDroplets(cur, [drop({ readSeq: 6 })], 'push', true)), ['d1']);
    assert.deepEqual(Object.keys(merge.mergeDroplets(cur, [drop({ readSeq: 6 })], 'call', true)).sort(), ['d1', 'd2']);
    const back = merge.mergeDroplets(merge.mergeDroplets(cur, [drop()], 'push', true), [drop({ name: 'd2', readSeq: 1 })], 'push', false);
    assert.equal(back.d2?.readSeq, 1, 'a reconnected droplet starts again from its first read');
  });

  it('claims paused or allowed only for a reading made during the current connection', () => {
    const v = view.switchView(drop());
    assert.equal(v.selfModify, 'paused');
    assert.equal(v.canResume, true);
    assert.equal(v.stale, null);
    assert.equal(view.switchWord(v), 'paused');
    assert.equal(view.switchWord(view.switchView(drop({ switch: allowed }))), 'destructive tools allowed');
  });

  it('shows unknown with the core reason and fix, never paused, and offers no Resume', () => {
    const unknown = { reason: 'no-folder' as const, detail: 'There is no folder /x.', fix: 'Pass --jarvis-root.' };
    const v = view.switchView(drop({ selfModifyAllowed: null, switch: { selfModify: 'unknown', eternalLoop: 'unknown', unknown } }));
    assert.equal(v.selfModify, 'unknown');
    assert.deepEqual(v.unknown, unknown);
    assert.equal(v.canResume, false);
    assert.equal(view.switchWord(v), 'switch unknown');
    // The loop alone unknown still carries the reason.
    const loopOnly = view.switchView(drop({ switch: { selfModify: 'paused', eternalLoop: 'unknown', unknown: { ...unknown, reason: 'grammar' } } }));
    assert.equal(loopOnly.selfModify, 'paused');
    assert.equal(loopOnly.unknown?.reason, 'grammar');
  });

  it('keeps the last reading only as stale while the link is down', () => {
    const down = drop({ link: { state: 'reconnecting', attempt: 2, delayMs: 1000, at: T2, reason: 'connection lost' }, downSince: T2 });
    const v = view.switchView(down);
    assert.equal(v.selfModify, 'unknown');
    assert.equal(v.stale, 'link-down');
    assert.equal(v.since, T2);
    assert.equal(v.last?.selfModify, 'paused');
    assert.equal(v.canResume, false);
    assert.equal(view.switchWord(v), 'unknown: link down');
  });

  it('treats a reading from before a reconnect as stale until the switch is read again', () => {
    const back = drop({ link: { state: 'connected', since: T2, hostKey: 'SHA256:x' }, checkedAt: T1 });
    const v = view.switchView(back);
    assert.equal(v.stale, 'reconnected');
    assert.equal(v.selfModify, 'unknown');
    assert.equal(view.switchView({ ...back, checkedAt: T2 }).selfModify, 'paused');
  });

  it('says "not read yet" before the first read and for a droplet it has no state of', () => {
    assert.equal(view.switchWord(view.switchView(undefined)), 'not read yet');
    assert.equal(view.switchWord(view.switchView(drop({ switch: null, checkedAt: null, readSeq: 0 }))), 'not read yet');
  });

  it('hides a toast that states the switch once the pushed state disagrees', () => {
    const t = { text: 'Paused d1', tone: 'ok' as const, claim: { name: 'd1', selfModify: 'paused' as const } };
    assert.equal(toast.visibleToast({ toast: t, droplets: { d1: drop() } }), t);
    assert.equal(toast.visibleToast({ toast: t, droplets: { d1: drop({ readSeq: 9, switch: allowed }) } }), null);
    assert.equal(toast.visibleToast({ toast: t, droplets: { d1: drop({ link: { state: 'reconnecting', attempt: 1, delayMs: 1, at: T2, reason: 'x' } }) } }), null);
    const plain = { ...t, claim: null };
    assert.equal(toast.visibleToast({ toast: plain, droplets: {} }), plain);
  });

  it('raises critical control-plane warnings as alerts, newest first, with what hold-pause did next', () => {
    const list = [
      warning(1, { kind: 'control-tampered', detail: { reverted: false }, at: T0 }),
      warning(2, { kind: 'hold-pause', severity: 'info', message: 'Hold-pause put it back', at: T1 }),
      warning(3, { kind: 'fabrication', severity: 'critical', tier: 1, at: T1 }),
      warning(4, { kind: 'watch-failed', severity: 'warning', at: T1 }),
      warning(5, { kind: 'destructive-while-paused', at: T2 }),
      warning(6, { kind: 'hold-pause', severity: 'critical', at: T2, name: 'd2' }),
    ];
    const got = alerts.controlAlerts(list, new Set());
    assert.deepEqual(
      got.map((a) => a.warning.id),
      ['w6', 'w5', 'w1'],
    );
    assert.equal(got[2]?.followUp?.id, 'w2');
    assert.deepEqual(
      alerts.controlAlerts(list, new Set(['w5']), 'd1').map((a) => a.warning.id),
      ['w1'],
    );
  });

  it('turns a control marker of the feed into a row of its own kind', () => {
    const row = rows.toRow({
      type: 'diagnostic',
      diagnostic: { kind: 'control', severity: 'info', event: 'reverted', file: 'env', key: null, at: T1, detail: 'Hold-pause put it back \u001b[31min 80 ms' },
    });
    assert.equal(row.kind, 'control');
    assert.equal(row.tool, 'reverted');
    assert.equal(row.severity, 'info');
    assert.equal(row.ts, T1);
    assert.equal(row.seq, null);
    assert.match(row.summary, /^INFO \[env\] Hold-pause put it back in 80 ms$/);
  });
});
