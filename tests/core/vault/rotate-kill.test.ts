import { test } from 'node:test';
import assert from 'node:assert/strict';
import { python } from './python-fernet.js';
import { makeFixture, tokensOnDisk } from './vault-fixture.js';
import { runRotationChild as runChild } from './run-rotation.js';

const WANTED = 32;

test(`kill -9 at random moments during rotation: every token stays readable with the keyring on disk (${WANTED}+ trials)`, async (t) => {
  const fx = makeFixture({ lines: 6000, entries: 5 });
  try {
    const full = await runChild(fx.home, null);
    assert.equal(full.killed, false);
    const span = Math.max(50, full.ms);
    const byPhase: Record<string, number> = {};
    let trials = 0;
    for (let attempt = 0; trials < WANTED && attempt < WANTED * 3; attempt++) {
      // Some kills aimed at the first few percent, where the keyring and vault.json are rewritten.
      const run = await runChild(fx.home, Math.random() < 0.4 ? Math.random() * span * 0.08 : Math.random() * span);
      if (!run.killed) continue;
      trials++;
      byPhase[run.phase] = (byPhase[run.phase] ?? 0) + 1;

      // The keyring on disk alone must open every token, judged by Python.
      const { keys, names, lines, tokens } = tokensOnDisk(fx);
      assert.equal(lines.length, fx.contents.length, `trial ${trials}: no archive line lost`);
      const judged = python<Array<{ index: number; plain: string | null }>>({ op: 'decrypt', keys, items: tokens });
      const unreadable = judged.filter((j) => j.index < 0).length;
      assert.equal(unreadable, 0, `trial ${trials} killed in phase ${run.phase}: ${unreadable} unreadable tokens`);
      judged.slice(0, names.length).forEach((j, i) => assert.equal(Buffer.from(j.plain!, 'base64').toString(), fx.secrets[names[i]!]));
      judged.slice(names.length).forEach((j, i) => assert.equal(JSON.parse(Buffer.from(j.plain!, 'base64').toString()).content, fx.contents[i]));
    }
    t.diagnostic(`trials killed mid-rotation: ${trials}; by phase: ${JSON.stringify(byPhase)}; one full rotation took ${full.ms.toFixed(0)} ms`);
    assert.ok(trials >= WANTED, `only ${trials} kills landed during rotation`);
    // After all that, a clean rotation still completes.
    const last = await runChild(fx.home, null);
    assert.equal(last.killed, false);
  } finally {
    fx.cleanup();
  }
});
