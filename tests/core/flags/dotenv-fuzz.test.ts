/**
 * The differential fuzz, bounded for `npm test`: 3,000 generated files, each
 * read by our grammar and by python3-dotenv (one judge process), then edited
 * (pause and trust lists) and read again (see parity.ts for the rule).
 * DOTENV_FUZZ_SEED=<n> replays a run; the long run is in tests/faults.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PythonDotenv } from '../../helpers/python-dotenv.js';
import { generateCases } from './dotenv-fuzz.js';
import { checkCases, newTally, type Case } from './parity.js';

// Fixed by default, so `npm test` is the same run every time; the fault campaign's long run draws a new seed each time.
const SEED = Number(process.env.DOTENV_FUZZ_SEED ?? 20261201);
const COUNT = 3000;
const BATCH = 500;

let judge: PythonDotenv;
before(async () => {
  judge = await PythonDotenv.start();
});
after(async () => {
  await judge?.close();
});

test(`differential fuzz: ${COUNT} generated .env files agree with python-dotenv, and every edit lands`, async (t) => {
  const tally = newTally();
  let batch: Case[] = [];
  for (const c of generateCases(SEED, COUNT)) {
    batch.push(c);
    if (batch.length === BATCH) {
      await checkCases(judge, batch, tally, { edits: 'pause+1' });
      batch = [];
    }
  }
  await checkCases(judge, batch, tally, { edits: 'pause+1' });
  t.diagnostic(`seed ${SEED}: ${JSON.stringify(tally)}`);
  assert.equal(tally.files, COUNT);
  // The generator must reach every branch the rule speaks of, or the run proves little.
  assert.ok(tally.certainFlag > COUNT / 4, `only ${tally.certainFlag} files had a certain flag`);
  assert.ok(tally.flagOnByPython > COUNT / 20, `only ${tally.flagOnByPython} files had the flag on`);
  assert.ok(tally.pythonRaised > 0 && tally.editsRefused > 0 && tally.editsAppended > 0, JSON.stringify(tally));
  assert.ok(tally.edits - tally.editsRefused > tally.edits / 3, `too few edits landed: ${JSON.stringify(tally)}`);
});
