/**
 * The seed's worst case, end to end through the real CLI (issue 14, "Done
 * when"): a healthy agent; a self_modify_code that ships a crashing change;
 * Docker restarts it in a loop; `stratam breaker watch` (the app's watcher)
 * trips the breaker; `incident` names the change and the snapshot;
 * `snapshots diff` shows the bad line; `rollback` restores the tree, the
 * agent stays up, the pre-rollback snapshot holds the bad code, the droplet
 * is still paused and the breaker still tripped; then resume and re-arm.
 * Every step has its receipt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRASHING_CODE, HEALTHY_CODE, startReferenceDroplet } from '../helpers/reference-droplet.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';

const BAD_LINE = `+echo "NameError: name 'reply_fast' is not defined" >&2`;

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("the seed's worst case through the CLI: crash loop, trip by the watcher, incident, diff, rollback, resume, re-arm, every step receipted", { timeout: 240_000 }, async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const cli = (...args: string[]) => runCli([...ref.cliArgs(), ...args], { timeoutMs: 120_000 });
  ref.startAgent([], { code: true });

  // The app's watcher, running before anything goes wrong.
  const watch = spawnCli([...ref.cliArgs(), '--json', 'breaker', 'watch']);
  let watchOut = '';
  watch.child.stdout.on('data', (c: Buffer) => (watchOut += c.toString()));
  t.after(() => {
    watch.child.kill('SIGINT');
  });
  await until('the watcher to start', () => watchOut.includes('"kind":"watching"'), 30_000);

  const snap = ref.agentSelfModify('faster-replies', 'main.sh', CRASHING_CODE, 't_1');
  ref.agentSelfRestart('t_1');
  await until('the breaker to trip by the watcher', () => watchOut.includes('"kind":"tripped"'), 90_000);
  const breaker = JSON.parse(readFileSync(join(ref.home, 'breaker.json'), 'utf8')) as { state: string; by: string };
  assert.deepEqual([breaker.state, breaker.by], ['tripped', 'tray']);
  assert.match(ref.readEnv(), /^JARVIS_ETERNAL_LOOP=0$/m);

  const incident = await cli('--json', 'incident');
  assert.equal(incident.code, 0, incident.stderr);
  const inc = JSON.parse(incident.stdout) as { changes: Array<{ snapshot: string; files: string[] }>; suggestion: { snapshot: string } | null; restarts: Array<{ exitCode: number | null }> };
  assert.ok(
    inc.changes.some((c) => c.snapshot === snap && c.files.includes('main.sh')),
    incident.stdout,
  );
  assert.equal(inc.suggestion?.snapshot, snap);
  assert.ok(
    inc.restarts.some((r) => r.exitCode === 3),
    'a restart after the crashing code exited 3',
  );

  const diff = await cli('--json', 'snapshots', 'diff', snap);
  assert.equal(diff.code, 0, diff.stderr);
  const d = JSON.parse(diff.stdout) as { files: Array<{ path: string; patch: string | null }> };
  assert.ok(d.files.find((f) => f.path === 'main.sh')?.patch?.includes(BAD_LINE), diff.stdout);

  const rb = await cli('--json', 'rollback', snap, '--yes', '--health-seconds', '5');
  assert.equal(rb.code, 0, rb.stderr);
  const result = JSON.parse(rb.stdout.trim().split('\n').pop()!) as { outcome: string; preRollback: string };
  assert.equal(result.outcome, 'healthy');
  assert.equal(readFileSync(join(ref.codeDir, 'main.sh'), 'utf8'), HEALTHY_CODE, 'the tree is the snapshot');
  assert.equal(readFileSync(join(ref.jarvisRoot, '.jarvis_self_history', result.preRollback, 'tree', 'main.sh'), 'utf8'), CRASHING_CODE, 'the pre-rollback snapshot holds the bad code');
  assert.equal(execFileSync('docker', ['inspect', '-f', '{{.State.Status}}', ref.container], { encoding: 'utf8' }).trim(), 'running');
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m, 'still paused');
  assert.equal((JSON.parse(readFileSync(join(ref.home, 'breaker.json'), 'utf8')) as { state: string }).state, 'tripped', 'the breaker as it was');

  assert.equal((await cli('resume', '--yes')).code, 0);
  assert.equal((await cli('breaker', 'rearm', '--yes')).code, 0);
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=1$/m);
  assert.match(ref.readEnv(), /^JARVIS_ETERNAL_LOOP=1$/m);

  // Every step, in order, with its receipt.
  const tools = ref
    .readJsonl('operator_actions.jsonl')
    .filter((r) => r.ok === true)
    .map((r) => r.tool as string);
  const want = ['breaker_trip', 'pause', 'rollback_snapshot', 'rollback_stage', 'rollback_swap', 'rollback_clean_up', 'rollback_restart', 'rollback', 'resume', 'breaker_rearm'];
  let at = -1;
  for (const tool of want) {
    const next = tools.indexOf(tool, at + 1);
    assert.ok(next > at, `a ${tool} receipt after the previous step's (receipts: ${tools.join(', ')})`);
    at = next;
  }
});
