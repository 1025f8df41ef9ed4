/**
 * Receipts as the droplet keeps them: appends from one process never share a
 * seq, a file that ends inside a line (torn, or the agent's unfinished write)
 * does not swallow the next receipt, and a breaker.json replaced by a link
 * still lets the breaker turn the loop off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, lstatSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tripBreaker } from '../../../src-main/core/breaker/breaker-actions.js';
import { readBreaker } from '../../../src-main/core/breaker/breaker-file.js';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { appendReceipt } from '../../../src-main/core/receipts/receipts.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';

async function connected(t: import('node:test').TestContext) {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  return { ref, d };
}

const receipt = (tool: string) => ({ tool, args: {}, ok: true, result: null, elapsedMs: 1 });

test('receipts appended at once from one process get distinct, consecutive seqs', async (t) => {
  const { ref, d } = await connected(t);
  const made = await Promise.all(Array.from({ length: 8 }, (_, i) => appendReceipt(d, receipt(`t${i}`))));
  assert.deepEqual(
    made.map((r) => r.seq).sort((a, b) => a - b),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  assert.deepEqual(
    ref.readJsonl('operator_actions.jsonl').map((r) => r.seq),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
});

test('a receipts file that ends inside a line does not swallow the next receipt', async (t) => {
  const { ref, d } = await connected(t);
  await appendReceipt(d, receipt('pause'));
  appendFileSync(join(ref.home, 'operator_actions.jsonl'), '{"seq":2,"tool":"half-writ');
  const r = await appendReceipt(d, receipt('resume'));
  const lines = readFileSync(join(ref.home, 'operator_actions.jsonl'), 'utf8').split('\n');
  assert.equal(lines.at(-1), '', 'ends with a newline');
  assert.deepEqual(JSON.parse(lines.at(-2)!), JSON.parse(JSON.stringify(r)), 'the new receipt is a whole line of its own');
  assert.equal(r.seq, 2, 'the torn line had no readable seq: the last whole record is 1');
});

test('breaker.json replaced by a link reads as unreadable (never armed), and a trip still turns the loop off without writing through it', async (t) => {
  const { ref, d } = await connected(t);
  const path = join(ref.home, 'breaker.json');
  const target = join(ref.root, 'elsewhere.json');
  writeFileSync(target, JSON.stringify({ state: 'armed', tripped_at: null, reason: null, restarts: [], rearmed_at: null, by: null }));
  rmSync(path, { force: true });
  symlinkSync(target, path);
  assert.equal((await readBreaker(d)).state, 'unreadable');
  const now = Date.now();
  await assert.rejects(tripBreaker(d, [now - 4000, now - 3000, now - 2000, now - 1000], 'test', now), /symbolic link/);
  assert.match(ref.readEnv(), /^JARVIS_ETERNAL_LOOP=0$/m, 'the loop flag went first');
  assert.ok(lstatSync(path).isSymbolicLink(), 'the link is still there: nothing was written through or over it');
  assert.match(readFileSync(target, 'utf8'), /"armed"/);
});
