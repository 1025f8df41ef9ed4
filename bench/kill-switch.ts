/**
 * Kill switch timing on the reference droplet (real sshd on loopback):
 *  - cold: `stratam pause` as a new process (start-up, SSH handshake, SFTP
 *    read, atomic write, read-back, receipt) against `ssh host "sed -i ..."`;
 *  - connected: an open SshDroplet, in-process time to a verified flag.
 * Medians over several runs; the ratio is the figure to trust on a noisy box.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pause, resume } from '../src-main/core/controls/pause.js';
import { SshDroplet } from '../src-main/core/droplet/ssh-droplet.js';
import { startReferenceDroplet } from '../tests/helpers/reference-droplet.js';
import { repoRoot } from '../tests/helpers/repo-root.js';
import { median, ms, report } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function timeCmd(cmd: string, args: string[]): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SSH_AUTH_SOCK: '' } });
  const dt = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.toString()}`);
  return dt;
}

// A plain user with /bin/sh: the anchor then measures ssh, not this machine's root .bashrc.
const ref = await startReferenceDroplet({ user: 'stratam-bench' });
try {
  const sshArgs = ref.sshArgs();
  const sed = (v: string) => [...sshArgs, `sed -i 's/^JARVIS_SELF_MODIFY_ALLOWED=.*/JARVIS_SELF_MODIFY_ALLOWED=${v}/' ${ref.envPath}`];
  const cli = join(repoRoot(), 'bin', 'stratam.mjs');
  const cold: number[] = [];
  const anchor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    anchor.push(timeCmd('ssh', sed('0')));
    timeCmd('ssh', sed('1'));
    cold.push(timeCmd(process.execPath, [cli, ...ref.cliArgs(), 'pause']));
    timeCmd(process.execPath, [cli, ...ref.cliArgs(), 'resume', '--yes']);
  }
  const c = median(cold);
  const a = median(anchor);
  report({ benchmark: 'Kill switch, cold CLI', figure: ms(c), anchor: `ssh host sed -i: ${ms(a)}`, ratio: `${(c / a).toFixed(2)}x`, goal: '<= 1.5x', met: c / a <= 1.5 });

  const d = await SshDroplet.connect(ref.profile());
  const warm: number[] = [];
  for (let i = 0; i < RUNS * 3; i++) {
    const t = performance.now();
    await pause(d, 'bench');
    warm.push(performance.now() - t);
    await resume(d, 'bench');
  }
  await d.close();
  const w = median(warm);
  report({ benchmark: 'Kill switch, already connected', figure: ms(w), anchor: 'in-process, verified read-back + receipt', ratio: '-', goal: '< 30 ms', met: w < 30 });

  const start: number[] = [];
  for (let i = 0; i < RUNS; i++) start.push(timeCmd(process.execPath, [cli, '--version']));
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) bare.push(timeCmd(process.execPath, ['-e', '0']));
  report({ benchmark: 'CLI cold start', figure: ms(median(start)), anchor: `node -e 0: ${ms(median(bare))}`, ratio: `${(median(start) / median(bare)).toFixed(2)}x`, goal: '-', met: null });
} finally {
  await ref.teardown();
}
