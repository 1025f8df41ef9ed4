import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MirrorStore } from '../../../src-main/core/audit/mirror/mirror-store.js';
import { decodeEntry, ENTRY, seqOf } from '../../../src-main/core/audit/mirror/mirror-index.js';
import { assertSameBytes, lines, MIRROR_ID, mirrored, rng, send, stateDir } from './mirror-helpers.js';

const CAP = { capBytes: 1024 ** 3 };

/** Every index entry: increasing seq, each pointing at the start of the line that holds its seq. */
function checkIndex(store: MirrorStore): number {
  const info = store.info();
  const idx = readFileSync(join(info.dir, 'index.bin'));
  assert.equal(idx.length % ENTRY, 0);
  const files = new Map(info.files.map((f) => [f.n, readFileSync(f.path)]));
  let last = -1;
  for (let o = 0; o < idx.length; o += ENTRY) {
    const e = decodeEntry(idx, o);
    assert.ok(e.seq > last, `index entries in increasing seq: ${last} then ${e.seq}`);
    last = e.seq;
    const f = files.get(e.n) as Buffer;
    assert.ok(e.offset === 0 || f[e.offset - 1] === 10, `entry for seq ${e.seq} at a line start`);
    assert.equal(seqOf(f.subarray(e.offset, f.indexOf(10, e.offset))), e.seq);
  }
  return idx.length / ENTRY;
}

test('mirror: two writers (the tray and a CLI sync) on one mirror, interleaved flushes: nothing twice, nothing lost', (t) => {
  const state = stateDir(t);
  const a = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  const b = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  t.after(() => {
    a.close();
    b.close();
  });
  const f1 = lines(1, 400);
  const f2 = lines(401, 900);
  const ra = rng(21);
  const rb = rng(22);
  // Both start file 1 from 0 before either flushed: the second compares instead of starting a second file.
  send(a, '1', f1, 0, 30_000, ra);
  send(b, '1', f1, 0, 50_000, rb);
  a.flush();
  b.flush();
  // The tray's live feed goes on; the CLI's sync re-reads from its own (older) point and then further.
  send(a, '1', f1, 30_000, f1.length, ra);
  send(b, '1', f1, f1.lastIndexOf(10, 20_000) + 1, f1.length, rb);
  send(b, '2', f2, 0, 40_000, rb);
  b.flush();
  send(a, '2', f2, 0, 60_000, ra);
  a.flush();
  send(b, '2', f2, 40_000, 70_000, rb);
  send(a, '2', f2, 60_000, f2.length, ra);
  a.flush();
  b.flush();
  assertSameBytes(mirrored(a), [f1, f2], 'two writers');
  assert.equal(a.behind || b.behind, false);
  const entries = checkIndex(a);
  assert.ok(entries >= Math.floor((f1.length + f2.length) / 4096), `${entries} index entries`);
  assert.equal(a.info().endSeq, 900);
  assert.equal(a.info().startSeq, 1);
});

test('mirror: while another live process holds mirror.lock, the batch waits in memory and is written once it is free', async (t) => {
  const state = stateDir(t);
  const store = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  t.after(() => store.close());
  const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => holder.kill());
  await once(holder, 'spawn');
  const lock = join(store.info().dir, 'mirror.lock');
  writeFileSync(lock, `${holder.pid} - 0 held-by-test\n`, { mode: 0o600 });
  const f = lines(1, 50);
  send(store, '1', f, 0, f.length, rng(1));
  const started = Date.now();
  store.flush(); // waits about 2 s for the holder, then keeps the batch
  assert.ok(Date.now() - started >= 1500, 'the flush waited for the live holder');
  assert.equal(store.info().files.length, 0, 'nothing written past a held lock');
  unlinkSync(lock);
  store.flush();
  assertSameBytes(mirrored(store), [f], 'written once the lock is free');
});
