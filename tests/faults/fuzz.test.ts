/**
 * Fuzz: the .env editor, the known_hosts parser, the JSONL reader (and the
 * follower's frame decoder in front of it) and the blocklist parser get random
 * and mutated bytes. What must hold: no crash (no exception the code did not
 * mean to throw), no hang, and each target's own property (see fuzz-worker.ts).
 *
 * Each target runs in a worker thread with a watchdog: a synchronous infinite
 * loop cannot be interrupted from inside, so the parent terminates the worker
 * and fails naming the seed and input index that hung, instead of the whole
 * run timing out with no clue. FUZZ_SEED=<n> replays a run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { mulberry32 } from '../helpers/prng.js';
import { makeInput } from './fuzz-inputs.js';
import type { Target } from './fuzz-worker.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Generous: each target takes a few seconds here; a hang is minutes. */
const WATCHDOG_MS = 120_000;

const RUNS: Array<[Target, number]> = [
  ['dotenv', 20_000],
  ['known-hosts', 20_000],
  ['jsonl', 20_000],
  ['frames', 50_000],
  ['blocklist', 10_000],
];

interface Done {
  done: number;
  maxMs: number;
}

function fuzz(target: Target, seed: number, count: number): Promise<Done> {
  const progress = new SharedArrayBuffer(4);
  const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), { workerData: { target, seed, count, progress } });
  return new Promise<Done>((resolve, reject) => {
    let result: Done | null = null;
    const watchdog = setTimeout(() => {
      const i = Atomics.load(new Int32Array(progress), 0);
      // Rebuild the input that hung from the seed (the generator is deterministic).
      const rand = mulberry32(seed);
      let input: Buffer = Buffer.alloc(0);
      for (let k = 0; k <= i; k++) {
        input = makeInput(target, rand);
        if (target === 'jsonl') {
          // jsonl draws cut points too; replay them the same way
          const n = Math.floor(rand() * 8);
          for (let c = 0; c < n; c++) rand();
        }
      }
      // The hang is the failure reported; a worker that will not even stop is said beside it.
      worker.terminate().catch((err: unknown) => process.stderr.write(`fuzz ${target}: terminating the hung worker failed too: ${err instanceof Error ? err.message : String(err)}\n`));
      reject(new Error(`${target}: input #${i} (seed ${seed}) still running after ${WATCHDOG_MS} ms: a hang. Input starts ${JSON.stringify(input.subarray(0, 120).toString('latin1'))}`));
    }, WATCHDOG_MS);
    worker.on('message', (m: Done) => (result = m));
    worker.on('error', (err) => {
      clearTimeout(watchdog);
      reject(err);
    });
    worker.on('exit', (code) => {
      clearTimeout(watchdog);
      if (result) resolve(result);
      else reject(new Error(`${target}: worker exited with code ${code} before finishing`));
    });
  });
}

for (const [target, count] of RUNS) {
  test(`fuzz ${target}: ${count} random and mutated inputs, no crash, no hang, its property holds`, async (t) => {
    const started = performance.now();
    const r = await fuzz(target, SEED, count);
    assert.equal(r.done, count);
    t.diagnostic(`${target}: ${count} inputs, seed ${SEED}, ${(performance.now() - started).toFixed(0)} ms total, slowest input ${r.maxMs.toFixed(1)} ms`);
  });
}
