/**
 * Everyday CLI commands, cold (a new process each time, as from a shell or
 * cron), on the reference droplet over real sshd: `status` against `audit
 * tail --lines 10` (issue 17 saw 0.5 s against 1.5 s), each beside the
 * plain ssh command that does the same reading, then where the tail's time
 * goes, measured in-process: the SSH connect, the follower's start on the
 * droplet (python3), and the read of the last 10 lines.
 * Medians over several runs, the runs of each pair interleaved so machine
 * load hits both alike.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AuditFeed } from '../src-main/core/audit/audit-feed.js';
import { SshDroplet } from '../src-main/core/droplet/ssh-droplet.js';
import { startReferenceDroplet } from '../tests/helpers/reference-droplet.js';
import { repoRoot } from '../tests/helpers/repo-root.js';
import { median, ms, report } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function timeCmd(cmd: string, args: string[]): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SSH_AUTH_SOCK: '' } });
  const dt = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(-3).join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return dt;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const lines = Array.from({ length: 200 }, (_, i) =>
  JSON.stringify({ seq: i + 1, ts: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(), tool: 'read_file', args: { path: `/tmp/${i}` }, ok: true, blocked: null }),
).join('\n');
// A plain user with /bin/sh: the anchors then measure ssh, not this machine's root .bashrc.
const ref = await startReferenceDroplet({ user: 'stratam-bench', activity: `${lines}\n` });
try {
  const sshArgs = ref.sshArgs();
  const cli = join(repoRoot(), 'bin', 'stratam.mjs');
  const stratam = (...args: string[]) => timeCmd(process.execPath, [cli, ...ref.cliArgs(), ...args]);
  const status: number[] = [];
  const tail: number[] = [];
  const sshCat: number[] = [];
  const sshTail: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    status.push(stratam('status'));
    tail.push(stratam('audit', 'tail', '--lines', '10'));
    sshCat.push(timeCmd('ssh', [...sshArgs, `cat ${ref.envPath} >/dev/null`]));
    sshTail.push(timeCmd('ssh', [...sshArgs, `tail -n 10 ${ref.home}/activity.jsonl >/dev/null`]));
  }
  const s = median(status);
  const t = median(tail);
  report({ benchmark: 'CLI status, cold', figure: ms(s), anchor: `ssh host cat .env: ${ms(median(sshCat))}`, ratio: `${(s / median(sshCat)).toFixed(2)}x`, goal: '-', met: null });
  report({
    benchmark: 'CLI audit tail --lines 10, cold',
    figure: ms(t),
    anchor: `stratam status: ${ms(s)}; ssh host tail -n 10: ${ms(median(sshTail))}`,
    ratio: `${(t / s).toFixed(2)}x status`,
    goal: '<= 1.3x status',
    met: t <= 1.3 * s,
  });

  // Where the tail's time goes, in-process (no Node start-up): connect, the follower's start, the read.
  const connect: number[] = [];
  const python: number[] = [];
  const read: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let d: SshDroplet | null = null;
    connect.push(await timeAsync(async () => (d = await SshDroplet.connect(ref.profile()))));
    const droplet = d as unknown as SshDroplet;
    try {
      python.push(await timeAsync(() => droplet.exec(['python3', '-c', 'pass'])));
      read.push(await timeAsync(() => new AuditFeed(droplet, { follow: false, lines: 10, onItem: () => undefined }).run()));
    } finally {
      await droplet.close();
    }
  }
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) bare.push(timeCmd(process.execPath, [cli, '--version']));
  report({ benchmark: 'audit tail: CLI start-up (stratam --version)', figure: ms(median(bare)), anchor: 'part of every cold command', ratio: '-', goal: '-', met: null });
  report({ benchmark: 'audit tail: SSH connect (host key, auth, SFTP)', figure: ms(median(connect)), anchor: 'part of every cold command', ratio: '-', goal: '-', met: null });
  report({ benchmark: 'audit tail: python3 start on the droplet', figure: ms(median(python)), anchor: 'the follower is python3 (status needs none)', ratio: '-', goal: '-', met: null });
  report({ benchmark: 'audit tail: follower read of the last 10 lines', figure: ms(median(read)), anchor: 'python3 start included', ratio: '-', goal: '-', met: null });
} finally {
  await ref.teardown();
}
