/** What the backlog benchmarks share: the machine's CPU time, its cores, and a big log written fast. */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** CPU time the whole machine spent (all cores, user + system + irq + softirq), in seconds. */
export function machineCpu(): number {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = f;
  return (user + nice + system + irq + softirq) / 100; // USER_HZ
}

export const CORES = availableParallelism();

/** Moved to tests/helpers so the million-record E2E can write its trail the same way. */
export { writeLines } from '../tests/helpers/big-log.js';
