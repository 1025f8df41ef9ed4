/**
 * 50 `kill -9`s during vault rotation: 0 unreadable tokens.
 *
 * Same approach as tests/core/vault/rotate-kill.test.ts (a child process
 * rotates a real jarvis home through LocalDroplet and prints its phases; the
 * parent kills it at a random moment; Python's `cryptography` judges every
 * token with only the keyring on disk), taken further: 50 kills, each landing
 * on whatever the previous kill left behind (so recovery is killed too), and
 * the agent keeps appending to the conversation archive the whole time, as it
 * does on a live droplet (open, write one line, close). Those lines must
 * survive every kill and stay readable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Fernet } from '../../src-main/core/vault/fernet.js';
import { python } from '../core/vault/python-fernet.js';
import { archiveLine, makeFixture, tokensOnDisk } from '../core/vault/vault-fixture.js';
import { runRotationChild as runChild } from '../core/vault/run-rotation.js';

const WANTED = 50;

test(`${WANTED} kill -9s during vault rotation while the agent appends: 0 unreadable tokens, 0 lost lines`, async (t) => {
  const fx = makeFixture({ lines: 3000, entries: 5 });
  t.after(() => fx.cleanup());
  // The agent encrypts under the key it started with; it stays in the keyring (retired, inside retention).
  const agentKey = new Fernet(fx.key.key);
  const contents = [...fx.contents];
  const archive = join(fx.home, 'conversation_archive.jsonl');
  const append = () => {
    const i = contents.length;
    const content = `appended during rotation ${i}`;
    appendFileSync(archive, `${archiveLine(agentKey, i, content)}\n`);
    contents.push(content);
  };

  const full = await runChild(fx.home, null, append);
  assert.equal(full.killed, false);
  const span = Math.max(50, full.ms);
  const byPhase: Record<string, number> = {};
  let trials = 0;
  let unreadableTotal = 0;
  let lostTotal = 0;
  let reordered = 0;
  let stuckLocks = 0;
  let setAside = 0;
  for (let attempt = 0; trials < WANTED && attempt < WANTED * 3; attempt++) {
    // 40% of the kills aimed at the start, where the keyring and vault.json are rewritten.
    const run = await runChild(fx.home, Math.random() < 0.4 ? Math.random() * span * 0.08 : Math.random() * span, append);
    if (run.refused) {
      // A kill between the lock file's O_EXCL create and its write leaves an
      // empty lock that no one can tell is stale: the next rotation refuses,
      // fail-closed, naming the file. Tokens are all readable (checked after
      // the kill that left it). See docs/faults.md "Needs a fix".
      const lock = join(fx.home, '.vault-rotate.lock');
      assert.equal(readFileSync(lock, 'utf8'), '', `a refusal over a lock that is not the empty leftover: ${run.refused}`);
      assert.match(run.refused, /delete .*\.vault-rotate\.lock/, 'the refusal says how to recover');
      stuckLocks++;
      unlinkSync(lock); // what the hint tells the operator to do
      continue;
    }
    if (!run.killed) continue;
    trials++;
    byPhase[run.phase] = (byPhase[run.phase] ?? 0) + 1;

    const { keys, names, lines, tokens } = tokensOnDisk(fx);
    // A kill after the swap and before the carry-over leaves the old archive
    // aside (.stratam-rotate-old); the next rotation carries its missing lines
    // back. Until then, lines found only there are set aside, not lost.
    const asideLines = readdirSync(fx.home)
      .filter((n) => n.startsWith('conversation_archive.jsonl.interrupted-') || n.endsWith('.stratam-rotate-old'))
      .flatMap((n) => readFileSync(join(fx.home, n), 'utf8').split('\n').filter(Boolean));
    const asideTokens = asideLines.map((l) => (JSON.parse(l) as { enc: string }).enc);
    const judged = python<Array<{ index: number; plain: string | null }>>({ op: 'decrypt', keys, items: [...tokens, ...asideTokens] });
    const unreadable = judged.filter((j) => j.index < 0).length;
    unreadableTotal += unreadable;
    assert.equal(unreadable, 0, `trial ${trials} killed in phase ${run.phase}: ${unreadable} unreadable tokens`);
    const contentOf = (j: { plain: string | null }) => JSON.parse(Buffer.from(j.plain!, 'base64').toString()).content as string;
    const got = judged.slice(names.length, tokens.length).map(contentOf);
    const inArchive = new Set(got);
    const aside = [
      ...new Set(
        judged
          .slice(tokens.length)
          .map(contentOf)
          .filter((c) => !inArchive.has(c)),
      ),
    ];
    setAside = aside.length;
    const lost = contents.length - lines.length - aside.length;
    lostTotal += Math.abs(lost);
    assert.equal(lost, 0, `trial ${trials} (killed in phase ${run.phase}): ${lost} archive lines lost (${aside.length} set aside)`);
    judged.slice(0, names.length).forEach((j, i) => assert.equal(Buffer.from(j.plain!, 'base64').toString(), fx.secrets[names[i]!]));
    // Every message exactly once. Lines the agent appended to the old file just
    // before the swap are carried over after it, so they may land after lines
    // appended to the new one meanwhile (counted in `reordered`). The lines that
    // were there before keep their order.
    assert.deepEqual(got.slice(0, fx.contents.length), fx.contents, `trial ${trials}: the original lines changed or moved`);
    assert.deepEqual([...got, ...aside].sort(), [...contents].sort(), `trial ${trials}: a message lost or duplicated`);
    const expectedInArchive = contents.filter((c) => inArchive.has(c));
    reordered = got.filter((c, i) => c !== expectedInArchive[i]).length;
  }
  assert.ok(trials >= WANTED, `only ${trials} kills landed during rotation`);
  // After all that, a clean rotation still completes and leaves everything readable.
  const last = await runChild(fx.home, null, append);
  assert.equal(last.killed, false);
  const { keys, lines } = tokensOnDisk(fx);
  // The clean rotation carries any line a kill left only in the old file back into the archive.
  assert.equal(lines.length, contents.length, `every line is back in the archive (${setAside} were set aside by the last kill)`);
  assert.deepEqual(
    readdirSync(fx.home).filter((n) => n.includes('.interrupted-') || n.endsWith('.stratam-rotate-old')),
    [],
  );
  const judged = python<Array<{ index: number }>>({ op: 'decrypt', keys, items: lines.map((l) => (JSON.parse(l) as { enc: string }).enc) });
  assert.equal(judged.filter((j) => j.index < 0).length, 0);
  t.diagnostic(
    `kills mid-rotation: ${trials}; unreadable tokens: ${unreadableTotal}; lost lines: ${lostTotal}; lines set aside in .interrupted-* (missing from the archive): ${setAside}; lines out of append order after the last kill (carried over after a swap): ${reordered}; lines appended meanwhile: ${contents.length - fx.contents.length}; empty lock left by a kill (next rotation refused until deleted): ${stuckLocks}; by phase: ${JSON.stringify(byPhase)}; one full rotation ${full.ms.toFixed(0)} ms`,
  );
});
