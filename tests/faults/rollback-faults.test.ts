/**
 * Issue 14, "Done when": the SSH connection killed (ref.killSshd(), then ref.startSshd()),
 * and the app killed (kill -9 of the `stratam rollback` process), at 20 points each during
 * a rollback. After every fault, agentCodeDir holds the old tree or the new one, complete
 * (whole-tree hash), and a second rollback finishes the job (tree equals the snapshot,
 * container running, no leftovers).
 *
 * Where the 20 points fall: one calibration run (CLI, --json) records when each step line
 * arrives. The six steps that change the droplet (pause, pre-rollback-snapshot, stage, swap,
 * clean-up, restart) get 4, 4, 3, 3, 3, 3 points, at the middles of equal slices of that
 * step's calibrated duration; a point is "after step line j, plus that offset". Anchoring
 * on the step lines keeps every point in its step when the machine is slower or faster.
 * The app is the CLI (spawned, then SIGKILL); the SSH faults run the core in-process (the
 * same steps, without a process start per point) and kill sshd.
 *
 * The tree is the stand-in agent's code plus 120 small files and a 1 MiB file, so the copies
 * take long enough for kills to land inside them; the change rolled back is a healthy one
 * (a new replies file), and main.sh stops at once on SIGTERM, so restarts are quick.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshDroplet } from '../../src-main/core/droplet/ssh-droplet.js';
import { rollback } from '../../src-main/core/recovery/rollback.js';
import { TREE_OPS_MARK } from '../../src-main/core/recovery/tree-ops-script.js';
import { helpersWith } from '../helpers/processes.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { spawnCli } from '../helpers/run-cli.js';
import { treeHash } from '../helpers/tree-hash.js';

const POINTS = 20;
/** Points per step that changes the droplet, in step order after preflight. */
const PER_STEP = [4, 4, 3, 3, 3, 3];
const NEW_REPLIES = 'hi!\nwhat now?\n';

const status = (ref: ReferenceDroplet) => execFileSync('docker', ['inspect', '-f', '{{.State.Status}}', ref.container], { encoding: 'utf8' }).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const leftovers = (ref: ReferenceDroplet) => [
  ...readdirSync(ref.jarvisRoot).filter((n) => n.includes('stratam-rollback-') || n.startsWith('.stratam-probe-')),
  ...readdirSync(join(ref.jarvisRoot, '.jarvis_self_history')).filter((n) => n.startsWith('.stratam-partial-')),
];

/** A `stratam --json rollback` whose step lines are timed as they arrive. */
function startRun(ref: ReferenceDroplet, snap: string) {
  const p = spawnCli([...ref.cliArgs(), '--json', 'rollback', snap, '--yes', '--health-seconds', '0'], { entry: 'transpiled' });
  const t0 = performance.now();
  const arrivals: number[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let buf = '';
  p.child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      if ((JSON.parse(buf.slice(0, nl)) as { kind?: string }).kind === 'step') arrivals.push(performance.now() - t0);
      buf = buf.slice(nl + 1);
    }
    for (const w of waiters.filter((x) => arrivals.length >= x.n)) w.resolve();
  });
  /** Resolves once `n` step lines have arrived, or the run has ended. */
  const afterSteps = (n: number) =>
    new Promise<void>((resolve) => {
      if (arrivals.length >= n) return resolve();
      waiters.push({ n, resolve });
      p.exited.then(
        () => resolve(),
        () => resolve(),
      );
    });
  return { p, arrivals, afterSteps };
}

test('rollback with sshd killed, and with the CLI killed -9, at 20 points each: a whole tree always, and a second rollback finishes', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const bulk = join(ref.codeDir, 'lib', 'bulk');
  for (let i = 0; i < 6; i++) {
    mkdirSync(join(bulk, `d${i}`), { recursive: true });
    for (let j = 0; j < 20; j++) writeFileSync(join(bulk, `d${i}`, `f${j}.txt`), `file ${i}/${j}\n`.repeat(40), { mode: j % 3 === 0 ? 0o600 : 0o644 });
  }
  writeFileSync(join(bulk, 'model.bin'), Buffer.alloc(1 << 20, 7));
  // A healthy agent that ends at once on SIGTERM (the stock one finishes its `sleep 1` first).
  writeFileSync(join(ref.codeDir, 'main.sh'), '#!/bin/sh\necho "agent v1 starting"\ntrap "exit 0" TERM\nwhile true; do sleep 0.1; done\n', { mode: 0o755 });
  ref.startAgent([], { code: true });
  const snap = ref.agentSelfModify('new-replies', 'lib/replies.txt', NEW_REPLIES, 't_1');
  const hist = join(ref.jarvisRoot, '.jarvis_self_history');
  const good = treeHash(join(hist, snap, 'tree'));
  const old = treeHash(ref.codeDir);
  assert.notEqual(good, old);
  const reset = () => {
    writeFileSync(join(ref.codeDir, 'lib', 'replies.txt'), NEW_REPLIES);
    assert.equal(treeHash(ref.codeDir), old);
  };

  // Calibration: when each step line arrives in an undisturbed run.
  const cal = startRun(ref, snap);
  assert.equal(await cal.p.exited, 0, cal.p.stderr());
  assert.equal(cal.arrivals.length, 8);
  assert.equal(treeHash(ref.codeDir), good);
  // Step line i (1-based) ends step i-1; step s (1..6 after preflight) runs from line s to line s+1.
  const points = PER_STEP.flatMap((n, i) => {
    const s = i + 1;
    const len = cal.arrivals[s]! - cal.arrivals[s - 1]!;
    return Array.from({ length: n }, (_, k) => ({ after: s, delay: Math.round(((k + 0.5) / n) * len) }));
  });
  assert.equal(points.length, POINTS);
  const stepNames = ['preflight', 'pause', 'pre-rollback-snapshot', 'stage', 'swap', 'clean-up', 'restart', 'watch'];
  t.diagnostic(
    `calibration run: step lines at ${cal.arrivals.map((a) => Math.round(a)).join(', ')} ms; kill points (during step: delay ms): ${points.map((p) => `${stepNames[p.after]}:${p.delay}`).join(' ')}`,
  );

  for (const fault of ['ssh', 'app'] as const) {
    const found = { old: 0, new: 0 };
    const exits: Record<string, number> = {};
    for (const [k, point] of points.entries()) {
      reset();
      let seen = 0;
      if (fault === 'app') {
        const run = startRun(ref, snap);
        await run.afterSteps(point.after);
        await sleep(point.delay);
        run.p.child.kill('SIGKILL');
        const code = await Promise.race([run.p.exited, sleep(60_000).then(() => 'hang')]);
        assert.notEqual(code, 'hang', `point ${k}: the CLI did not end after kill -9`);
        exits[String(code)] = (exits[String(code)] ?? 0) + 1;
        seen = run.arrivals.length;
      } else {
        const d = await SshDroplet.connect(ref.profile());
        let killing: Promise<void> | null = null;
        const onStep = () => {
          if (++seen === point.after) killing ??= sleep(point.delay).then(() => ref.killSshd());
        };
        const ran = rollback(d, snap, { healthSeconds: 0, via: 'fault-test', onStep }).then(
          () => 'finished',
          () => 'failed',
        );
        const how = await Promise.race([ran, sleep(60_000).then(() => 'hang')]);
        assert.notEqual(how, 'hang', `point ${k}: the rollback did not end after sshd was killed`);
        exits[how] = (exits[how] ?? 0) + 1;
        await killing;
        await d.close();
        await ref.startSshd(ref.port);
      }

      const now = treeHash(ref.codeDir);
      assert.ok(now === old || now === good, `${fault} point ${k} (after ${seen} step lines): agentCodeDir holds neither tree whole`);
      found[now === good ? 'new' : 'old']++;

      // The killed app's droplet-side op may still be finishing; a person restarting the app comes back later than that.
      const end = Date.now() + 15_000;
      while (helpersWith(TREE_OPS_MARK, ref.jarvisRoot).length > 0 && Date.now() < end) await sleep(50);

      const d = await SshDroplet.connect(ref.profile());
      try {
        const r = await rollback(d, snap, { healthSeconds: 0, via: 'fault-test' });
        assert.equal(r.outcome, 'healthy', `${fault} point ${k}: ${JSON.stringify(r.steps)}`);
      } finally {
        await d.close();
      }
      assert.equal(treeHash(ref.codeDir), good, `${fault} point ${k}: the second rollback restored the snapshot`);
      assert.equal(status(ref), 'running');
      assert.deepEqual(leftovers(ref), [], `${fault} point ${k}: the second rollback removed what the first left`);
    }
    assert.equal(found.old + found.new, POINTS);
    t.diagnostic(`${fault} killed at ${POINTS} points: old tree whole ${found.old}, new tree whole ${found.new}; the interrupted run ended ${JSON.stringify(exits)}`);
  }
});
