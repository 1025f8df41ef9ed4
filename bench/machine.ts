/** What the backlog benchmarks share: the machine's CPU time, its cores, and a big log written fast. */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** CPU time the whole machine spent (all cores, user + system + irq + softirq), in seconds. */
export function machineCpu(): number {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = f;
  return (user + nice + system + irq + softirq) / 100; // USER_HZ
}

export const CORES = availableParallelism();

/** Write `line(1..count)` to a fresh file at `path`, in 4 MiB writes. */
export function writeLines(path: string, count: number, line: (seq: number) => string): void {
  const fd = openSync(path, 'w');
  try {
    let chunk = '';
    for (let i = 1; i <= count; i++) {
      chunk += line(i);
      if (chunk.length > 4 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}
