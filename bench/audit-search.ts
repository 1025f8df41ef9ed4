/**
 * Full-history search over the audit mirror (core/audit/search), on
 * 1,000,000 realistic activity records (~250 bytes each) in mirror files of
 * about 50 MB, page cache warm for everyone:
 *  - a string present in 10 records, caseless (the search always is),
 *    beside `grep -F` on the same files (goal: within 1.5x) and, for the
 *    record, `grep -iF` (the same caseless work);
 *  - `--tool host_exec --outcome failed`, beside a Python json loop
 *    (/usr/bin/python3) and `jq -c 'select(...)'` when jq is installed
 *    (goal: faster than each).
 * Every contender must find the same records, or the benchmark fails.
 * Medians of BENCH_RUNS runs (default 5; 3 for the slow anchors).
 * BENCH_RECORDS shrinks it for a quick look.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { searchFiles } from '../src-main/core/audit/search/search-files.js';
import type { SearchQuery, SearchSource } from '../src-main/core/audit/search/search-types.js';
import { median, ms, report } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILE_BYTES = 50 * 1000 * 1000;
const NEEDLE = 'Quokka-7ZX-marker';
const TOOLS = ['read_file', 'host_exec', 'web_fetch', 'write_file', 'gmail_send', 'docker_cmd', 'run_code'];
const CHANNELS = ['discord', 'telegram', 'loop', 'email'];
const TRUST = ['owner', 'owner', 'trusted', 'untrusted'];
const T0 = Date.UTC(2026, 5, 1);

/** One activity record as the agent writes it; the needle in 10 of them, spread over the trail. */
function line(seq: number): string {
  const tool = TOOLS[seq % 7]!;
  const args =
    tool === 'host_exec'
      ? { cmd: `docker ps --format '{{.Names}}' | grep jarvis-${seq % 97}` }
      : tool === 'web_fetch'
        ? { url: `https://status.example.com/api/v2/summary.json?probe=${seq}` }
        : tool === 'gmail_send'
          ? { to: 'ops@example.com', subject: `Daily report ${seq % 365}` }
          : { path: `/home/jarvis/notes/2026-06-${String((seq % 28) + 1).padStart(2, '0')}.md` };
  const marked = seq % Math.floor(RECORDS / 10) === 7;
  return JSON.stringify({
    seq,
    ts: new Date(T0 + seq * 2000).toISOString(),
    turn: `t_${(seq >> 4).toString(16)}`,
    channel: CHANNELS[seq % 4],
    trust: TRUST[(seq >> 2) % 4],
    tool,
    args,
    result: marked ? `found ${NEEDLE} in the output` : seq % 13 === 0 ? 'error: exit status 1 (permission denied)' : `ok: ${(seq * 7919) % 100003} bytes, 3 items, cache hit`,
    ok: seq % 13 !== 0,
    elapsed_ms: (seq * 31) % 900,
    blocked: seq % 101 === 0 ? 'trust' : null,
  });
}

const dir = mkdtempSync(join(tmpdir(), 'stratam-bench-search-'));
try {
  const files: SearchSource['files'] = [];
  let fd = -1;
  let bytes = 0;
  let buf = '';
  const flush = () => {
    bytes += writeSync(fd, buf);
    buf = '';
  };
  for (let seq = 1; seq <= RECORDS; seq++) {
    if (fd < 0) {
      const path = join(dir, `f-${String(files.length + 1).padStart(6, '0')}.jsonl`);
      fd = openSync(path, 'w', 0o600);
      files.push({ n: files.length + 1, path, bytes: 0 });
    }
    buf += `${line(seq)}\n`;
    if (buf.length > 1 << 20) flush();
    if (bytes + buf.length >= FILE_BYTES || seq === RECORDS) {
      flush();
      closeSync(fd);
      files[files.length - 1]!.bytes = bytes;
      fd = -1;
      bytes = 0;
    }
  }
  const source: SearchSource = { files };
  const paths = files.map((f) => f.path);
  const total = files.reduce((a, f) => a + f.bytes, 0);
  const trail = `${RECORDS.toLocaleString('en')} records, ${(total / 1e6).toFixed(0)} MB in ${files.length} files`;
  spawnSync('cat', paths, { stdio: ['ignore', 'ignore', 'inherit'] }); // page cache warm for all

  const time = <T>(fn: () => T): [number, T] => {
    const t = performance.now();
    const r = fn();
    return [performance.now() - t, r];
  };
  const timeAsync = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
    const t = performance.now();
    const r = await fn();
    return [performance.now() - t, r];
  };
  /** Median wall time of `runs` runs of an external command; its output lines (from the last run). */
  const command = (cmd: string, args: string[], runs = RUNS) => {
    const times: number[] = [];
    let out = '';
    for (let i = 0; i < runs; i++) {
      const [dt, r] = time(() => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 }));
      if (r.status !== 0 && !(r.status === 1 && r.stdout === '')) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
      times.push(dt);
      out = r.stdout;
    }
    return {
      ms: median(times),
      seqs: out
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(/^\{"seq":(\d+)/.exec(l)?.[1])),
    };
  };
  const ours = async (q: SearchQuery) => {
    const times: number[] = [];
    let seqs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const [dt, page] = await timeAsync(() => searchFiles(source, q, { limit: 1_000_000 }));
      if (page.next !== null) throw new Error('the search stopped before the end');
      times.push(dt);
      seqs = page.hits.map((h) => h.seq!);
    }
    return { ms: median(times), cold: times[0]!, seqs };
  };
  const same = (what: string, a: number[], b: number[]) => {
    const sa = [...a].sort((x, y) => x - y).join(',');
    if (sa !== [...b].sort((x, y) => x - y).join(',')) throw new Error(`${what}: different records found (${a.length} against ${b.length})`);
  };

  // (a) A string in 10 records; the process's peak RSS while it runs.
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5);
  const text = await ours({ text: NEEDLE.toLowerCase() });
  clearInterval(sampler);
  const grepF = command('grep', ['-hF', NEEDLE, ...paths]);
  const grepIF = command('grep', ['-hiF', NEEDLE.toLowerCase(), ...paths]);
  same('text search vs grep -F', text.seqs, grepF.seqs);
  same('text search vs grep -iF', text.seqs, grepIF.seqs);
  if (text.seqs.length !== 10) throw new Error(`the needle is in ${text.seqs.length} records, not 10`);
  const mbps = (t: number) => `${(total / 1e6 / (t / 1000)).toFixed(0)} MB/s`;
  report({
    benchmark: `audit search, a string in 10 of ${trail}, caseless`,
    figure: `${ms(text.ms)} (${mbps(text.ms)}; first run in the process ${ms(text.cold)})`,
    anchor: `grep -F ${ms(grepF.ms)}`,
    ratio: `${(text.ms / grepF.ms).toFixed(2)}x`,
    goal: '<= 1.5x grep -F',
    met: text.ms <= 1.5 * grepF.ms,
  });
  report({
    benchmark: 'audit search, the same, beside caseless grep',
    figure: ms(text.ms),
    anchor: `grep -iF ${ms(grepIF.ms)}`,
    ratio: `${(text.ms / grepIF.ms).toFixed(2)}x`,
    goal: 'for the record (the same caseless work)',
    met: null,
  });

  // (b) Field filters: every failed host_exec call.
  const fields = await ours({ tools: ['host_exec'], outcomes: ['failed'] });
  const py = [
    'import json, sys',
    'for f in sys.argv[1:]:',
    '    for line in open(f, "rb"):',
    '        try: v = json.loads(line)',
    '        except ValueError: continue',
    '        b = v.get("blocked")',
    '        if v.get("tool") == "host_exec" and not (isinstance(b, str) and b) and v.get("ok") is not True: sys.stdout.write(line.decode())',
  ].join('\n');
  const python = command('/usr/bin/python3', ['-c', py, ...paths], 3);
  same('field search vs python', fields.seqs, python.seqs);
  report({
    benchmark: `audit search --tool host_exec --outcome failed, ${trail} (${fields.seqs.length} hits)`,
    figure: `${ms(fields.ms)} (first run ${ms(fields.cold)})`,
    anchor: `python3 json loop ${ms(python.ms)}`,
    ratio: `${(fields.ms / python.ms).toFixed(3)}x`,
    goal: 'faster than python',
    met: fields.ms < python.ms,
  });
  const jqPath = ['/usr/bin/jq', '/usr/local/bin/jq'].find((p) => existsSync(p));
  if (jqPath) {
    const jq = command(jqPath, ['-c', 'select(.tool == "host_exec" and ((.blocked | type) != "string" or .blocked == "") and .ok != true)', ...paths], 3);
    same('field search vs jq', fields.seqs, jq.seqs);
    report({
      benchmark: 'audit search --tool host_exec --outcome failed, beside jq',
      figure: ms(fields.ms),
      anchor: `jq -c 'select(...)' ${ms(jq.ms)}`,
      ratio: `${(fields.ms / jq.ms).toFixed(3)}x`,
      goal: 'faster than jq',
      met: fields.ms < jq.ms,
    });
  } else process.stdout.write('jq is not installed: only the Python anchor was measured.\n');

  // Outcome alone parses every line that could match: for the record.
  const failed = await ours({ outcomes: ['failed'] });
  report({
    benchmark: `audit search --outcome failed (every line parsed), ${trail}`,
    figure: `${ms(failed.ms)} (${mbps(failed.ms)}, ${failed.seqs.length} hits)`,
    anchor: `python3 json loop ${ms(python.ms)} (tool and outcome)`,
    ratio: `${(failed.ms / python.ms).toFixed(3)}x`,
    goal: 'for the record',
    met: null,
  });
  report({
    benchmark: 'audit search peak RSS (the text search above)',
    figure: `${(peakRss / 1e6).toFixed(0)} MB (start ${(rssBefore / 1e6).toFixed(0)} MB)`,
    anchor: `${(total / 1e6).toFixed(0)} MB searched`,
    ratio: `${((peakRss - rssBefore) / total).toFixed(3)}x trail size above start`,
    goal: 'flat (two ~1 MiB chunks and the hits)',
    met: null,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
