/**
 * Byte-level helpers over mirror files shared by the store, the cap and the
 * reader: compare a batch of bytes with what a file holds, and find the
 * newest complete line of a file, all with pread in bounded chunks (memory
 * stays flat whatever the file's size).
 */
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';

const CHUNK = 1024 * 1024;
let scratch = Buffer.allocUnsafe(64 * 1024);

function scratchOf(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(n, scratch.length * 2)));
  return scratch;
}

/** Bytes [from, to) of the concatenation of `parts`, as views (no copy). */
export function sliceParts(parts: readonly Buffer[], from: number, to: number): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const p of parts) {
    const s = Math.max(from, at);
    const e = Math.min(to, at + p.length);
    if (s < e) out.push(p.subarray(s - at, e - at));
    at += p.length;
    if (at >= to) break;
  }
  return out;
}

/** Do the `len` bytes of `parts` equal the file's bytes at `pos`? (A short file is not equal.) */
export function equalOnDisk(fd: number, pos: number, parts: readonly Buffer[], len: number): boolean {
  let done = 0;
  for (const p of parts) {
    let o = 0;
    while (o < p.length && done < len) {
      const want = Math.min(p.length - o, len - done, CHUNK);
      const b = scratchOf(want);
      const got = readSync(fd, b, 0, want, pos + done);
      if (got !== want || b.compare(p, o, o + want, 0, want) !== 0) return false;
      o += want;
      done += want;
    }
    if (done >= len) break;
  }
  return done === len;
}

/** The last newline at or before `end` - 1, or -1; reads backward in chunks. */
export function lastNewline(fd: number, end: number, counter?: { bytesRead: number }): number {
  // Small first (a line is a few hundred bytes), wider while no newline turns up.
  let b = Buffer.allocUnsafe(4096);
  for (let hi = end; hi > 0;) {
    const lo = Math.max(0, hi - b.length);
    const got = readSync(fd, b, 0, hi - lo, lo);
    if (counter) counter.bytesRead += got;
    const k = b.subarray(0, got).lastIndexOf(10);
    if (k >= 0) return lo + k;
    hi = lo;
    if (b.length < CHUNK) b = Buffer.allocUnsafe(b.length * 2);
  }
  return -1;
}

/** sha256 (hex) of bytes [start, end) of a file, streamed. */
export function hashRange(fd: number, start: number, end: number): string {
  const h = createHash('sha256');
  for (let at = start; at < end;) {
    const want = Math.min(CHUNK, end - at);
    const b = scratchOf(want);
    const got = readSync(fd, b, 0, want, at);
    if (got === 0) break;
    h.update(b.subarray(0, got));
    at += got;
  }
  return h.digest('hex');
}

export function readRange(fd: number, start: number, end: number): Buffer {
  const b = Buffer.allocUnsafe(Math.max(0, end - start));
  let got = 0;
  while (got < b.length) {
    const n = readSync(fd, b, got, b.length - got, start + got);
    if (n === 0) break;
    got += n;
  }
  return b.subarray(0, got);
}
