/**
 * The local audit mirror (docs/audit-mirror.md, issue 16) on the reference
 * droplet (real sshd on loopback, user stratam-bench as in bench/audit.ts):
 *  - first sync of RECORDS records into an empty mirror (witness included),
 *    beside `ssh host cat activity.jsonl > file` (a real file, so both write
 *    the bytes to disk). Goal: >= 0.5x the anchor's throughput. Best of 3;
 *    machine CPU (all cores, /proc/stat) for both, since sshd and the
 *    follower share this box's cores with the app. Then one in-process CPU
 *    profile of a sync (main thread), its top self-time functions printed and
 *    the .cpuprofile written to test-artifacts/bench/;
 *  - incremental sync with nothing new, beside `ssh host true` (goal < 1 s);
 *  - desktop disk: mirror files + index.bin + files.json against the log's
 *    bytes (goal: at most 5% more);
 *  - full-history search for a string planted in exactly 10 records, over the
 *    mirror, beside `ssh host grep -F` on the droplet (goal: faster).
 * BENCH_RECORDS shrinks it for a quick look.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MirrorReader } from '../src-main/core/audit/mirror/mirror-reader.js';
import { syncMirror } from '../src-main/core/audit/mirror-sync.js';
import { searchFiles } from '../src-main/core/audit/search/search-files.js';
import { SshDroplet } from '../src-main/core/droplet/ssh-droplet.js';
import { startReferenceDroplet } from '../tests/helpers/reference-droplet.js';
import { CORES, machineCpu, writeLines } from './machine.js';
import { ms, report } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const CAP = 4 * 1024 ** 3;
const NEEDLE = 'Quokka-7ZX-marker';
const PROFILE_DIR = join('test-artifacts', 'bench');

/** The record shape bench/audit.ts uses; the needle in exactly 10 records, spread over the trail. */
const line = (seq: number) =>
  `{"seq":${seq},"ts":"2026-11-28T01:02:03.456Z","turn":"t_8f2c","channel":"discord","trust":"owner","tool":"host_exec","args":{"cmd":"docker ps --format '{{.Names}}' | grep jarvis"},"result":"${seq % Math.floor(RECORDS / 10) === 7 ? `found ${NEEDLE} in the output` : 'CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   PORTS   NAMES jarvis stratam/agent up 3 days'}","ok":true,"elapsed_ms":412,"blocked":null,"n":${seq % 9973}}\n`;

interface Timed {
  dt: number;
  cpu: number;
}
const fastest = <T extends { dt: number }>(xs: T[]) => xs.reduce((a, b) => (a.dt <= b.dt ? a : b));
const best = (xs: number[]) => Math.min(...xs);

/** Top self-time functions of a V8 CPU profile (per function, file and line). */
function topSelf(p: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples?: number[]; timeDeltas?: number[] }, n: number) {
  const byId = new Map(p.nodes.map((x) => [x.id, x.callFrame]));
  const self = new Map<string, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const f = byId.get(samples[i]!);
    if (!f) continue;
    const file = f.url.replace(/^file:\/\//, '').replace(/^.*\/(h5-dist|dist)\//, '');
    const key = `${f.functionName || '(anonymous)'} ${file || '(native)'}${file ? `:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n);
}

const ref = await startReferenceDroplet({ user: 'stratam-bench' });
const work = mkdtempSync(join(tmpdir(), 'stratam-bench-mirror-'));
const activity = join(ref.home, 'activity.jsonl');
const sshArgs = ref.sshArgs();
const sshEnv = { ...process.env, SSH_AUTH_SOCK: '' };

try {
  const d = await SshDroplet.connect(ref.profile());
  try {
    writeLines(activity, RECORDS, line);
    const logBytes = statSync(activity).size;
    const mbps = (t: number) => `${(logBytes / 1e6 / (t / 1000)).toFixed(0)} MB/s`;
    const share = (x: Timed) => `${((100 * x.cpu) / ((x.dt / 1000) * CORES)).toFixed(0)}% of ${CORES} cores`;

    // 1. First sync beside `ssh cat > file`.
    const catFile = join(work, 'cat.jsonl');
    const timeCat = (): Timed => {
      const out = openSync(catFile, 'w', 0o600);
      try {
        const cpu = machineCpu();
        const t = performance.now();
        const r = spawnSync('ssh', [...sshArgs, 'cat', activity], { stdio: ['ignore', out, 'pipe'], env: sshEnv });
        const dt = performance.now() - t;
        if (r.status !== 0) throw new Error(`ssh cat failed: ${r.stderr.toString()}`);
        return { dt, cpu: machineCpu() - cpu };
      } finally {
        closeSync(out);
        rmSync(catFile, { force: true });
      }
    };
    timeCat(); // page cache warm for both
    const cat = fastest([timeCat(), timeCat(), timeCat()]);

    let stateDir = '';
    const firstSync = async (): Promise<Timed> => {
      if (stateDir) rmSync(stateDir, { recursive: true, force: true });
      stateDir = mkdtempSync(join(work, 'state-'));
      (globalThis as { gc?: () => void }).gc?.();
      const cpu = machineCpu();
      const t = performance.now();
      const s = await syncMirror(d, stateDir, { capBytes: CAP });
      const dt = performance.now() - t;
      const used = machineCpu() - cpu;
      if (s.records !== RECORDS) throw new Error(`the sync delivered ${s.records} of ${RECORDS} records`);
      return { dt, cpu: used };
    };
    // The profiled run comes first, so the mirror the later rows measure is an unprofiled one.
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const profiled = await firstSync();
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const sync = fastest([await firstSync(), await firstSync(), await firstSync()]);
    const ratio = cat.dt / sync.dt;
    report({
      benchmark: `audit mirror first sync, ${RECORDS.toLocaleString('en')} records (${(logBytes / 1e6).toFixed(0)} MB), witness included`,
      figure: `${(sync.dt / 1000).toFixed(2)} s (${mbps(sync.dt)})`,
      anchor: `ssh cat > file ${(cat.dt / 1000).toFixed(2)} s (${mbps(cat.dt)})`,
      ratio: `${ratio.toFixed(2)}x anchor throughput`,
      goal: '>= 0.5x',
      met: ratio >= 0.5,
    });
    report({
      benchmark: 'audit mirror first sync CPU, whole machine (app + sshd + follower)',
      figure: `${sync.cpu.toFixed(2)} core-s, ${share(sync)}`,
      anchor: `ssh cat > file ${cat.cpu.toFixed(2)} core-s, ${share(cat)}`,
      ratio: `${(sync.cpu / cat.cpu).toFixed(1)}x anchor CPU`,
      goal: 'explains the sync row',
      met: null,
    });
    mkdirSync(PROFILE_DIR, { recursive: true });
    const profilePath = join(PROFILE_DIR, `audit-mirror-sync-${RECORDS}.cpuprofile`);
    writeFileSync(profilePath, JSON.stringify(profile));
    process.stdout.write(`CPU profile of one first sync (${(profiled.dt / 1000).toFixed(2)} s, main thread): ${profilePath}; top self time:\n`);
    const top = topSelf(profile, 9);
    const idle = top.find(([fn]) => fn.startsWith('(idle)'));
    if (idle) process.stdout.write(`  (main thread idle, waiting on sshd and the follower: ${idle[1].toFixed(0)} ms)\n`);
    for (const [fn, t] of top.filter((x) => x !== idle).slice(0, 8)) process.stdout.write(`  ${t.toFixed(0).padStart(7)} ms  ${fn}\n`);

    // 2. Incremental sync, nothing new, beside `ssh host true`.
    const incr: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const s = await syncMirror(d, stateDir, { capBytes: CAP });
      incr.push(performance.now() - t);
      if (s.records !== 0 || s.bytes !== 0) throw new Error(`a sync with nothing new took ${s.records} records (${s.bytes} bytes)`);
    }
    const sshTrue: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const r = spawnSync('ssh', [...sshArgs, 'true'], { stdio: ['ignore', 'ignore', 'pipe'], env: sshEnv });
      if (r.status !== 0) throw new Error(`ssh true failed: ${r.stderr.toString()}`);
      sshTrue.push(performance.now() - t);
    }
    report({
      benchmark: 'audit mirror incremental sync, nothing new',
      figure: `${ms(incr[0]!)} (best of 3 ${ms(best(incr))})`,
      anchor: `ssh true ${ms(best(sshTrue))}`,
      ratio: `${(incr[0]! / best(sshTrue)).toFixed(2)}x`,
      goal: '< 1 s',
      met: incr[0]! < 1000,
    });

    // 3. Desktop disk per record.
    const reader = MirrorReader.open(stateDir, d.identity, 'activity');
    if (!reader) throw new Error('no mirror after the sync');
    const info = reader.info();
    const manifestBytes = statSync(join(info.dir, 'files.json')).size;
    const onDisk = info.bytes + info.indexBytes + manifestBytes;
    if (info.bytes !== logBytes) throw new Error(`the mirror holds ${info.bytes} bytes, the log ${logBytes}`);
    const overhead = (onDisk - logBytes) / logBytes;
    report({
      benchmark: 'audit mirror desktop disk (files + index.bin + files.json)',
      figure: `${(onDisk / 1e6).toFixed(1)} MB (${(onDisk / RECORDS).toFixed(1)} B/record; index ${(info.indexBytes / 1e6).toFixed(2)} MB)`,
      anchor: `log ${(logBytes / 1e6).toFixed(1)} MB (${(logBytes / RECORDS).toFixed(1)} B/record)`,
      ratio: `+${(100 * overhead).toFixed(2)}% index overhead`,
      goal: '<= +5%',
      met: overhead <= 0.05,
    });

    // 4. Full-history search after the sync, beside `ssh host grep -F` on the droplet.
    const ours: number[] = [];
    let hits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const page = await searchFiles(reader.info(), { text: NEEDLE }, { limit: 1000 });
      ours.push(performance.now() - t);
      if (page.next !== null) throw new Error('the search stopped before the end');
      hits = page.hits.map((h) => h.seq!);
    }
    reader.close();
    const grep: number[] = [];
    let grepSeqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const r = spawnSync('ssh', [...sshArgs, 'grep', '-F', NEEDLE, activity], { encoding: 'utf8', env: sshEnv, maxBuffer: 1 << 26 });
      grep.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`ssh grep failed (${r.status}): ${r.stderr}`);
      grepSeqs = r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(/^\{"seq":(\d+)/.exec(l)?.[1]));
    }
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b).join(',');
    if (hits.length !== 10 || sorted(hits) !== sorted(grepSeqs)) throw new Error(`search found ${hits.length} records, ssh grep ${grepSeqs.length}; both should find the same 10`);
    report({
      benchmark: `audit search after sync, a string in 10 of ${RECORDS.toLocaleString('en')} records (mirror)`,
      figure: `${ms(best(ours))} (first ${ms(ours[0]!)})`,
      anchor: `ssh grep -F on the droplet ${ms(best(grep))}`,
      ratio: `${(best(ours) / best(grep)).toFixed(2)}x`,
      goal: 'faster than ssh grep',
      met: best(ours) < best(grep),
    });
  } finally {
    await d.close();
  }
} finally {
  await ref.teardown();
  rmSync(work, { recursive: true, force: true });
}
