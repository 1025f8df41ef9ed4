/** Small shared helpers for benchmarks: percentiles and one printed row per figure. */
import { percentile } from '../src-main/core/doctor/droplet-probes.js';

export { percentile };

export const median = (samples: number[]) => percentile(samples, 50);

export interface BenchRow {
  benchmark: string;
  figure: string;
  anchor: string;
  ratio: string;
  goal: string;
  met: boolean | null;
}

/** Print a row as one JSON line (collected by bench/run-all) and a readable line. */
export function report(row: BenchRow): void {
  const mark = row.met === null ? ' ' : row.met ? '✓' : '✗';
  process.stdout.write(`${mark} ${row.benchmark}: ${row.figure} | anchor ${row.anchor} | ratio ${row.ratio} | goal ${row.goal}\n`);
  process.stdout.write(`BENCH ${JSON.stringify(row)}\n`);
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
