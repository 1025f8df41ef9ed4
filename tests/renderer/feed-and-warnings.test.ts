/**
 * The console's feed and warning rules (issue 15, defects 3, 4 and 9), under
 * Node: the AuditStore keeps every record once whatever road it came by, the
 * AppStore starts (and restarts) the feed in an order that cannot hide a
 * record, and an acknowledged warning is never reopened by an older copy.
 *
 * The AppStore runs against a scripted StratamApi: each request waits until
 * the test answers it, so the orderings a busy machine produces by chance
 * (a live record before the history answer, a link that closes and comes
 * back) are produced here on purpose. The e2e suite shows the same against
 * the real harness and droplet.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { AuditItemView, DropletStateView, WarningView } from '../../src-main/ipc/api.js';
import { loadRendererModule } from './renderer-module.js';

type ListMod = typeof import('../../src-renderer/src/state/warning-list.js');
type Alerts = typeof import('../../src-renderer/src/state/control-alerts.js');
// The stores touch DOM globals (requestAnimationFrame, window), which this Node project's
// type check does not know: their shapes are restated here, as far as these tests use them.
interface Row {
  kind: string;
  stream: string | null;
  seq: number | null;
  text: string;
}
interface AuditStoreLike {
  rows: Row[];
  following: boolean;
  historyLoaded: boolean;
  addMany(items: readonly AuditItemView[]): void;
  live(item: AuditItemView): void;
  readThrough(seq: number): void;
  trustLive(on: boolean): void;
  readonly nextToRead: number;
  highestSeq(stream: 'activity' | 'receipts'): number;
  windowed: boolean;
  maxRows: number;
  maxText: number;
  firstActivitySeq(): number | null;
}
interface AppStoreLike {
  start(): Promise<void>;
  startFeed(name: string): Promise<void>;
  audit(name: string): AuditStoreLike;
  trail(name: string): { mirror: { endSeq: number | null } | null };
  browseTrail(name: string): void;
  acknowledge(sel: { id: string } | { all: true; name?: string }): Promise<void>;
  getState(): { warnings: WarningView[]; toast: unknown };
}
type StoreMod = { AuditStore: new () => AuditStoreLike };
type AppMod = { AppStore: new (platform: unknown) => AppStoreLike };

const T0 = '2026-12-01T10:00:00.000Z';
const T1 = '2026-12-01T10:00:05.000Z';

const rec = (seq: number, stream: 'activity' | 'receipts' = 'activity'): AuditItemView => ({
  type: 'record',
  record: { stream, seq, value: { seq, tool: 'read_file', ok: true }, text: `{"seq":${seq}}`, sha256: 'x', fileId: '1', offset: seq * 10 },
});
const marker = (): AuditItemView => ({ type: 'diagnostic', diagnostic: { kind: 'control', event: 'tamper', severity: 'critical', detail: 'x' } });
const seqs = (rows: readonly Row[], stream = 'activity') => rows.filter((r) => r.kind === 'record' && r.stream === stream).map((r) => r.seq);

function drop(name: string, link: DropletStateView['link']): DropletStateView {
  return { name, link, downSince: null, selfModifyAllowed: true, switch: null, readSeq: 0, breaker: 'armed', hold: { enabled: true, active: false }, fabrications: 0, checkedAt: null };
}
const connected: DropletStateView['link'] = { state: 'connected', since: T0, hostKey: 'SHA256:x' };

function warning(id: number, over: Partial<WarningView> = {}): WarningView {
  return { id: `w${id}`, name: 'd1', at: T0, kind: 'fabrication', severity: 'critical', tier: 1, message: `m${id}`, detail: {}, ...over };
}

interface Request {
  channel: string;
  args: Record<string, unknown>;
  answer(result: unknown): void;
  fail(message: string): void;
}

/** A StratamApi whose requests wait for the test (or answer at once, for the channels given). */
class ScriptedApi {
  readonly calls: Request[] = [];
  private readonly waiting: Request[] = [];
  private readonly wakers: Array<() => void> = [];
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  readonly api: Record<string, unknown>;

  constructor(auto: Record<string, (args: Record<string, unknown>) => unknown>) {
    this.api = new Proxy(
      {},
      {
        get: (_t, channel: string) => {
          if (channel === 'on') {
            return (event: string, l: (p: unknown) => void) => {
              const set = this.listeners.get(event) ?? new Set();
              set.add(l);
              this.listeners.set(event, set);
              return () => set.delete(l);
            };
          }
          return (args: Record<string, unknown>) =>
            new Promise((resolve) => {
              const r: Request = { channel, args, answer: (result) => resolve({ result }), fail: (message) => resolve({ error: { kind: 'connect', message, hint: null } }) };
              this.calls.push(r);
              const a = auto[channel];
              if (a) r.answer(a(args));
              else {
                this.waiting.push(r);
                this.wakers.splice(0).forEach((w) => w());
              }
            });
        },
      },
    );
  }

  /** The next unanswered request on `channel` (waits for it to be made; fails if none comes in 5 s). */
  async next(channel: string): Promise<Request> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const i = this.waiting.findIndex((r) => r.channel === channel);
      if (i >= 0) return this.waiting.splice(i, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`The console made no ${channel} request.`);
      await new Promise<void>((r) => {
        this.wakers.push(r);
        setTimeout(r, 100);
      });
    }
  }

  pendingOn(channel: string): number {
    return this.waiting.filter((r) => r.channel === channel).length;
  }

  count(channel: string): number {
    return this.calls.filter((r) => r.channel === channel).length;
  }

  emit(event: string, payload: unknown): void {
    this.listeners.get(event)?.forEach((l) => l(payload));
  }
}

const page = (items: AuditItemView[], truncated = false) => ({ items, truncated, delivered: items.length, gaps: 0, alerts: 0 });
/** Let queued promise callbacks and the store's coalescing timer run. */
const settle = () => new Promise((r) => setTimeout(r, 40));

describe('renderer feed and warnings', () => {
  let storeMod: StoreMod;
  let appMod: AppMod;
  let list: ListMod;
  let alerts: Alerts;
  before(async () => {
    [storeMod, appMod, list, alerts] = await Promise.all([
      loadRendererModule<StoreMod>('state/audit-store.ts'),
      loadRendererModule<AppMod>('state/app-store.ts'),
      loadRendererModule<ListMod>('state/warning-list.ts'),
      loadRendererModule<Alerts>('state/control-alerts.ts'),
    ]);
  });

  /**
   * An AppStore started against a scripted API (no droplets unless `droplets` says). Without `mirror`
   * the host has no auditWindow, so the feed loads its whole history (the mode kept for `mirrorCapMB` 0).
   */
  async function started(droplets: DropletStateView[] = [], mirror = false) {
    const s = new ScriptedApi({
      profilesList: () => ({ profiles: droplets.map((d) => ({ name: d.name })) }),
      connections: () => ({ droplets }),
      warningsList: () => ({ warnings: [] }),
      trayState: () => ({ icon: 'armed', tooltip: '', droplets, mutedUntil: null }),
      auditFollow: () => ({ following: true }),
    });
    const transport = new Set<(up: boolean) => void>();
    const platform = { kind: 'browser', api: s.api, has: (c: string) => mirror || c !== 'auditWindow', onTransport: (l: (up: boolean) => void) => (transport.add(l), () => transport.delete(l)) };
    const app = new appMod.AppStore(platform);
    await app.start();
    const setTransport = (up: boolean) => transport.forEach((l) => l(up));
    return { s, app, setTransport };
  }

  it('keeps an older record that arrives after a newer one, in its place, and drops repeats', () => {
    const store = new storeMod.AuditStore();
    store.addMany([rec(5), rec(1, 'receipts')]);
    store.addMany([rec(2), rec(3), rec(5), rec(1, 'receipts'), rec(4)]);
    assert.deepEqual(seqs(store.rows), [2, 3, 4, 5]);
    assert.deepEqual(seqs(store.rows, 'receipts'), [1]);
    assert.equal(store.highestSeq('activity'), 5);
    store.addMany([rec(1)]);
    assert.deepEqual(seqs(store.rows), [1, 2, 3, 4, 5]);
    // A record too long to show arrives as a marker that stands for it: once, whatever road it came by.
    const huge: AuditItemView = { type: 'diagnostic', diagnostic: { kind: 'truncated', stream: 'activity', record_seq: 6, length: 7e6, head: '{"seq":6' } };
    store.addMany([huge, rec(7), huge]);
    assert.deepEqual(
      store.rows.filter((r) => r.kind === 'truncated').map((r) => r.seq),
      [6],
    );
    assert.equal(store.highestSeq('activity'), 7);
  });

  it('shows live items at once, and moves where the next read starts only for trusted live records', async () => {
    const store = new storeMod.AuditStore();
    store.addMany([rec(1), rec(2)]);
    store.readThrough(2);
    // Before this window follows (another window has the session forwarding): shown, but not trusted.
    store.live(rec(5));
    store.live(marker());
    await settle();
    assert.deepEqual(seqs(store.rows), [1, 2, 5]);
    assert.equal(store.rows.at(-1)?.kind, 'control');
    assert.equal(store.nextToRead, 3, 'records 3 and 4 may still be missing');
    store.addMany([rec(3), rec(4)]);
    store.readThrough(4);
    assert.deepEqual(seqs(store.rows), [1, 2, 3, 4, 5]);
    store.trustLive(true);
    store.live(rec(6));
    await settle();
    assert.equal(store.nextToRead, 7);
  });

  it('shows the history when a live record arrives before the history answer (defect 9)', async () => {
    const { s, app } = await started();
    const feed = app.startFeed('d1');
    const history = await s.next('auditQuery');
    assert.equal(history.args.fromSeq, 1);
    // Another window has the session forwarding already: a record appended now arrives live first.
    s.emit('audit', { name: 'd1', item: rec(4) });
    await settle();
    assert.deepEqual(seqs(app.audit('d1').rows), [4], 'a live record is shown at once');
    history.answer(page([rec(1), rec(2), rec(3)]));
    const gap = await s.next('auditQuery');
    assert.equal(gap.args.fromSeq, 4, 'the gap read starts after the history, not after the live record');
    gap.answer(page([rec(4)]));
    await feed;
    const store = app.audit('d1');
    assert.deepEqual(seqs(store.rows), [1, 2, 3, 4]);
    assert.equal(store.following, true);
  });

  it('pages the history by each page, not by a live record already past it', async () => {
    const { s, app } = await started();
    const feed = app.startFeed('d1');
    s.emit('audit', { name: 'd1', item: rec(9) });
    await settle();
    (await s.next('auditQuery')).answer(page([rec(1), rec(2)], true));
    const second = await s.next('auditQuery');
    assert.equal(second.args.fromSeq, 3);
    second.answer(page([rec(3), rec(4)]));
    (await s.next('auditQuery')).answer(page([]));
    await feed;
    await settle();
    assert.deepEqual(seqs(app.audit('d1').rows), [1, 2, 3, 4, 9]);
  });

  it('follows again after the link closes and comes back, reading on from the highest seq (defect 3)', async () => {
    const { s, app } = await started();
    const feed = app.startFeed('d1');
    (await s.next('auditQuery')).answer(page([rec(1), rec(2)]));
    (await s.next('auditQuery')).answer(page([]));
    await feed;
    assert.equal(s.count('auditFollow'), 1);
    s.emit('link', { name: 'd1', link: { state: 'closed' }, droplet: drop('d1', { state: 'closed' }) });
    assert.equal(app.audit('d1').following, false);
    s.emit('link', { name: 'd1', link: { state: 'connecting', attempt: 1 }, droplet: drop('d1', { state: 'connecting', attempt: 1 }) });
    s.emit('link', { name: 'd1', link: connected, droplet: drop('d1', connected) });
    const gap = await s.next('auditQuery');
    assert.equal(s.count('auditFollow'), 2, 'auditFollow is sent again');
    assert.equal(gap.args.fromSeq, 3, 'no history again: on from where the store is');
    gap.answer(page([rec(3)]));
    await settle();
    assert.deepEqual(seqs(app.audit('d1').rows), [1, 2, 3]);
    assert.equal(app.audit('d1').following, true);
  });

  it('starts the feed when a page that loaded while connecting hears the link is up', async () => {
    const { s } = await started([drop('d1', { state: 'connecting', attempt: 1 })]);
    await settle();
    assert.equal(s.count('auditQuery'), 0);
    assert.equal(s.count('connect'), 0, 'a dial under way is not started again');
    s.emit('link', { name: 'd1', link: connected, droplet: drop('d1', connected) });
    const history = await s.next('auditQuery');
    assert.equal(history.args.fromSeq, 1);
  });

  it('drops a start begun for a link that went down, and starts afresh when it is back', async () => {
    const { s, app } = await started();
    const feed = app.startFeed('d1');
    const stale = await s.next('auditQuery');
    s.emit('link', { name: 'd1', link: { state: 'closed' }, droplet: drop('d1', { state: 'closed' }) });
    stale.fail('d1 is not connected.');
    await settle();
    const store = app.audit('d1');
    assert.equal(store.following, false);
    assert.equal(store.historyLoaded, false);
    assert.equal(s.count('auditFollow'), 0);
    s.emit('link', { name: 'd1', link: connected, droplet: drop('d1', connected) });
    (await s.next('auditQuery')).answer(page([rec(1)]));
    (await s.next('auditQuery')).answer(page([]));
    await settle();
    assert.equal(store.following, true);
    assert.deepEqual(seqs(store.rows), [1]);
    assert.equal(app.getState().toast, null, 'a read cut off by the disconnect is not reported as a failure');
    await feed;
  });

  it('reads what the event stream missed from where the feed was, not from a live record that came first', async () => {
    const { s, app, setTransport } = await started();
    const feed = app.startFeed('d1');
    (await s.next('auditQuery')).answer(page([rec(1), rec(2)]));
    (await s.next('auditQuery')).answer(page([]));
    await feed;
    s.emit('audit', { name: 'd1', item: rec(3) });
    setTransport(false);
    // Records 4 and 5 were pushed while the stream was down; 6 arrives first when it is back.
    setTransport(true);
    s.emit('audit', { name: 'd1', item: rec(6) });
    const missed = await s.next('auditQuery');
    assert.equal(missed.args.fromSeq, 4);
    missed.answer(page([rec(4), rec(5), rec(6)]));
    await settle();
    assert.deepEqual(seqs(app.audit('d1').rows), [1, 2, 3, 4, 5, 6]);
    assert.equal(app.audit('d1').nextToRead, 7);
  });

  it('with a mirror, reads only the newest lines, then follows and reads on from them (issue 16)', async () => {
    const { s, app } = await started([], true);
    const feed = app.startFeed('d1');
    (await s.next('auditWindow')).answer({ kept: true, mirror: { startSeq: 1, endSeq: 999_000, files: 3, bytes: 1, droppedThroughSeq: null }, items: [], extra: 0, seq: null, bytesRead: 0 });
    const tail = await s.next('auditQuery');
    assert.equal(tail.args.lines, 1000, 'the newest lines only');
    assert.equal(tail.args.fromSeq, undefined, 'not the history from seq 1');
    tail.answer(page([rec(999_001), rec(999_002)]));
    const gap = await s.next('auditQuery');
    assert.equal(s.count('auditFollow'), 1);
    // A read from a seq makes the core read the droplet's whole file: the gap read is the newest lines again.
    assert.deepEqual([gap.args.lines, gap.args.fromSeq], [1000, undefined], 'the gap read is the newest lines, not a read from a seq');
    gap.answer(page([rec(999_002), rec(999_003)]));
    await feed;
    const store = app.audit('d1');
    assert.equal(store.windowed, true);
    assert.deepEqual(seqs(store.rows), [999_001, 999_002, 999_003]);
    assert.equal(store.nextToRead, 999_004);
    assert.equal(store.firstActivitySeq(), 999_001, 'the mirror part of the list ends just below');
    assert.equal(app.trail('d1').mirror?.endSeq, 999_000);
    assert.equal(s.count('auditQuery'), 2);
  });

  it('with a mirror, a gap longer than the newest lines is read from its seq, so none is skipped', async () => {
    const { s, app } = await started([], true);
    const feed = app.startFeed('d1');
    (await s.next('auditWindow')).answer({ kept: true, mirror: { startSeq: 1, endSeq: 10, files: 1, bytes: 1, droppedThroughSeq: null }, items: [], extra: 0, seq: null, bytesRead: 0 });
    (await s.next('auditQuery')).answer(page([rec(11), rec(12)]));
    // 1,000 newest lines that start past 13: records came faster than the reads.
    (await s.next('auditQuery')).answer(page(Array.from({ length: 1000 }, (_, i) => rec(2000 + i))));
    const bySeq = await s.next('auditQuery');
    assert.equal(bySeq.args.fromSeq, 13, 'read on from where the reads got to');
    bySeq.answer(page([rec(13), rec(14)]));
    await feed;
    assert.deepEqual(seqs(app.audit('d1').rows), [11, 12, 13, 14]);
  });

  it('with a mirror, the store keeps a bounded tail: what it trims is the mirror part’s', async () => {
    const { s, app } = await started([], true);
    const feed = app.startFeed('d1');
    (await s.next('auditWindow')).answer({ kept: true, mirror: null, items: [], extra: 0, seq: null, bytesRead: 0 });
    (await s.next('auditQuery')).answer(page([]));
    (await s.next('auditQuery')).answer(page([]));
    await feed;
    const store = app.audit('d1');
    const n = store.maxRows + 500;
    store.addMany(Array.from({ length: n }, (_, i) => rec(i + 1)));
    assert.ok(store.rows.length <= store.maxRows, `${store.rows.length} rows held, at most ${store.maxRows}`);
    assert.equal(store.highestSeq('activity'), n);
    assert.ok((store.firstActivitySeq() ?? 0) > 500, 'the oldest were trimmed');
    // Long lines: the text held is bounded too, not only the row count.
    const long = (seq: number): AuditItemView => ({ type: 'record', record: { stream: 'activity', seq, value: { seq }, text: 'x'.repeat(1024 * 1024), sha256: 'x', fileId: '1', offset: seq } });
    store.addMany(Array.from({ length: 100 }, (_, i) => long(n + 1 + i)));
    const held = store.rows.reduce((t, r) => t + r.text.length, 0);
    assert.ok(held <= 48 * 1024 * 1024, `${held} characters held, at most 48 MiB`);
    assert.equal(store.highestSeq('activity'), n + 100, 'the newest is kept');
  });

  it('opened while not connected, the feed shows this desktop’s copy; the next connect reads on from there', async () => {
    const { s, app } = await started([], true);
    app.browseTrail('d1');
    (await s.next('auditWindow')).answer({ kept: true, mirror: { startSeq: 1, endSeq: 500, files: 1, bytes: 1, droppedThroughSeq: null }, items: [], extra: 0, seq: null, bytesRead: 0 });
    await settle();
    const store = app.audit('d1');
    assert.equal(store.windowed, true, 'the mirror part is shown without a connection');
    assert.equal(app.trail('d1').mirror?.endSeq, 500);
    assert.equal(s.count('auditQuery'), 0, 'nothing is read from the droplet');
    // The link comes up: no second look at the mirror, the newest lines, then the follow.
    const feed = app.startFeed('d1');
    const tail = await s.next('auditQuery');
    assert.equal(tail.args.lines, 1000);
    tail.answer(page([rec(501)]));
    (await s.next('auditQuery')).answer(page([rec(501)]));
    await feed;
    assert.equal(s.count('auditWindow'), 1);
    assert.deepEqual(seqs(store.rows), [501]);
  });

  it('without a mirror kept (cap 0), loads the whole history as before', async () => {
    const { s, app } = await started([], true);
    const feed = app.startFeed('d1');
    (await s.next('auditWindow')).answer({ kept: false, mirror: null, items: [], extra: 0, seq: null, bytesRead: 0 });
    const first = await s.next('auditQuery');
    assert.equal(first.args.fromSeq, 1, 'history from seq 1');
    first.answer(page([rec(1), rec(2)]));
    (await s.next('auditQuery')).answer(page([]));
    await feed;
    assert.equal(app.audit('d1').windowed, false);
    assert.deepEqual(seqs(app.audit('d1').rows), [1, 2]);
  });

  it('never reopens an acknowledged warning with an older copy, pushed or listed (defect 4)', () => {
    const open = warning(1);
    const acked = warning(1, { acknowledgedAt: T1 });
    assert.deepEqual(list.upsert([open], acked), [acked]);
    assert.deepEqual(list.upsert([acked], open), [acked]);
    assert.deepEqual(list.mergeWarnings([open], [acked]), [acked]);
    assert.deepEqual(list.mergeWarnings([acked], [open]), [acked]);
    assert.equal(list.isOpen(open), true);
    assert.equal(list.isOpen(acked), false);
  });

  it('takes the acknowledged copies from the acknowledge answer and from the push, in either order', async () => {
    const { s, app } = await started();
    s.emit('warning', warning(1));
    s.emit('warning', warning(2));
    const ack = app.acknowledge({ all: true, name: 'd1' });
    const r = await s.next('warningsAcknowledge');
    assert.deepEqual(r.args, { all: true, name: 'd1' });
    const acked = [warning(1, { acknowledgedAt: T1 }), warning(2, { acknowledgedAt: T1 })];
    s.emit('warning', acked[0]);
    r.answer({ warnings: acked });
    await ack;
    // A late copy of the open warning (an older push) changes nothing.
    s.emit('warning', warning(2));
    assert.deepEqual(
      app
        .getState()
        .warnings.map((w) => [w.id, w.acknowledgedAt ?? null])
        .sort(),
      [
        ['w1', T1],
        ['w2', T1],
      ],
    );
  });

  it('leaves acknowledged alerts out of the banner and the dashboard', () => {
    const tamper = warning(1, { kind: 'control-tampered', tier: null });
    assert.equal(alerts.controlAlerts([tamper], new Set()).length, 1);
    assert.equal(alerts.controlAlerts([{ ...tamper, acknowledgedAt: T1 }], new Set()).length, 0);
  });
});
