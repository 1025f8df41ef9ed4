/**
 * The hand-made corpus against python3-dotenv, and the doubt each file must
 * raise. Every reproduction of issue 13 (point 1) is here; the CLI versions of
 * them are in tests/cli/dotenv-parity-cli.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { blockingDoubts, readDotenv } from '../../../src-main/core/flags/dotenv.js';
import { editEnv, readEnv } from '../../../src-main/core/flags/env-editor.js';
import { PythonDotenv } from '../../helpers/python-dotenv.js';
import { CORPUS, REPRODUCTIONS } from './dotenv-corpus.js';
import { checkCases, EDITS, FLAG, newTally } from './parity.js';

let judge: PythonDotenv;
before(async () => {
  judge = await PythonDotenv.start();
});
after(async () => {
  await judge?.close();
});

test('corpus: every file reads as python-dotenv reads it, and every edit lands or is refused for a doubt', async (t) => {
  const tally = newTally();
  await checkCases(judge, CORPUS, tally);
  t.diagnostic(JSON.stringify(tally));
  assert.equal(tally.files, CORPUS.length);
});

test('corpus: each file raises exactly the doubts it should', () => {
  for (const c of CORPUS) {
    if (!c.doubts) continue;
    const kinds = [...new Set(readDotenv(c.bytes).doubts.map((d) => d.kind))].sort();
    assert.deepEqual(kinds, c.doubts, c.name);
  }
});

test('issue 13 reproductions: the old reader said paused; now the flag is either doubted or read as python-dotenv reads it', async () => {
  for (const c of REPRODUCTIONS) {
    const py = await judge.readOne(c.bytes);
    const r = readDotenv(c.bytes);
    const flagDoubt = r.doubts.find((d) => d.key === null || d.key === FLAG);
    if (flagDoubt) {
      assert.ok(flagDoubt.line >= 1 && flagDoubt.fix.length > 0, c.name);
      continue;
    }
    if (py.dict!.has(FLAG)) assert.equal(r.values.get(FLAG), py.dict!.get(FLAG), c.name);
  }
  // The first one, exactly: line 3 is named, and python-dotenv does read 1.
  const first = REPRODUCTIONS[0]!;
  assert.equal((await judge.readOne(first.bytes)).dict!.get(FLAG), '1');
  const d = readDotenv(first.bytes).doubts;
  assert.deepEqual(
    d.map((x) => [x.line, x.key, x.kind]),
    [[3, null, 'assignment-in-quotes']],
  );
  assert.match(d[0]!.reason, /line 3 looks like an assignment of "JARVIS_SELF_MODIFY_ALLOWED" but is inside the quoted value of "NOTE" opened on line 2/);
  assert.match(d[0]!.fix, /Close the quote on line 2/);
});

test('doubts are file-wide or one key: an API key from the environment does not touch the flag', () => {
  const api = readDotenv('OPENAI_API_KEY=${KEY}\nJARVIS_SELF_MODIFY_ALLOWED=1\n');
  assert.deepEqual(
    api.doubts.map((d) => [d.line, d.key, d.kind]),
    [[1, 'OPENAI_API_KEY', 'environment']],
  );
  const flag = readDotenv('JARVIS_SELF_MODIFY_ALLOWED=${ON}\n');
  assert.deepEqual(
    flag.doubts.map((d) => [d.line, d.key, d.kind]),
    [[1, FLAG, 'environment']],
  );
  assert.equal(flag.values.get(FLAG), '', 'blind, an unset variable reads as empty');
  const through = readDotenv('A=${ON}\nB=x\nJARVIS_SELF_MODIFY_ALLOWED=${A}\n');
  assert.deepEqual(
    through.doubts.map((d) => [d.line, d.key]),
    [
      [1, 'A'],
      [3, FLAG],
    ],
  );
  const unterminated = readDotenv('A=1\nB="x\nJARVIS_SELF_MODIFY_ALLOWED=0\n');
  assert.deepEqual(
    unterminated.doubts.map((d) => [d.line, d.key, d.kind]),
    [[2, null, 'parse-error']],
  );
  const bad = readDotenv(Buffer.from([0x41, 0x3d, 0x31, 0x0d, 0x0a, 0x42, 0x3d, 0xff]));
  assert.deepEqual(
    bad.doubts.map((d) => [d.line, d.key, d.kind]),
    [[2, null, 'not-utf8']],
  );
  // No doubt message carries a value (they may hold API keys): not even a word from inside a multi-line secret.
  for (const c of CORPUS) for (const d of readDotenv(c.bytes).doubts) assert.ok(!/sk-test|234567890123456789/.test(d.reason + d.fix), c.name);
  const pem = readDotenv('KEY="-----BEGIN-----\nQK7ZP2=\n-----END-----"\nX=${sk-live-9f8e}\n').doubts;
  assert.deepEqual(
    pem.map((d) => [d.line, d.kind]),
    [
      [2, 'assignment-in-quotes'],
      [4, 'environment'],
    ],
  );
  for (const d of pem) assert.ok(!/QK7ZP2|9f8e/.test(d.reason + d.fix), d.reason);
});

test('editEnv on real files: a refused edit leaves the file byte-identical; a landed one reads as intended in python-dotenv', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-dotenv-'));
  try {
    const droplet = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: dir, jarvisRoot: dir }, dir);
    let refused = 0;
    let landed = 0;
    for (const c of CORPUS) {
      for (const e of EDITS) {
        writeFileSync(join(dir, '.env'), c.bytes, { mode: 0o640 });
        const doubted = blockingDoubts((await readEnv(droplet)).doubts, [e.key]);
        try {
          await editEnv(droplet, [e]);
        } catch (err) {
          assert.ok(err instanceof StratamError && err.kind === 'refused' && err.exitCode === 3, `${c.name}: ${String(err)}`);
          assert.ok(doubted.length > 0, `${c.name}: refused without a doubt`);
          assert.ok(readFileSync(join(dir, '.env')).equals(c.bytes), `${c.name}: a refused edit changed the file`);
          assert.match(err.message, new RegExp(`line ${doubted[0]!.line}: `), c.name);
          assert.equal(err.hint, doubted[0]!.fix);
          assert.equal(err.detail?.line, doubted[0]!.line);
          refused++;
          continue;
        }
        assert.equal(doubted.length, 0, c.name);
        const py = await judge.readOne(readFileSync(join(dir, '.env')), c.env);
        assert.equal(py.dict!.get(e.key), e.value, `${c.name}: ${e.key}`);
        landed++;
      }
    }
    assert.ok(refused > 0 && landed > 0, `${refused} refused, ${landed} landed`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
