/**
 * The mirror as the audit feed writes it, from the real follower (the same
 * Python program as over SSH, here on a LocalDroplet over a temp home):
 * byte for byte with the droplet's files after rotations, dropped followers
 * and bad lines; kept when the droplet's log is wiped; filled by an
 * incremental sync (mirror-sync.ts) when a live feed started past its end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { AuditFeed } from '../../../src-main/core/audit/audit-feed.js';
import { MirrorReader } from '../../../src-main/core/audit/mirror/mirror-reader.js';
import { syncMirror } from '../../../src-main/core/audit/mirror-sync.js';
import { appendRecords, Collector, followersFor, rotate, until } from './audit-helpers.js';
import { assertSameBytes } from './mirror-helpers.js';

const CAP = 1 << 30;

function setup(t: import('node:test').TestContext) {
  const home = mkdtempSync(join(tmpdir(), 'stratam-mirror-feed-'));
  const state = mkdtempSync(join(tmpdir(), 'stratam-mirror-feed-state-'));
  t.after(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });
  const d = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: home, jarvisRoot: home }, home);
  const file = join(home, 'activity.jsonl');
  const mirror = () => {
    const r = MirrorReader.open(state, d.identity, 'activity');
    assert.ok(r, 'a mirror exists');
    try {
      return r.info().files.map((f) => readFileSync(f.path));
    } finally {
      r.close();
    }
  };
  return { home, state, d, file, mirror };
}

test('the mirror equals the droplet byte for byte after rotations, dropped followers and bad lines', async (t) => {
  const { home, state, d, file, mirror } = setup(t);
  appendRecords(home, 1, 10);
  appendFileSync(file, 'not json at all\n{"seq": "x"}\n');
  const ac = new AbortController();
  const c = new Collector();
  const done = new AuditFeed(d, { follow: true, fromSeq: 0, stateDir: state, mirrorCapBytes: CAP, signal: ac.signal, onItem: c.push, retryDelayMs: 100 }).run();
  t.after(() => {
    ac.abort();
    return done.catch(() => undefined);
  });
  await until('the first records', () => c.seqs().length === 10);
  // A drop: the follower dies; records written meanwhile come with the next one, from the resume point.
  process.kill(followersFor(home)[0]!, 'SIGKILL');
  appendRecords(home, 11, 20);
  rotate(home);
  appendRecords(home, 21, 30);
  appendFileSync(file, "\xff\xfe broken utf-8 is still the log's bytes\n");
  await until('the records after the drop and the rotation', () => c.seqs().length === 30);
  process.kill(followersFor(home)[0]!, 'SIGKILL');
  rotate(home);
  appendRecords(home, 31, 40);
  await until('the records after the second drop', () => c.seqs().length === 40);
  ac.abort();
  await done;
  assertSameBytes(mirror(), [readFileSync(`${file}.2`), readFileSync(`${file}.1`), readFileSync(file)], 'after two drops and two rotations');
  const r = MirrorReader.open(state, d.identity, 'activity')!;
  t.after(() => r.close());
  assert.equal(r.info().startSeq, 1);
  assert.equal(r.info().endSeq, 40);
  const at = r.seekSeq(25);
  assert.ok(at);
  assert.equal(r.linesAfter(at, 1)[0]?.seq, 25);
});

test('the mirror keeps what the droplet wiped; a sync reads only what is new and fills a live feed that started past its end', async (t) => {
  const { home, state, d, file, mirror } = setup(t);
  appendRecords(home, 1, 50);
  const first = await syncMirror(d, state, { capBytes: CAP });
  assert.equal(first.records, 50);
  const again = await syncMirror(d, state, { capBytes: CAP });
  assert.equal(again.records, 0, 'nothing new: nothing read again');
  appendRecords(home, 51, 60);
  assert.equal((await syncMirror(d, state, { capBytes: CAP })).records, 10, 'only the new records');
  const before = readFileSync(file);

  // The agent wipes its log and goes on: the mirror keeps the old bytes in their file, the new ones start another.
  truncateSync(file, 0);
  appendRecords(home, 61, 65);
  await syncMirror(d, state, { capBytes: CAP });
  assertSameBytes(mirror(), [before, readFileSync(file)], 'after the wipe');
  const r = MirrorReader.open(state, d.identity, 'activity')!;
  t.after(() => r.close());
  assert.equal(r.linesAfter(r.seekSeq(7)!, 1)[0]?.seq, 7, 'a wiped record is still in the mirror');

  // A live feed that starts at the end of a log the mirror has not read (the app's follow) cannot place its frames:
  // it says so, and the next sync fills the mirror in order.
  rotate(home);
  appendRecords(home, 66, 70);
  const ac = new AbortController();
  const c = new Collector();
  const live = new AuditFeed(d, { follow: true, lines: 2, stateDir: state, mirrorCapBytes: CAP, signal: ac.signal, onItem: c.push });
  const done = live.run();
  t.after(() => {
    ac.abort();
    return done.catch(() => undefined);
  });
  await until('the live tail', () => c.seqs().includes(70));
  appendRecords(home, 71, 72);
  await until('the live records', () => c.seqs().includes(72));
  await until('the mirror to say it is behind', () => live.mirrorBehind, 5000);
  await syncMirror(d, state, { capBytes: CAP });
  appendRecords(home, 73, 74);
  await until('records after the sync', () => c.seqs().includes(74));
  ac.abort();
  await done;
  assertSameBytes(mirror(), [before, readFileSync(`${file}.1`), readFileSync(file)], 'after the live feed and the sync');
});
