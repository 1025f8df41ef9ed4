/**
 * Reads a range of a mirror file backward in chunks of whole lines, so a
 * search can go newest first without ever holding the file.
 *
 * Each chunk is read from where the previous one began, then cut at its
 * first newline: the bytes before it are the end of a line that started
 * earlier, and are read again as part of the next chunk. So every chunk
 * yielded is whole lines, and a line spanning two reads is seen once, whole.
 * A line longer than a chunk (there is no newline to cut at) is skipped:
 * the reader goes on backward to its start without keeping its bytes.
 *
 * While the caller scans one chunk, the next is already being read into a
 * second buffer (the disk and the scan overlap on two cores); memory is the
 * two buffers whatever the file's size. The caller must be done with a chunk
 * before it asks for the next one.
 */
import type { FileHandle } from 'node:fs/promises';
import { StratamError } from '../../errors.js';
import { reportError } from '../../log/logger.js';

const NL = 0x0a;

export interface Chunk {
  /** Whole lines, each ending in a newline (the file's last line may not, when it was included). */
  bytes: Buffer;
  /** File offset of bytes[0]: a line start. */
  offset: number;
}

export interface BackwardRead {
  fh: FileHandle;
  /** For errors. */
  name: string;
  /** Lines starting at or after `lo` (a line start) and ending by `hi` (a line end: a newline's next byte, or the file's end). */
  lo: number;
  hi: number;
  chunkBytes: number;
  /** Every byte read from disk, as it is read. */
  onRead(bytes: number): void;
}

export async function* backwardChunks(r: BackwardRead): AsyncGenerator<Chunk> {
  const bufs = [Buffer.allocUnsafe(r.chunkBytes), Buffer.allocUnsafe(r.chunkBytes)];
  let turn = 0;
  const read = (end: number) => readRange(r, bufs[turn++ % 2]!, Math.max(r.lo, end - r.chunkBytes), end);
  let pending: Promise<{ buf: Buffer; start: number }> | null = r.hi > r.lo ? read(r.hi) : null;
  try {
    while (pending) {
      const { buf, start } = await pending;
      pending = null;
      if (start === r.lo) {
        yield { bytes: buf, offset: start };
        return;
      }
      const i = buf.indexOf(NL);
      if (i < 0 || i === buf.length - 1) {
        // The line ending at the chunk's end began before it: longer than a chunk.
        const end = await lineStartBefore(r, bufs[turn++ % 2]!, start);
        pending = end > r.lo ? read(end) : null;
        continue;
      }
      pending = start + i + 1 > r.lo ? read(start + i + 1) : null;
      yield { bytes: buf.subarray(i + 1), offset: start + i + 1 };
    }
  } finally {
    // Stopped early (a full page, a cancel): the read ahead is not wanted,
    // but its buffer must not be reused nor the file closed under it.
    if (pending) await pending.then(undefined, (err: unknown) => reportError('audit-search', err, 'reading ahead in a mirror file'));
  }
}

/** Where the line that holds byte `before - 1` starts: the byte after the previous newline, or `lo`. */
async function lineStartBefore(r: BackwardRead, buf: Buffer, before: number): Promise<number> {
  let end = before;
  while (end > r.lo) {
    const got = await readRange(r, buf, Math.max(r.lo, end - r.chunkBytes), end);
    const i = got.buf.lastIndexOf(NL);
    if (i >= 0) return got.start + i + 1;
    end = got.start;
  }
  return r.lo;
}

async function readRange(r: BackwardRead, into: Buffer, start: number, end: number): Promise<{ buf: Buffer; start: number }> {
  const want = end - start;
  let got = 0;
  while (got < want) {
    const { bytesRead } = await r.fh.read(into, got, want - got, start + got);
    if (bytesRead === 0) {
      throw new StratamError('failed', `Mirror file ${r.name} is shorter than the mirror's manifest says (${start + got} bytes, at least ${end} expected).`, {
        hint: 'The mirror was changed outside Stratam. Run `stratam audit verify` to compare it with the droplet; the droplet still holds what it has not rotated away.',
      });
    }
    got += bytesRead;
    r.onRead(bytesRead);
  }
  return { buf: into.subarray(0, want), start };
}
