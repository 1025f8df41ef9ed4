import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MirrorStore } from '../../../src-main/core/audit/mirror/mirror-store.js';
import { MirrorReader } from '../../../src-main/core/audit/mirror/mirror-reader.js';
import { lines, MIRROR_ID, rng, send, stateDir } from './mirror-helpers.js';

const CAP = { capBytes: 1024 ** 3 };
const T0 = 1_700_000_000_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Each line of the droplet files in mirror order, with its file number, offset, seq and ts. */
interface Line {
  n: number;
  offset: number;
  seq: number | null;
  ts: number;
}

function linesOf(files: Buffer[]): Line[] {
  const out: Line[] = [];
  files.forEach((f, i) => {
    for (let s = 0, nl = f.indexOf(10); nl >= 0; s = nl + 1, nl = f.indexOf(10, s)) {
      let seq: number | null = null;
      let ts = Number.NaN;
      try {
        const v = JSON.parse(f.toString('utf8', s, nl)) as { seq: number; ts: string };
        seq = v.seq;
        ts = Date.parse(v.ts);
      } catch {
        // a malformed line: no seq, no ts
      }
      out.push({ n: i + 1, offset: s, seq, ts });
    }
  });
  return out;
}

test('mirror reader: the index finds every seq, across files, bad lines and a rescan', (t) => {
  const state = stateDir(t);
  const store = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  t.after(() => store.close());
  const rand = rng(11);
  const a = Buffer.concat([lines(1, 700), Buffer.from('{"seq": oops\n'), lines(701, 1200)]);
  const b = lines(1201, 2500);
  send(store, '1', a, 0, a.length, rand);
  send(store, '2', b, 0, 90_000, rand);
  store.flush();
  send(store, '1', a, 0, a.length, rand); // a rescan: already indexed, not again
  send(store, '2', b, 0, b.length, rand);
  store.close();

  assert.equal(MirrorReader.open(state, MIRROR_ID, 'receipts'), null, 'no mirror there');
  const r = MirrorReader.open(state, MIRROR_ID, 'activity') as MirrorReader;
  t.after(() => r.close());
  const info = r.info();
  assert.equal(info.startSeq, 1);
  assert.equal(info.endSeq, 2500);
  // Sparse: about one 32-byte entry per 4 KiB block, well under 5% of the bytes.
  assert.ok(info.indexBytes > 0 && info.indexBytes < info.bytes * 0.02, `index ${info.indexBytes} bytes for ${info.bytes}`);
  const all = linesOf([a, b]);
  for (const l of all) {
    if (l.seq === null) continue;
    const pos = r.seekSeq(l.seq);
    assert.deepEqual(pos, { n: l.n, offset: l.offset }, `seq ${l.seq}`);
  }
  assert.deepEqual(r.seekSeq(0), { n: 1, offset: 0 });
  assert.equal(r.seekSeq(2501), null);
  assert.deepEqual(r.end(), { n: 2, offset: b.length });
  const last = r.linesBefore(r.end(), 3);
  assert.deepEqual(
    last.map((l) => l.seq),
    [2498, 2499, 2500],
  );
  // Backward and forward across the file boundary, bad line included, oldest first.
  const around = r.linesBefore({ n: 2, offset: 0 }, 502);
  assert.deepEqual(around[0]?.seq, 700);
  assert.equal(around[1]?.seq, null);
  assert.equal(around[1]?.bytes.toString(), '{"seq": oops');
  assert.equal(around.at(-1)?.seq, 1200);
  const fwd = r.linesAfter(around[0]?.pos as { n: number; offset: number }, 503);
  assert.deepEqual(
    fwd.map((l) => l.seq),
    around.map((l) => l.seq).concat([1201]),
  );
  for (const l of fwd.slice(0, 3)) assert.ok(a.subarray(l.pos.offset, l.pos.offset + l.bytes.length).equals(l.bytes));
});

test('mirror reader: times by the running max, with the agent clock stepped back', (t) => {
  const state = stateDir(t);
  const store = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  t.after(() => store.close());
  // One record a second; at seq 1001 the clock steps back 500 s, so seqs 1001..1500 repeat the times of 501..1000.
  const tsOf = (seq: number) => T0 + (seq <= 1000 ? seq : seq - 500) * 1000;
  const a = lines(1, 1800, (seq) => ({ ts: iso(tsOf(seq)) }));
  const b = lines(1801, 3000, (seq) => ({ ts: iso(tsOf(seq)) }));
  send(store, '1', a, 0, a.length, rng(2));
  send(store, '2', b, 0, b.length, rng(3));
  store.close();
  const r = MirrorReader.open(state, MIRROR_ID, 'activity') as MirrorReader;
  t.after(() => r.close());
  const seqAt = (ms: number) => {
    const p = r.seekTime(ms);
    return p ? (r.linesAfter(p, 1)[0]?.seq ?? null) : null;
  };
  assert.equal(seqAt(0), 1);
  assert.equal(seqAt(tsOf(1)), 1);
  assert.equal(seqAt(tsOf(300) - 1), 300);
  // A time the clock passed before stepping back: the first record at it, not its repeat after the step.
  assert.equal(seqAt(tsOf(700)), 700);
  assert.equal(seqAt(tsOf(1000)), 1000);
  // Past the old maximum again: the first record that reaches it after the step.
  assert.equal(seqAt(tsOf(1000) + 1000), 1501);
  assert.equal(seqAt(tsOf(2400)), 2400);
  assert.equal(seqAt(tsOf(3000)), 3000);
  assert.equal(seqAt(tsOf(3000) + 1), null);
});

test('mirror reader: 200,000 records; opening seq 1, the middle and the end reads a few KiB', (t) => {
  const state = stateDir(t);
  const store = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  t.after(() => store.close());
  // Two files of 100,000 records, sent in 64 KiB frames (a sync's shape).
  const rand = rng(9);
  let total = 0;
  for (const [inode, from] of [
    ['1', 1],
    ['2', 100_001],
  ] as const) {
    const f = lines(from, from + 99_999);
    total += f.length;
    send(store, inode, f, 0, f.length, rand, 65_536);
  }
  store.close();
  const r = MirrorReader.open(state, MIRROR_ID, 'activity') as MirrorReader;
  t.after(() => r.close());
  // 50 lines are about 10 KiB themselves; a seek is the index's binary search (32 bytes a step) and a block or two.
  const cost = (what: string, fn: () => void, limit = 32 * 1024) => {
    const before = r.bytesRead;
    fn();
    const read = r.bytesRead - before;
    assert.ok(read < limit, `${what} read ${read} bytes of ${total}`);
  };
  for (const seq of [1, 100_000, 100_001, 137_777, 200_000]) {
    let pos = null as ReturnType<MirrorReader['seekSeq']>;
    cost(`seeking seq ${seq}`, () => (pos = r.seekSeq(seq)), 10 * 1024);
    cost(`seq ${seq} and the 50 lines from it`, () => {
      const got = r.linesAfter(pos ?? { n: 0, offset: 0 }, 50);
      assert.equal(got[0]?.seq, seq);
      assert.equal(got.length, Math.min(50, 200_001 - seq));
    });
  }
  cost('the last 50 lines', () => {
    const got = r.linesBefore(r.end(), 50);
    assert.deepEqual([got[0]?.seq, got.at(-1)?.seq], [199_951, 200_000]);
  });
  cost('a time in the middle', () => {
    const p = r.seekTime(T0 + 150_000 * 1000);
    assert.equal(p && r.linesAfter(p, 1)[0]?.seq, 150_000);
  });
});
