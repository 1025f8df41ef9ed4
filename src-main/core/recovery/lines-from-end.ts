/**
 * Whole lines of an open regular file, newest first, read backwards in chunks
 * and bounded in bytes: the incident wants the last few `self_modify_code`
 * records and the last reply of a few turns, which sit near the end of logs
 * that may hold gigabytes. A budget shared by several files (the audit log
 * and its rotations) caps what one incident reads over SSH.
 *
 * A last line with no newline (torn, or being written) is not a record yet
 * and is skipped. A line longer than `maxLine` is not held: it comes back
 * with `overlong` set and empty bytes, its offset and length known, so the
 * caller can read its head if it wants to.
 */
import type { RegularFile } from '../droplet/droplet.js';

export interface ByteBudget {
  /** Bytes still allowed. */
  left: number;
  /** Set once a read stopped because the budget ran out. */
  exhausted: boolean;
}

export interface LineFromEnd {
  bytes: Buffer;
  offset: number;
  length: number;
  overlong: boolean;
}

const CHUNK = 256 * 1024;
const NL = 0x0a;

export async function* linesFromEnd(file: RegularFile, opts: { budget: ByteBudget; maxLine: number; chunk?: number }): AsyncGenerator<LineFromEnd> {
  const chunk = opts.chunk ?? CHUNK;
  let pos = file.stat.size;
  // The current line's bytes seen so far (its end first), in file order once reversed.
  let parts: Buffer[] = [];
  let partsLen = 0;
  let overlong = false;
  // No newline seen yet: the bytes so far belong to a torn last line.
  let beforeLastNewline = true;
  const take = (offset: number): LineFromEnd => {
    const line: LineFromEnd = overlong
      ? { bytes: Buffer.alloc(0), offset, length: partsLen, overlong: true }
      : { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts.reverse(), partsLen), offset, length: partsLen, overlong: false };
    parts = [];
    partsLen = 0;
    overlong = false;
    return line;
  };
  const hold = (piece: Buffer) => {
    partsLen += piece.length;
    if (overlong) return;
    if (partsLen > opts.maxLine) {
      overlong = true;
      parts = [];
      return;
    }
    // Copied: the chunk is dropped once scanned, the line may span chunks.
    if (piece.length) parts.push(Buffer.from(piece));
  };
  while (pos > 0) {
    if (opts.budget.left <= 0) {
      opts.budget.exhausted = true;
      return;
    }
    const n = Math.min(chunk, pos, opts.budget.left);
    const start = pos - n;
    const buf = await file.read(start, n);
    opts.budget.left -= n;
    let end = buf.length;
    for (let i = end > 0 ? buf.lastIndexOf(NL, end - 1) : -1; i >= 0; i = i > 0 ? buf.lastIndexOf(NL, i - 1) : -1) {
      if (beforeLastNewline) beforeLastNewline = false;
      else {
        hold(buf.subarray(i + 1, end));
        const line = take(start + i + 1);
        if (line.length > 0) yield line;
      }
      end = i;
    }
    if (!beforeLastNewline) hold(buf.subarray(0, end));
    pos = start;
  }
  if (!beforeLastNewline && partsLen > 0) yield take(0);
}
