/**
 * `auditSearch` through the contract against the reference droplet (real
 * sshd, real files): nothing to search before the mirror is synced; after a
 * sync, pages of matches newest first through the cursor, each the exact line
 * in the auditQuery view; the search still finds records after the droplet's
 * log is wiped; a mirror cap of 0 means no mirror. Malformed requests are
 * refused before the session is touched.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncMirror } from '../../src-main/core/audit/mirror-sync.js';
import { mirrorCapBytes } from '../../src-main/core/config/profile.js';
import { Session } from '../../src-main/core/session/session.js';
import type { ResultOf } from '../../src-main/ipc/channels.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { observedHandlers } from './local-profile.js';

const N = 400;
/** Records 7, 150 and 333 hold the word; 20, 40, ... failed. */
const NEEDLE = new Set([7, 150, 333]);
const record = (seq: number) => ({
  seq,
  ts: new Date(Date.UTC(2026, 10, 1) + seq * 60_000).toISOString(),
  turn: `t${seq}`,
  channel: seq % 2 ? 'discord' : 'telegram',
  trust: 'owner',
  tool: seq % 3 ? 'read_file' : 'shell',
  args: { path: NEEDLE.has(seq) ? `/srv/Zanzibar-${seq}` : `/x/${seq}` },
  result: 'fine',
  ok: seq % 20 !== 0,
  elapsed_ms: seq,
  blocked: null,
});
const lines = Array.from({ length: N }, (_, i) => JSON.stringify(record(i + 1)));

let ref: ReferenceDroplet;
let session: Session;
let h: ReturnType<typeof createHandlers>;
let stateDir: string;

before(async () => {
  ref = await startReferenceDroplet({ activity: `${lines.join('\n')}\n` });
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

type Page = ResultOf<'auditSearch'>;
const ok = (r: { result?: Page; error?: { message: string } }): Page => {
  assert.equal(r.error, undefined, r.error?.message);
  return r.result as Page;
};
const seqs = (p: Page) => p.items.map((i) => (i.type === 'record' ? i.record.seq : -1));

test('before the mirror is synced there is nothing to search, and the answer says so', async () => {
  const p = ok(await h.auditSearch({ name: 'ref', query: { text: 'zanzibar' } }));
  assert.deepEqual(p, { items: [], next: null, mirror: null, scannedBytes: 0 });
});

test('after a sync: matches newest first, paged by the cursor, each the exact line in the auditQuery view', async () => {
  const s = await syncMirror(session.droplet('ref'), stateDir, { capBytes: mirrorCapBytes(await session.profiles.get('ref')), receipts: true });
  assert.equal(s.records >= N, true);
  const first = ok(await h.auditSearch({ name: 'ref', query: { text: 'zanzibar' }, limit: 2 }));
  assert.deepEqual(seqs(first), [333, 150]);
  assert.deepEqual(first.mirror, { startSeq: 1, endSeq: N, files: 1, bytes: Buffer.byteLength(`${lines.join('\n')}\n`) });
  assert.ok(first.next, 'more matches remain');
  assert.ok(first.scannedBytes > 0);
  const rec = first.items[0]!;
  assert.equal(rec.type, 'record');
  if (rec.type === 'record') {
    assert.equal(rec.record.text, lines[332]);
    assert.equal(rec.record.stream, 'activity');
    assert.deepEqual(rec.record.value, record(333));
    // The offset is the line's place in the droplet's own file.
    assert.equal(readFileSync(join(ref.home, 'activity.jsonl')).subarray(rec.record.offset).toString('utf8').split('\n')[0], lines[332]);
  }
  const second = ok(await h.auditSearch({ name: 'ref', query: { text: 'zanzibar' }, cursor: first.next!, limit: 2 }));
  assert.deepEqual(seqs(second), [7]);
  assert.equal(second.next, null, 'the whole trail was scanned');
});

test('filters and time bounds: failed calls on one channel, between two times', async () => {
  const q = { outcomes: ['failed' as const], channels: ['telegram'], since: record(100).ts, until: record(300).ts };
  const p = ok(await h.auditSearch({ name: 'ref', query: q }));
  assert.deepEqual(seqs(p), [300, 280, 260, 240, 220, 200, 180, 160, 140, 120, 100]);
  assert.equal(p.next, null);
  const tools = ok(await h.auditSearch({ name: 'ref', query: { tools: ['shell'], text: 'ZANZIBAR' } }));
  assert.deepEqual(seqs(tools), [333, 150], 'seq 7 is a read_file call');
});

test('the droplet log wiped: the mirror still finds the old records', async () => {
  writeFileSync(join(ref.home, 'activity.jsonl'), `${JSON.stringify(record(N + 1))}\n`);
  const p = ok(await h.auditSearch({ name: 'ref', query: { text: 'zanzibar' } }));
  assert.deepEqual(seqs(p), [333, 150, 7]);
});

test('a mirror cap of 0 (no mirror kept) answers mirror: null', async () => {
  await session.profiles.save({ ...ref.profile(), name: 'ref', mirrorCapMB: 0 });
  const p = ok(await h.auditSearch({ name: 'ref', query: { text: 'zanzibar' } }));
  assert.deepEqual(p, { items: [], next: null, mirror: null, scannedBytes: 0 });
});

const bad: Array<[unknown, RegExp]> = [
  [{ name: 'ref' }, /query:/],
  [{ name: 'ref', query: { text: 'x' }, limit: 501 }, /limit:/],
  [{ name: 'ref', query: { text: 'x' }, limit: 0 }, /limit:/],
  [{ name: 'ref', query: { text: 'x', regex: true } }, /unknown field regex/],
  [{ name: 'ref', query: { since: 'yesterday' } }, /query.since: a time is an ISO 8601 date-time/],
  [{ name: 'ref', query: { since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' } }, /since is after until/],
  [{ name: 'ref', query: { outcomes: ['maybe'] } }, /query.outcomes/],
  [{ name: 'ref', query: {}, cursor: { n: 0, offset: 0 } }, /cursor.n/],
  [{ name: 'ref', query: {}, cursor: { n: 1, offset: -1 } }, /cursor.offset/],
  [{ name: 'ref', query: {}, cursor: { n: 1, offset: 0, seq: 3 } }, /unknown field seq/],
  [{ name: '../etc', query: {} }, /name: a droplet name is/],
];
for (const [payload, message] of bad) {
  test(`auditSearch refuses ${JSON.stringify(payload)} before the core`, async () => {
    const { handlers, touched } = observedHandlers(session);
    touched.length = 0;
    const r = await handlers.auditSearch(payload as never);
    assert.equal(r.result, undefined);
    assert.equal(r.error?.kind, 'usage');
    assert.match(r.error!.message, /^Invalid request to auditSearch: /);
    assert.match(r.error!.message, message);
    assert.deepEqual(touched, [], 'the session was not touched');
  });
}
