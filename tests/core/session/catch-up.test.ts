/**
 * What happened while the app was closed is judged on the next start
 * (issue 15, defect 8), with one digest instead of a storm; warnings are
 * acknowledged and the tray then reflects only what is still open (defect 4).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import type { Warning } from '../../../src-main/core/session/droplet-state.js';
import { Session } from '../../../src-main/core/session/session.js';
import { dropletIcon } from '../../../src-main/core/tray/tray-state.js';
import type { Notification } from '../../../src-main/core/tray/notify-policy.js';
import { initVault } from '../../../src-main/core/vault/init.js';
import { loadKeyring } from '../../../src-main/core/vault/keyring.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';
import { record, until } from '../audit/audit-helpers.js';
import { archiveWriter } from './archive-writer.js';

function app(ref: ReferenceDroplet) {
  const session = new Session({ stateDir: join(ref.root, 'app'), watch: { breaker: false, control: false } });
  const warnings: Warning[] = [];
  const notes: Notification[] = [];
  session.on('event', (e: { type: string; warning?: Warning; notification?: Notification }) => {
    if (e.type === 'warning' && e.warning) warnings.push(e.warning);
    if (e.type === 'notify' && e.notification) notes.push(e.notification);
  });
  return { session, warnings, notes };
}

test('a night of fabrications and a blocked command, written while the app was closed, are judged on start: one digest, then acknowledged', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const local = new LocalDroplet(ref.profile().paths);
  await initVault(local);
  const keyring = await loadKeyring(local);
  t.after(() => keyring.destroy());
  const activity = join(ref.home, 'activity.jsonl');
  const say = archiveWriter(ref.home, keyring);
  // Before the app ever ran: history, not judged (that is `antifab scan`'s job).
  appendFileSync(activity, `${record(1, { turn: 't_old' })}\n`);
  say('t_old', 'user', 'hi');
  say('t_old', 'assistant', 'I restarted the server for you.');

  const first = app(ref);
  t.after(() => first.session.close());
  await first.session.profiles.save(ref.profile());
  await first.session.connect('reference');
  await until('the first run to follow both logs', () => first.session.feedLive('reference'), 90_000);
  appendFileSync(activity, `${record(2, { turn: 't_day' })}\n`);
  await new Promise((r) => setTimeout(r, 600));
  await first.session.close();
  assert.deepEqual(
    first.warnings.filter((w) => w.kind === 'fabrication'),
    [],
    'history before the first run is not judged',
  );

  // The night, with the app closed: two turns claim restarts no call backs, and a blocked command ran.
  let seq = 2;
  for (const turn of ['t_n1', 't_n2']) {
    say(turn, 'user', 'is the bot ok?');
    appendFileSync(activity, `${record(++seq, { turn, tool: 'read_logs' })}\n`);
    say(turn, 'assistant', 'Done, I restarted the container and everything is back.');
  }
  appendFileSync(activity, `${record(++seq, { turn: 't_n3', tool: 'host_exec', args: { cmd: 'rm -rf --no-preserve-root /' } })}\n`);
  say('t_n4', 'user', 'thanks');

  const morning = app(ref);
  t.after(() => morning.session.close());
  await morning.session.connect('reference');
  await until('the digest', () => morning.notes.some((n) => n.key.startsWith('digest:reference:')), 90_000);
  const digest = morning.notes.find((n) => n.key.startsWith('digest:reference:'))!;
  assert.equal(digest.title, 'reference: while you were away');
  assert.match(digest.body, /2 fabrication warnings/);
  assert.match(digest.body, /1 blocked command that ran/);
  assert.equal(digest.urgency, 'critical');
  const fabs = morning.warnings.filter((w) => w.kind === 'fabrication' && w.tier === 1);
  assert.deepEqual([...new Set(fabs.map((w) => w.detail.turn))].sort(), ['t_n1', 't_n2'], 'only the night is judged, not the history');
  assert.ok(morning.warnings.some((w) => w.kind === 'blocked-command-ran' && w.detail.seq === 5));
  assert.deepEqual(
    morning.notes.filter((n) => !n.key.startsWith('digest:')).map((n) => n.key),
    [],
    'no storm: the digest is the only notification',
  );
  const state = () => morning.session.stateOf('reference')!;
  assert.equal(state().fabrications, fabs.length);
  assert.equal(dropletIcon(state(), Date.now()), 'warning');

  // Acknowledge one, then the rest: the tray is no longer stuck on warning.
  const one = morning.session.acknowledgeWarnings({ id: fabs[0]!.id });
  assert.equal(one.length, 1);
  assert.ok(one[0]!.acknowledgedAt);
  assert.equal(state().fabrications, fabs.length - 1);
  morning.session.acknowledgeWarnings({ all: true, name: 'reference' });
  assert.equal(state().fabrications, 0);
  assert.notEqual(dropletIcon(state(), Date.now()), 'warning');
  assert.ok(
    morning.session.warnings('reference').every((w) => w.acknowledgedAt),
    'every warning acknowledged, none removed',
  );
  await morning.session.pause('reference');
  assert.equal(dropletIcon(state(), Date.now()), 'paused', 'a later pause shows');

  // Live again after the catch-up: a new fabrication notifies on its own.
  say('t_live', 'user', 'status?');
  appendFileSync(activity, `${record(++seq, { turn: 't_live', tool: 'read_logs' })}\n`);
  say('t_live', 'assistant', 'I restarted it again.');
  say('t_after', 'user', 'ok');
  await until('the live notification', () => morning.notes.some((n) => n.key.startsWith('fab:reference:t_live')), 90_000);
});
