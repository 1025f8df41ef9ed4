import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WitnessStore } from '../../../src-main/core/audit/witness-store.js';
import { setLogSink } from '../../../src-main/core/log/logger.js';
import { range } from './audit-helpers.js';
import { seqHash, WRITER_ID } from './witness-writer.js';

const WRITER = fileURLToPath(new URL('./witness-writer.js', import.meta.url));

/** A writer process: `send` a command, get its answer line. */
function writer(state: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [WRITER, state, 'activity'], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((r) => child.once('close', r));
  return {
    async send(cmd: string): Promise<void> {
      child.stdin.write(`${cmd}\n`);
      const a = await answers.next();
      assert.equal(a.value, 'ok', `writer ${child.pid}: ${cmd} -> ${String(a.value)} ${stderr}`);
    },
    async close(): Promise<void> {
      await this.send('close');
      child.stdin.end();
      assert.equal(await exited, 0, stderr);
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** Every entry, with the chain checked: what a third process sees. */
function witnessed(state: string): number[] {
  const w = WitnessStore.open(state, WRITER_ID, 'activity');
  try {
    assert.equal(w.checkChain(), -1, 'the chain checks out');
    const seqs: number[] = [];
    for (const e of w.entries()) {
      assert.equal(e.sha256, seqHash(e.seq), `seq ${e.seq} holds its own hash`);
      seqs.push(e.seq);
    }
    return seqs;
  } finally {
    w.close();
  }
}

function increasing(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) assert.ok((seqs[i] as number) > (seqs[i - 1] as number), `entries in increasing seq order at ${i}: ${seqs[i - 1]} then ${seqs[i]}`);
}

test('two processes writing one witness: each skips what the other witnessed, none lost, chain intact', async (t) => {
  const state = mkdtempSync(join(tmpdir(), 'stratam-witness-2w-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  const a = writer(state);
  const b = writer(state);
  t.after(() => {
    a.kill();
    b.kill();
  });

  // An interleaving forced step by step (the tray and `audit tail` reading the same log, each behind the other in turn).
  await a.send('observe 1 10');
  await a.send('flush');
  await b.send('observe 1 20'); // b opened before a's flush: 1..10 are a's already
  await b.send('flush');
  await a.send('observe 11 30');
  await a.send('flush');
  await b.send('observe 21 25'); // b's new batch starts behind a's tail: compared, not appended
  await a.send('observe 31 40');
  await a.send('flush');
  await b.send('flush');
  await a.send('reopen');
  await b.send('run 26 50 3');
  await a.send('observe 41 60'); // 41..50 are b's by the time a flushes
  await a.send('flush');
  assert.deepEqual(witnessed(state), range(1, 60));

  // Both flat out at once, batches of different sizes, over the same seqs: real contention for the lock.
  await Promise.all([a.send('run 61 20000 37'), b.send('run 61 20000 53')]);
  await Promise.all([a.send('reopen'), b.send('run 20001 30000 1000')]);
  await Promise.all([a.send('run 20001 30000 7'), b.send('flush')]);
  await Promise.all([a.close(), b.close()]);
  const seqs = witnessed(state);
  increasing(seqs);
  assert.equal(seqs.length, 30_000, 'none lost');
  assert.deepEqual(seqs.slice(0, 3), [1, 2, 3]);
  assert.equal(seqs.at(-1), 30_000);
  assert.deepEqual(readdirSync(join(state, 'audit', readdirSync(join(state, 'audit'))[0] as string)).sort(), ['activity.chain', 'activity.entries'], 'no lock or temp file left behind');
});

test('a lock left by a writer that was killed holding it is taken over, and its half-written batch cut off', async (t) => {
  const state = mkdtempSync(join(tmpdir(), 'stratam-witness-2w-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  const a = writer(state);
  t.after(() => a.kill());
  await a.send('observe 1 100');
  await a.send('flush');
  await a.close();
  const dir = join(state, 'audit', readdirSync(join(state, 'audit'))[0] as string);

  // A dead process's lock (pid of an exited child) and an uncommitted tail, as a writer killed between its writes leaves them.
  const dead = spawn(process.execPath, ['-e', '']);
  const deadPid = dead.pid as number;
  await new Promise((r) => dead.once('close', r));
  writeFileSync(join(dir, 'activity.lock'), `${deadPid} 1 0 feedfacefeedface\n`);
  appendFileSync(join(dir, 'activity.entries'), Buffer.alloc(40 * 3, 7));

  const b = writer(state);
  t.after(() => b.kill());
  await b.send('observe 50 150');
  await b.close();
  assert.deepEqual(witnessed(state), range(1, 150));
});

test("merging at flush: a seq read with other bytes keeps the first copy and is logged; one below the other writer's end is left out", (t) => {
  const state = mkdtempSync(join(tmpdir(), 'stratam-witness-2w-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  const lines: string[] = [];
  setLogSink({ write: (l) => lines.push(l) });
  t.after(() => setLogSink(null));
  // Two stores in one process behave as two writers: each has its own view and descriptors.
  const a = WitnessStore.open(state, WRITER_ID, 'activity');
  const b = WitnessStore.open(state, WRITER_ID, 'activity');
  for (const s of [1, 2, 3, 4, 5]) a.observe(s, seqHash(s));
  for (const s of [1, 2, 3, 4, 5]) b.observe(s, s === 3 ? seqHash(333) : seqHash(s)); // seq 3 rewritten between the reads
  a.flush();
  b.flush();
  assert.equal(lines.length, 1);
  assert.match(lines[0] as string, /WARN witness: The activity record at seq 3 was read with other bytes than another process witnessed/);

  for (const s of [6, 7, 20]) a.observe(s, seqHash(s)); // a skipped 8..19 (it started later, say)
  for (const s of [6, 8, 9]) b.observe(s, seqHash(s));
  a.flush();
  b.flush();
  assert.match(lines[1] as string, /INFO witness: 2 activity record\(s\) below seq 20 were not witnessed by this process/);
  a.close();
  b.close();
  assert.deepEqual(witnessed(state), [1, 2, 3, 4, 5, 6, 7, 20]);
});
