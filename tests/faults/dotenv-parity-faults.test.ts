/**
 * The long differential fuzz (fault campaign): 100,000 generated .env files
 * against python3-dotenv, every edit of each (pause, trust lists, loop) read
 * back by it too. Same rule as the bounded run in tests/core/flags (see
 * parity.ts). DOTENV_FUZZ_SEED=<n> replays a run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PythonDotenv } from '../helpers/python-dotenv.js';
import { generateCases } from '../core/flags/dotenv-fuzz.js';
import { checkCases, newTally, type Case } from '../core/flags/parity.js';

const SEED = Number(process.env.DOTENV_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = 100_000;
const BATCH = 1000;

let judge: PythonDotenv;
before(async () => {
  judge = await PythonDotenv.start();
});
after(async () => {
  await judge?.close();
});

test(`differential fuzz, long: ${COUNT} generated .env files and all their edits agree with python-dotenv`, async (t) => {
  const started = performance.now();
  const tally = newTally();
  let batch: Case[] = [];
  for (const c of generateCases(SEED, COUNT)) {
    batch.push(c);
    if (batch.length === BATCH) {
      await checkCases(judge, batch, tally);
      batch = [];
    }
  }
  await checkCases(judge, batch, tally);
  t.diagnostic(`seed ${SEED}: ${JSON.stringify(tally)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(tally.files, COUNT);
  assert.ok(tally.certainFlag > COUNT / 4 && tally.flagOnByPython > COUNT / 20, JSON.stringify(tally));
  assert.ok(tally.edits - tally.editsRefused > tally.edits / 3, JSON.stringify(tally));
});
