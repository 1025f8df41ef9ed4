import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { sidePathFor } from '../../../src-main/core/vault/archive-rewrite.js';
import { cleanupInterrupted } from '../../../src-main/core/vault/stale-files.js';

const line = (i: number, enc: string) => JSON.stringify({ ts: `2026-11-28T01:00:${String(i).padStart(2, '0')}.000Z`, turn: `t${i}`, role: 'assistant', channel: 'discord', author: 'stratam', enc });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'stale-'));
  const d = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: dir, jarvisRoot: dir });
  const archive = join(dir, 'conversation_archive.jsonl');
  return { dir, d, archive, side: sidePathFor(archive), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a kill between the swap and the carry-over: the lines left only in the old file come back, once', async (t) => {
  const { d, archive, side, cleanup, dir } = setup();
  t.after(cleanup);
  // Old file: lines 1..5 read by the rewrite, then 6 and 7 appended by the agent before the swap.
  writeFileSync(side, [1, 2, 3, 4, 5, 6, 7].map((i) => line(i, `old${i}`)).join('\n') + '\n');
  // Live file: the rewritten 1..5 (new tokens), then 8 appended by the agent after the swap.
  writeFileSync(archive, [...[1, 2, 3, 4, 5].map((i) => line(i, `new${i}`)), line(8, 'new8')].join('\n') + '\n');
  const warnings = await cleanupInterrupted(d);
  assert.deepEqual(warnings, []);
  const turns = readFileSync(archive, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { turn: string }).turn);
  assert.deepEqual(turns, ['t1', 't2', 't3', 't4', 't5', 't8', 't6', 't7']);
  assert.equal(existsSync(side), false);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.includes('interrupted')),
    [],
  );
});

test('an old file that does not line up with the live one is kept for a person, with a warning', async (t) => {
  const { d, archive, side, cleanup, dir } = setup();
  t.after(cleanup);
  writeFileSync(side, [line(1, 'a'), line(2, 'b')].join('\n') + '\n{"torn');
  writeFileSync(archive, [line(9, 'x')].join('\n') + '\n');
  const warnings = await cleanupInterrupted(d);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /kept at .*interrupted/);
  assert.equal(readdirSync(dir).filter((n) => n.includes('interrupted')).length, 1);
  assert.equal(readFileSync(archive, 'utf8'), `${line(9, 'x')}\n`, 'the live archive is untouched');
});
