/**
 * Rollback timing on the reference droplet (real sshd on loopback, real dockerd,
 * the stand-in agent running its code from agentCodeDir):
 *  - `stratam rollback <snapshot> --yes --health-seconds 0` as a new process,
 *    from its start to its exit with the restarted agent verified running
 *    (preflight, pause, pre-rollback snapshot, stage, atomic swap, clean-up,
 *    docker restart, one inspect; a receipt for each step);
 *  - anchor: the same steps typed by hand as one plain `ssh host '...'`
 *    (sed -i for the pause, cp -a, mv, mv, rm -rf, docker restart, docker
 *    inspect), with none of the checks.
 * Medians over several runs; the ratio is the figure to trust on a noisy box.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startReferenceDroplet } from '../tests/helpers/reference-droplet.js';
import { repoRoot } from '../tests/helpers/repo-root.js';
import { median, ms, report } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const NEW_REPLIES = 'hi!\nwhat now?\n';

function timeCmd(cmd: string, args: string[]): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SSH_AUTH_SOCK: '', NO_COLOR: '1' } });
  const dt = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(-4).join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return dt;
}

// A plain user with /bin/sh (in the docker group): the anchor then measures ssh, not this machine's root .bashrc.
const ref = await startReferenceDroplet({ user: 'stratam-bench' });
try {
  ref.startAgent([], { code: true });
  const snap = ref.agentSelfModify('new-replies', 'lib/replies.txt', NEW_REPLIES, 't_bench');
  // The agent (root in its container) made the snapshot; the droplet's SSH user owns the agent folders.
  execFileSync('chown', ['-R', ref.user, ref.jarvisRoot]);
  const tree = join(ref.jarvisRoot, '.jarvis_self_history', snap, 'tree');
  const code = ref.codeDir;
  const changeCode = () => writeFileSync(join(code, 'lib', 'replies.txt'), NEW_REPLIES);
  const byHand = (i: number) =>
    [
      `sed -i 's/^JARVIS_SELF_MODIFY_ALLOWED=.*/JARVIS_SELF_MODIFY_ALLOWED=0/' ${ref.envPath}`,
      `mkdir -p ${ref.jarvisRoot}/.jarvis_self_history/bench-${i}-pre-rollback`,
      `cp -a ${code} ${ref.jarvisRoot}/.jarvis_self_history/bench-${i}-pre-rollback/tree`,
      `cp -a ${tree} ${code}.staging`,
      `mv ${code} ${code}.old`,
      `mv ${code}.staging ${code}`,
      `rm -rf ${code}.old`,
      `docker restart ${ref.container} >/dev/null`,
      `docker inspect -f '{{.State.Running}}' ${ref.container} | grep -q true`,
    ].join(' && ');
  // STRATAM_CLI_ENTRY=transpiled (as in the CLI tests): the CLI from this transpiled tree, to try the bench without a build.
  const cli = process.env.STRATAM_CLI_ENTRY === 'transpiled' ? fileURLToPath(new URL('../src-main/cli/main.js', import.meta.url)) : join(repoRoot(), 'bin', 'stratam.mjs');
  const cold: number[] = [];
  const anchor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    changeCode();
    anchor.push(timeCmd('ssh', [...ref.sshArgs(), byHand(i)]));
    changeCode();
    cold.push(timeCmd(process.execPath, [cli, ...ref.cliArgs(), 'rollback', snap, '--yes', '--health-seconds', '0']));
  }
  const c = median(cold);
  const a = median(anchor);
  report({
    benchmark: 'Rollback to a running agent (--health-seconds 0), cold CLI',
    figure: ms(c),
    anchor: `by hand over ssh (sed, cp -a, mv, rm, docker restart): ${ms(a)}`,
    ratio: `${(c / a).toFixed(2)}x`,
    goal: '<= 2x',
    met: c / a <= 2,
  });
} finally {
  await ref.teardown();
}
