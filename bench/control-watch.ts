/**
 * The control-plane watch on the reference droplet (real sshd on loopback):
 * how long from the agent flipping JARVIS_SELF_MODIFY_ALLOWED back to 1 until
 *  - detection: the watch's `tampered` event, and
 *  - revert: hold-pause's `reverted` event (the flag written back to 0 and
 *    read back with the agent's grammar, receipts included),
 * beside the anchor of a plain `ssh host inotifywait` on the same folder (or a
 * 1 s stat poll where inotify-tools is not installed). Each flip is the
 * agent's way: a new file renamed over .env, as sed -i does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pause } from '../src-main/core/controls/pause.js';
import { SshDroplet } from '../src-main/core/droplet/ssh-droplet.js';
import { ControlWatch, type WatchEvent } from '../src-main/core/watch/control-watch.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../tests/helpers/reference-droplet.js';
import { ms, percentile, report } from './stats.js';

const FLIPS = Number(process.env.BENCH_FLIPS ?? 30);
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

function flip(ref: ReferenceDroplet): number {
  const text = readFileSync(ref.envPath, 'utf8').replace(/^JARVIS_SELF_MODIFY_ALLOWED=.*$/m, 'JARVIS_SELF_MODIFY_ALLOWED=1');
  const tmp = `${ref.jarvisRoot}/.sedBench${process.pid}`;
  writeFileSync(tmp, text);
  const t0 = performance.now();
  renameSync(tmp, ref.envPath);
  return t0;
}

/** The anchor: one ssh session running inotifywait (or a stat poll), and the time each flip takes to reach us as a line. */
async function anchor(ref: ReferenceDroplet): Promise<{ name: string; samples: number[] }> {
  const hasInotify = spawnSync('sh', ['-c', 'command -v inotifywait'], { stdio: 'ignore' }).status === 0;
  const remote = hasInotify ? `inotifywait -m -q -e moved_to,close_write,modify --format %f ${ref.jarvisRoot}` : `while :; do stat -c '%i %Y' ${ref.envPath}; sleep 1; done`;
  const ssh = spawn('ssh', [...ref.sshArgs(), remote], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, SSH_AUTH_SOCK: '' },
  });
  let last = '';
  let onLine: ((l: string) => void) | null = null;
  let buf = '';
  ssh.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (hasInotify ? line === '.env' : line !== last) onLine?.(line);
      last = line;
    }
  });
  await sleep(1500); // the session is up and watching
  const samples: number[] = [];
  try {
    for (let i = 0; i < FLIPS; i++) {
      const seen = new Promise<number>((r) => (onLine = () => r(performance.now())));
      const t0 = flip(ref);
      samples.push((await seen) - t0);
      onLine = null;
      writeFileSync(ref.envPath, readFileSync(ref.envPath, 'utf8').replace('JARVIS_SELF_MODIFY_ALLOWED=1', 'JARVIS_SELF_MODIFY_ALLOWED=0'));
      await sleep(hasInotify ? 150 : 1100);
    }
  } finally {
    ssh.kill();
  }
  return { name: hasInotify ? 'ssh host inotifywait' : 'ssh host 1 s stat poll', samples };
}

const ref = await startReferenceDroplet({ user: 'stratam-bench' });
try {
  const a = await anchor(ref);
  const d = await SshDroplet.connect(ref.profile(), { reconnect: true });
  let waiter: ((e: WatchEvent) => void) | null = null;
  const w = new ControlWatch(d, { via: 'bench', hold: true, onEvent: (e) => waiter?.(e) });
  await w.start();
  await pause(d, 'bench');
  await sleep(1500); // the pause's own change is explained and hold-pause holds it
  const detect: number[] = [];
  const revert: number[] = [];
  for (let i = 0; i < FLIPS; i++) {
    let tDetect = 0;
    const reverted = new Promise<number>((resolve) => {
      waiter = (e) => {
        if (e.kind === 'tampered' && e.key === 'JARVIS_SELF_MODIFY_ALLOWED') tDetect = performance.now();
        if (e.kind === 'reverted') resolve(performance.now());
      };
    });
    const t0 = flip(ref);
    const tRevert = await reverted;
    detect.push(tDetect - t0);
    revert.push(tRevert - t0);
    waiter = null;
    await sleep(150);
  }
  w.stop();
  await w.done;
  await d.close();
  const row = (what: string, xs: number[], p: number) => {
    const v = percentile(xs, p);
    const an = percentile(a.samples, p);
    report({ benchmark: `control-plane watch: .env flip, ${what} p${p}`, figure: ms(v), anchor: `${a.name} p${p} ${ms(an)}`, ratio: `${(v / an).toFixed(1)}x`, goal: '< 2 s', met: v < 2000 });
  };
  row('detection', detect, 50);
  row('detection', detect, 99);
  row('revert (hold-pause, read back)', revert, 50);
  row('revert (hold-pause, read back)', revert, 99);
} finally {
  await ref.teardown();
}
