// `stratam rollback` as a user meets it: exit 2 without --yes (nothing changes), exit 3 for a
// snapshot with a link in it, exit 0 with --json step lines then the result, and exit 1 when
// the restored code dies again, saying that the droplet stays paused and how to undo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CRASHING_CODE, HEALTHY_CODE, startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { runCli } from '../helpers/run-cli.js';

const cli = (args: string[]) => runCli(args, { timeoutMs: 90_000 });
const restarts = (ref: ReferenceDroplet) => Number(execFileSync('docker', ['inspect', '-f', '{{.RestartCount}}', ref.container], { encoding: 'utf8' }).trim());

async function crashLoop(ref: ReferenceDroplet): Promise<string> {
  ref.startAgent([], { code: true });
  const snap = ref.agentSelfModify('faster-replies', 'main.sh', CRASHING_CODE, 't_1');
  ref.agentSelfRestart();
  const end = Date.now() + 20_000;
  while (restarts(ref) < 2) {
    if (Date.now() > end) throw new Error('the stand-in agent did not crash-loop');
    await new Promise((r) => setTimeout(r, 100));
  }
  return snap;
}

interface Line {
  kind: string;
  step?: string;
  ok?: boolean;
  outcome?: string;
  preRollback?: string;
  next?: { undo: string };
  error?: { kind: string; message: string; hint: string | null };
}
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

test('stratam rollback: exit codes 2, 3, 0 and 1, --json step lines and the result', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const snap = await crashLoop(ref);
  const hist = join(ref.jarvisRoot, '.jarvis_self_history');
  const code = () => readFileSync(join(ref.codeDir, 'main.sh'), 'utf8');

  // No --yes: a usage error naming the confirmation; nothing changed (not even the pause).
  const noYes = await cli([...ref.cliArgs(), 'rollback', snap]);
  assert.equal(noYes.code, 2, noYes.stderr);
  assert.match(noYes.stderr, new RegExp(`stratam rollback ${snap} --yes`));
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=1$/m);
  for (const bad of [
    ['rollback', '--yes'],
    ['rollback', snap, '--yes', '--health-seconds', 'soon'],
    ['rollback', snap, 'other', '--yes'],
  ]) {
    assert.equal((await cli([...ref.cliArgs(), ...bad])).code, 2, bad.join(' '));
  }
  assert.equal(code(), CRASHING_CODE);

  // A link in the snapshot: refused (exit 3), as JSON too; nothing changed.
  cpSync(join(hist, snap), join(hist, '20260101T000000Z-linked'), { recursive: true });
  symlinkSync('/etc', join(hist, '20260101T000000Z-linked', 'tree', 'etc'));
  const refused = await cli([...ref.cliArgs(), '--json', 'rollback', '20260101T000000Z-linked', '--yes']);
  assert.equal(refused.code, 3, refused.stderr);
  const err = lines(refused.stdout).at(-1)!.error!;
  assert.equal(err.kind, 'refused');
  assert.match(err.message, /tree\/etc \(a symbolic link\)/);
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=1$/m);
  assert.equal(code(), CRASHING_CODE);

  // The rollback: one step line per step as it ends, then the result; exit 0.
  const ok = await cli([...ref.cliArgs(), '--json', 'rollback', snap, '--yes', '--health-seconds', '2']);
  assert.equal(ok.code, 0, ok.stderr);
  const out = lines(ok.stdout);
  assert.deepEqual(
    out.slice(0, -1).map((l) => [l.kind, l.step, l.ok]),
    ['preflight', 'pause', 'pre-rollback-snapshot', 'stage', 'swap', 'clean-up', 'restart', 'watch'].map((s) => ['step', s, true]),
  );
  const result = out.at(-1)!;
  assert.equal(result.kind, 'result');
  assert.equal(result.outcome, 'healthy');
  assert.equal(code(), HEALTHY_CODE);
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);

  // Undo to the bad code: it dies again; exit 1, and the person is told the droplet stays paused and how to undo.
  const undo = await cli([...ref.cliArgs(), 'rollback', result.preRollback!, '--yes', '--health-seconds', '5']);
  assert.equal(undo.code, 1, undo.stderr);
  assert.match(undo.stdout, /the agent died again/);
  assert.match(undo.stdout, /The droplet stays paused/);
  const again = /The code it replaced is in (\d{8}T\d{6}Z-pre-rollback)\./.exec(undo.stdout)?.[1];
  assert.ok(again, undo.stdout);
  assert.match(undo.stdout, new RegExp(`undo: \`stratam rollback ${again} --yes\``));
  assert.match(undo.stdout, /FAIL watch +died/);
  assert.equal(code(), CRASHING_CODE);
});
