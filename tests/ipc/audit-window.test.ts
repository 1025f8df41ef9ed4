/**
 * `auditWindow` through the contract against the reference droplet (real
 * sshd, real files): nothing held before the mirror is synced; after a sync,
 * any stretch by seq comes back as the exact lines in the auditQuery view
 * (each seq once, bad lines and repeats counted in `extra`, the walk bounded
 * in a mirror of garbage), a time locates its seq, and the stretch still
 * comes back after the droplet's log is wiped; a record over 64 KiB comes
 * clipped; a mirror cap of 0 means
 * nothing kept. Malformed requests: tests/ipc/validation.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncMirror } from '../../src-main/core/audit/mirror-sync.js';
import { mirrorCapBytes } from '../../src-main/core/config/profile.js';
import { Session } from '../../src-main/core/session/session.js';
import type { ResultOf } from '../../src-main/ipc/channels.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';

const N = 400;
const BASE = Date.UTC(2026, 10, 1);
/** One minute apart, so a time names exactly one seq. */
const record = (seq: number, path = `/x/${seq}`) => ({ seq, ts: new Date(BASE + seq * 60_000).toISOString(), turn: `t${seq}`, tool: 'read_file', args: { path }, ok: true, blocked: null });
const line = (seq: number) => JSON.stringify(record(seq));
/** Just after 201: a line that is not JSON, a line with no seq (its ts half a minute after 201's), seq 201 written again (other bytes), an old seq written again. */
const BAD = [
  '{"seq": 201, not json',
  JSON.stringify({ ts: new Date(BASE + 201.5 * 60_000).toISOString(), note: 'no seq here' }),
  JSON.stringify(record(201, '/rewritten')),
  JSON.stringify(record(100, '/late')),
];
/** After N: lines with no seq, more than a stretch's walk may read, then one last record. */
const GARBAGE = Array.from({ length: 300 }, (_, i) => `garbage ${i}`);
const LOG = [...Array.from({ length: 201 }, (_, i) => line(i + 1)), ...BAD, ...Array.from({ length: N - 201 }, (_, i) => line(i + 202)), ...GARBAGE, line(N + 1)];
const logText = `${LOG.join('\n')}\n`;

let ref: ReferenceDroplet;
let session: Session;
let h: ReturnType<typeof createHandlers>;
let stateDir: string;
const logPath = () => join(ref.home, 'activity.jsonl');

before(async () => {
  ref = await startReferenceDroplet({ activity: logText });
  stateDir = join(ref.root, 'app-state');
  session = new Session({ stateDir, watch: { breaker: false, audit: false } });
  await session.profiles.save({ ...ref.profile(), name: 'ref' });
  assert.equal((await session.connect('ref')).status, 'connected');
  h = createHandlers(session);
});
after(async () => {
  await session?.close();
  await ref?.teardown();
});

type Window = ResultOf<'auditWindow'>;
const ok = (r: { result?: Window; error?: { message: string } }): Window => {
  assert.equal(r.error, undefined, r.error?.message);
  return r.result as Window;
};
const seqs = (w: Window) => w.items.map((i) => (i.type === 'record' ? i.record.seq : -1));
const texts = (w: Window) => w.items.map((i) => (i.type === 'record' ? i.record.text : ''));
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const sync = async () => syncMirror(session.droplet('ref'), stateDir, { capBytes: mirrorCapBytes(await session.profiles.get('ref')), receipts: false });

test('before the mirror is synced: kept, nothing held, no items', async () => {
  const w = ok(await h.auditWindow({ name: 'ref', fromSeq: 1, toSeq: 10 }));
  assert.deepEqual(w, { kept: true, mirror: null, items: [], extra: 0, seq: null, bytesRead: 0 });
});

test('after a sync: a stretch in the middle is exactly those seqs, each the exact line in the auditQuery view', async () => {
  await sync();
  const d = ok(await h.auditWindow({ name: 'ref' }));
  assert.deepEqual(d, { kept: true, mirror: { startSeq: 1, endSeq: N + 1, files: 1, bytes: Buffer.byteLength(logText), droppedThroughSeq: null }, items: [], extra: 0, seq: null, bytesRead: 0 });

  const w = ok(await h.auditWindow({ name: 'ref', fromSeq: 100, toSeq: 119 }));
  assert.deepEqual(seqs(w), range(100, 119));
  assert.deepEqual(texts(w), range(100, 119).map(line));
  assert.equal(w.extra, 0);
  assert.ok(w.bytesRead > 0 && w.bytesRead < 64 * 1024, `a stretch reads little (${w.bytesRead} bytes)`);
  const first = w.items[0]!;
  assert.equal(first.type, 'record');
  if (first.type === 'record') {
    assert.deepEqual(first.record.value, record(100));
    assert.equal(first.record.fileId, String(statSync(logPath()).ino));
    // The offset is the line's place in the droplet's own file.
    assert.equal(readFileSync(logPath()).subarray(first.record.offset).toString('utf8').split('\n')[0], line(100));
  }
});

test('seq 1 opens the trail; a stretch past the end holds nothing', async () => {
  assert.deepEqual(seqs(ok(await h.auditWindow({ name: 'ref', fromSeq: 0, toSeq: 3 }))), [1, 2, 3]);
  assert.deepEqual(seqs(ok(await h.auditWindow({ name: 'ref', fromSeq: 1, toSeq: 1 }))), [1]);
  // The largest stretch allowed (1000 seqs) holds the whole trail, each seq once.
  const all = ok(await h.auditWindow({ name: 'ref', fromSeq: 1, toSeq: 1000 }));
  assert.deepEqual([seqs(all), all.extra], [range(1, N + 1), BAD.length + GARBAGE.length]);
  const past = ok(await h.auditWindow({ name: 'ref', fromSeq: N + 2, toSeq: N + 900 }));
  assert.deepEqual([past.items, past.extra], [[], 0]);
});

test('a bad line and a repeated seq inside the stretch: each seq once (the first line), the others counted', async () => {
  const w = ok(await h.auditWindow({ name: 'ref', fromSeq: 199, toSeq: 203 }));
  assert.deepEqual(seqs(w), [199, 200, 201, 202, 203]);
  assert.equal(texts(w)[2], line(201), 'the first line carrying 201, not the rewrite');
  assert.equal(w.extra, BAD.length);
});

test('a mirror of garbage: the walk stops at its bound (4 lines a seq + 200), the seqs past it are not returned', async () => {
  const w = ok(await h.auditWindow({ name: 'ref', fromSeq: N, toSeq: N + 1 }));
  assert.deepEqual(seqs(w), [N]);
  assert.equal(w.extra, 4 * 2 + 200 - 1);
  // The record past the garbage is held: a stretch that starts on it finds it through the index.
  assert.deepEqual(seqs(ok(await h.auditWindow({ name: 'ref', fromSeq: N + 1, toSeq: N + 1 }))), [N + 1]);
});

test('a time locates the first record at or after it; a time past the end gives null', async () => {
  const at = async (ms: number) => ok(await h.auditWindow({ name: 'ref', time: new Date(ms).toISOString() }));
  const w = await at(BASE + 150 * 60_000 - 30_000);
  assert.deepEqual([w.seq, w.items], [150, []]);
  assert.equal((await at(BASE + 333 * 60_000)).seq, 333);
  assert.equal((await at(BASE)).seq, 1);
  // The first line at 201 min 10 s is the one with no seq; the next line with a seq (201 again) is older than the time.
  assert.equal((await at(BASE + 201 * 60_000 + 10_000)).seq, 202);
  assert.equal((await at(BASE + (N + 1) * 60_000 + 1)).seq, null);
  // An offset other than Z names the same instant.
  assert.equal(ok(await h.auditWindow({ name: 'ref', time: '2026-11-01T02:00:00+01:00' })).seq, 60);
});

test('with the droplet disconnected, the window and the search still read the mirror (the profile pins the host key)', async () => {
  assert.equal(await session.disconnect('ref'), true);
  try {
    assert.deepEqual(seqs(ok(await h.auditWindow({ name: 'ref', fromSeq: 10, toSeq: 12 }))), [10, 11, 12]);
    const found = await h.auditSearch({ name: 'ref', query: { text: '/x/333"' }, limit: 5 });
    assert.equal(found.error, undefined, found.error?.message);
    assert.deepEqual(
      found.result?.items.map((i) => (i.type === 'record' ? i.record.seq : -1)),
      [333],
    );
    // Without a pinned host key the mirror cannot be named without connecting: the request says to connect.
    const { fingerprint: _pinned, ...unpinned } = await session.profiles.get('ref');
    await session.profiles.save(unpinned);
    const refused = await h.auditWindow({ name: 'ref' });
    assert.match(refused.error?.message ?? '', /not connected/);
    assert.match(refused.error?.hint ?? '', /Connect to ref first/);
  } finally {
    await session.profiles.save({ ...ref.profile(), name: 'ref' });
    assert.equal((await session.connect('ref')).status, 'connected');
  }
});

test("the droplet's log wiped: the window still returns the old records, and the new file's after them", async () => {
  writeFileSync(logPath(), `${line(N + 2)}\n`);
  await sync();
  const w = ok(await h.auditWindow({ name: 'ref', fromSeq: 1, toSeq: 5 }));
  assert.deepEqual(texts(w), range(1, 5).map(line));
  assert.equal(ok(await h.auditWindow({ name: 'ref' })).mirror?.files, 2);
  assert.deepEqual(seqs(ok(await h.auditWindow({ name: 'ref', fromSeq: N + 1, toSeq: N + 2 }))), [N + 1, N + 2]);
});

test('a record longer than 64 KiB comes clipped, as a truncated marker naming its seq, full length and hash', async () => {
  const long = JSON.stringify(record(N + 3, `/${'x'.repeat(100 * 1024)}`));
  writeFileSync(logPath(), `${readFileSync(logPath(), 'utf8')}${long}\n`);
  await sync();
  const w = ok(await h.auditWindow({ name: 'ref', fromSeq: N + 2, toSeq: N + 3 }));
  assert.equal(w.items.length, 2);
  assert.equal(w.items[0]?.type, 'record', 'a record of ordinary size comes whole');
  const t = w.items[1];
  assert.ok(t?.type === 'diagnostic', 'the long one is a marker');
  const d = t.diagnostic as Record<string, unknown>;
  assert.deepEqual([d.kind, d.record_seq, d.length], ['truncated', N + 3, Buffer.byteLength(long)]);
  assert.equal(d.head, long.slice(0, 64 * 1024));
  assert.equal(d.sha256, createHash('sha256').update(long).digest('hex'));
  assert.match(String(d.fetch), /^stratam audit fetch --file-id \S+ --offset \d+$/);
});

test('a mirror cap of 0 (no mirror kept): kept is false and nothing else is answered', async () => {
  await session.profiles.save({ ...ref.profile(), name: 'ref', mirrorCapMB: 0 });
  const w = ok(await h.auditWindow({ name: 'ref', fromSeq: 1, toSeq: 5 }));
  assert.deepEqual(w, { kept: false, mirror: null, items: [], extra: 0, seq: null, bytesRead: 0 });
});
