import { spawnCli } from '../helpers/run-cli.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { SshDroplet } from '../../src-main/core/droplet/ssh-droplet.js';
import { WitnessStore } from '../../src-main/core/audit/witness-store.js';
import { appendRecords, range, until } from '../core/audit/audit-helpers.js';

test('two `stratam audit tail --follow` sharing a state folder keep one intact witness, in seq order, nothing lost', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const g = ref.cliArgs();
  const state = g[g.indexOf('--state-dir') + 1] as string;
  appendRecords(ref.home, 1, 300);

  // Two tails (the tray and a terminal, say), each its own process, started a moment apart.
  const last = [0, 0];
  const tails = [0, 1].map((i) => {
    const p = spawnCli([...g, '--json', 'audit', 'tail', '--follow', '--from-seq', '1']);
    t.after(() => p.child.kill('SIGKILL'));
    let rest = '';
    p.child.stdout.on('data', (c: Buffer) => {
      const lines = (rest + c.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        const seq = (JSON.parse(l) as { seq?: number }).seq;
        if (typeof seq === 'number') last[i] = seq;
      }
    });
    return p;
  });

  // Records keep arriving while both follow: each flushes its witness batches on its own clock.
  for (let from = 301; from <= 1500; from += 100) {
    appendRecords(ref.home, from, from + 99);
    await until(`both tails reach seq ${from + 99}`, () => last[0] === from + 99 && last[1] === from + 99);
  }
  for (const p of tails) p.child.kill('SIGINT');
  for (const p of tails) assert.equal(await p.exited, 0, p.stderr());

  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  const w = WitnessStore.open(state, d.identity, 'activity');
  t.after(() => w.close());
  assert.equal(w.checkChain(), -1, 'no false edit: the chain checks out');
  const seqs = [...w.entries()].map((e) => e.seq);
  assert.deepEqual(seqs, range(1, 1500), 'every record witnessed once, in increasing seq order');
});
