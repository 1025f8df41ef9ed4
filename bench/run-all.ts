/**
 * `npm run bench`: every benchmark, one after the other, in one run on this
 * machine; each prints `BENCH {json}` rows (bench/stats.ts). The rows go into
 * BENCHMARKS.md with the machine, the date and the command to reproduce.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.js') && !['stats.js', 'machine.js', 'run-all.js'].includes(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const rows: Array<BenchRow & { file: string }> = [];
const failures: string[] = [];
for (const f of files) {
  process.stdout.write(`\n== ${f}\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, f)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });
  for (const line of (r.stdout ?? '').split('\n')) {
    if (line.startsWith('BENCH ')) rows.push({ ...(JSON.parse(line.slice(6)) as BenchRow), file: f });
    else if (line.trim()) process.stdout.write(`${line}\n`);
  }
  if (r.status !== 0) {
    failures.push(`${f} exited ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
    process.stdout.write(r.stderr ?? '');
  }
  process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

const cpu = cpus();
const machine = `${cpu[0]?.model ?? 'unknown CPU'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`;
const cell = (s: string) => s.replace(/\|/g, '\\|');
const md = [
  '# Benchmarks',
  '',
  `Measured ${new Date().toISOString()} on ${machine}.`,
  '',
  'Reproduce: `npm run bench` (needs the same set-up as the tests: `bash .ci/run` once). Each figure is a median over several runs unless it says p99; the machine is shared and noisy, so the ratios to the anchors, measured in the same run, are the figures to trust.',
  '',
  '| | benchmark | figure | anchor | ratio | goal |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.met === null ? '' : r.met ? 'met' : '**missed**'} | ${cell(r.benchmark)} | ${cell(r.figure)} | ${cell(r.anchor)} | ${cell(r.ratio)} | ${cell(r.goal)} |`),
  '',
  ...(failures.length ? ['## Benchmarks that did not finish', '', ...failures.map((f) => `- ${cell(f)}`), ''] : []),
  `Sources: ${[...new Set(rows.map((r) => `\`bench/${r.file.replace(/\.js$/, '.ts')}\``))].join(', ')}.`,
  '',
];
const out = join(here, '..', '..', '..', 'BENCHMARKS.md');
writeFileSync(out, md.join('\n'));
process.stdout.write(`\nWrote ${out}: ${rows.length} figures, ${rows.filter((r) => r.met === false).length} goals missed, ${failures.length} benchmarks failed.\n`);
process.exitCode = failures.length ? 1 : 0;
