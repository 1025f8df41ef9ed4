/**
 * Audit feed on the reference droplet (real sshd on loopback), in one run:
 *  - latency: append one record, time until it is delivered; our follower
 *    (AuditFeed over an SshDroplet) beside `ssh host tail -F` with the system
 *    OpenSSH client. Goal: p50 within 1.2x of the anchor, p99 < 20 ms.
 *  - backlog: 1M records (~300 MB) read from seq 1 with parsing, hashing and
 *    the witness on, beside `ssh host cat file > /dev/null`. Goal: >= 0.8x the
 *    anchor's throughput with flat memory (peak RSS reported).
 *    The ingest runs with the scan workers (the default) and, for the record,
 *    on the main thread alone; both report the machine's CPU time spent
 *    (all cores, from /proc/stat), since on this box the droplet (sshd and
 *    the follower) shares the cores with the app.
 * BENCH_RECORDS and BENCH_SAMPLES shrink it for a quick look.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, appendFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AuditFeed } from '../src-main/core/audit/audit-feed.js';
import { defaultScanWorkers } from '../src-main/core/audit/scan-pool.js';
import { SshDroplet } from '../src-main/core/droplet/ssh-droplet.js';
import { startReferenceDroplet } from '../tests/helpers/reference-droplet.js';
import { CORES, machineCpu, writeLines } from './machine.js';
import { ms, percentile, report } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400);

const line = (seq: number) =>
  `{"seq":${seq},"ts":"2026-11-28T01:02:03.456Z","turn":"t_8f2c","channel":"discord","trust":"owner","tool":"host_exec","args":{"cmd":"docker ps --format '{{.Names}}' | grep jarvis"},"result":"CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   PORTS   NAMES jarvis stratam/agent up 3 days","ok":true,"elapsed_ms":412,"blocked":null,"n":${seq % 9973}}\n`;

const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

const ref = await startReferenceDroplet({ user: 'stratam-bench' });
const state = mkdtempSync(join(tmpdir(), 'stratam-bench-audit-'));
const activity = join(ref.home, 'activity.jsonl');
const sshArgs = ref.sshArgs();
let seq = 0;

/** Append one record and wait for `seen` to report it; returns ms. */
async function oneLatency(waitFor: (s: number) => Promise<void>): Promise<number> {
  const s = ++seq;
  const done = waitFor(s);
  const t = performance.now();
  appendFileSync(activity, line(s));
  await done;
  return performance.now() - t;
}

/** `waitFor(s)` resolves once `seen` reports a seq of at least s: the one wake-up both samplers share. */
function seqWaiter() {
  let want = 0;
  let wake: (() => void) | null = null;
  return {
    waitFor: (s: number) =>
      new Promise<void>((r) => {
        want = s;
        wake = r;
      }),
    seen(seq: number): void {
      if (seq < want || !wake) return;
      const w = wake;
      wake = null;
      w();
    },
  };
}

async function anchorLatency(n: number): Promise<number[]> {
  const child = spawn('ssh', [...sshArgs, 'tail', '-F', '-n', '0', activity], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, SSH_AUTH_SOCK: '' } });
  let buf = '';
  const { waitFor, seen } = seqWaiter();
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString('latin1');
    const i = buf.lastIndexOf('\n');
    if (i < 0) return;
    const lastLine = buf.slice(buf.lastIndexOf('\n', i - 1) + 1, i);
    buf = buf.slice(i + 1);
    const m = /^\{"seq":(\d+)/.exec(lastLine);
    if (m) seen(Number(m[1]));
  });
  const out = await sampleLatency(waitFor, n);
  child.kill();
  return out;
}

/** Warm up until the follower really follows, then take n append-to-delivery samples. */
async function sampleLatency(waitFor: (seq: number) => Promise<void>, n: number): Promise<number[]> {
  for (;;) {
    const got = await Promise.race([oneLatency(waitFor).then(() => true), sleep(500).then(() => false)]);
    if (got) break;
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await oneLatency(waitFor));
    await sleep(5);
  }
  return out;
}

async function ourLatency(d: SshDroplet, n: number): Promise<number[]> {
  const { waitFor, seen } = seqWaiter();
  const ac = new AbortController();
  const run = new AuditFeed(d, {
    follow: true,
    lines: 0,
    stateDir: state,
    signal: ac.signal,
    onItem: (i) => {
      if (i.type === 'record') seen(i.record.seq);
    },
  }).run();
  const out = await sampleLatency(waitFor, n);
  ac.abort();
  await run;
  return out;
}

try {
  const d = await SshDroplet.connect(ref.profile());
  try {
    // Latency, interleaved halves so drift hits both alike.
    const anchor: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < 4; round++) {
      anchor.push(...(await anchorLatency(SAMPLES / 4)));
      ours.push(...(await ourLatency(d, SAMPLES / 4)));
    }
    const a50 = percentile(anchor, 50);
    const o50 = percentile(ours, 50);
    const o99 = percentile(ours, 99);
    report({ benchmark: 'audit tail latency p50', figure: ms(o50), anchor: `ssh tail -F ${ms(a50)}`, ratio: `${(o50 / a50).toFixed(2)}x`, goal: '<= 1.2x anchor', met: o50 <= 1.2 * a50 });
    report({
      benchmark: 'audit tail latency p99',
      figure: ms(o99),
      anchor: `ssh tail -F p99 ${ms(percentile(anchor, 99))}`,
      ratio: `${(o99 / percentile(anchor, 99)).toFixed(2)}x`,
      goal: '< 20 ms',
      met: o99 < 20,
    });

    // Backlog: a fresh file of RECORDS records.
    writeLines(activity, RECORDS, line);
    const bytes = statSync(activity).size;
    rmSync(join(state, 'audit'), { recursive: true, force: true });

    const timeCat = () => {
      const cpu = machineCpu();
      const t = performance.now();
      const r = spawnSync('ssh', [...sshArgs, 'cat', activity], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SSH_AUTH_SOCK: '' } });
      if (r.status !== 0) throw new Error(`ssh cat failed: ${r.stderr.toString()}`);
      return { dt: performance.now() - t, cpu: machineCpu() - cpu };
    };
    timeCat(); // page cache warm for both
    const cats = [timeCat(), timeCat(), timeCat()];
    const cat = cats.reduce((a, b) => (a.dt <= b.dt ? a : b));
    const catMs = cat.dt;

    const ingest = async (scanWorkers?: number) => {
      rmSync(join(state, 'audit'), { recursive: true, force: true });
      global.gc?.();
      const rssBefore = process.memoryUsage.rss();
      let peak = rssBefore;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 20);
      let count = 0;
      const cpu = machineCpu();
      const t = performance.now();
      await new AuditFeed(d, { fromSeq: 1, stateDir: state, ...(scanWorkers === undefined ? {} : { scanWorkers }), onItem: (i) => void (i.type === 'record' && count++) }).run();
      const dt = performance.now() - t;
      const used = machineCpu() - cpu;
      clearInterval(sampler);
      if (count !== RECORDS) throw new Error(`ingested ${count} of ${RECORDS}`);
      return { dt, cpu: used, peak, rssBefore };
    };
    const fastest = <T extends { dt: number }>(xs: T[]) => xs.reduce((a, b) => (a.dt <= b.dt ? a : b));
    const runs = [await ingest(), await ingest(), await ingest()];
    const best = fastest(runs);
    const mainOnly = fastest([await ingest(0), await ingest(0)]);
    const mbps = (x: number) => `${(bytes / 1e6 / (x / 1000)).toFixed(0)} MB/s`;
    const ratio = catMs / best.dt;
    report({
      benchmark: `audit backlog ${RECORDS} records (${(bytes / 1e6).toFixed(0)} MB), parse+hash+witness, ${defaultScanWorkers()} scan workers`,
      figure: `${(best.dt / 1000).toFixed(2)} s (${mbps(best.dt)})`,
      anchor: `ssh cat ${(catMs / 1000).toFixed(2)} s (${mbps(catMs)})`,
      ratio: `${ratio.toFixed(2)}x anchor throughput`,
      goal: '>= 0.8x',
      met: ratio >= 0.8,
    });
    report({
      benchmark: 'audit backlog, main thread only',
      figure: `${(mainOnly.dt / 1000).toFixed(2)} s (${mbps(mainOnly.dt)})`,
      anchor: `ssh cat ${(catMs / 1000).toFixed(2)} s`,
      ratio: `${(catMs / mainOnly.dt).toFixed(2)}x anchor throughput`,
      goal: 'for the record',
      met: null,
    });
    const share = (x: { dt: number; cpu: number }) => `${((100 * x.cpu) / ((x.dt / 1000) * CORES)).toFixed(0)}% of ${CORES} cores`;
    report({
      benchmark: 'audit backlog CPU, whole machine (app + sshd + follower)',
      figure: `${best.cpu.toFixed(2)} core-s, ${share(best)}`,
      anchor: `ssh cat ${cat.cpu.toFixed(2)} core-s, ${share(cat)}`,
      ratio: `${(best.cpu / cat.cpu).toFixed(1)}x anchor CPU`,
      goal: 'explains the backlog row',
      met: null,
    });
    const peakMb = Math.max(...runs.map((r) => r.peak)) / 1e6;
    report({
      benchmark: 'audit backlog peak RSS',
      figure: `${peakMb.toFixed(0)} MB peak (start ${(best.rssBefore / 1e6).toFixed(0)} MB)`,
      anchor: `${(bytes / 1e6).toFixed(0)} MB of log read`,
      ratio: `${((peakMb * 1e6) / bytes).toFixed(2)}x log size`,
      goal: 'flat (independent of log size)',
      met: null,
    });
  } finally {
    await d.close();
  }
} finally {
  await ref.teardown();
  rmSync(state, { recursive: true, force: true });
}
