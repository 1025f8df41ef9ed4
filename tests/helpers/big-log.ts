/** A big log written fast: the million-record tests and the backlog benchmarks share it. */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Write `line(1..count)` to a fresh file at `path`, in 4 MiB writes (a write per line would take minutes). */
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
