/**
 * `index.bin`, the mirror's sparse index (docs/audit-mirror.md, "The index"):
 * 32-byte entries (seq, running max ts, file number, reserved, line offset),
 * one for each file's first record and for each record that starts a new
 * 4 KiB block of its file, in increasing seq. Fixed width makes a seek a
 * binary search with pread (a read per step, no scan, flat memory).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const ENTRY = 32;
export const BLOCK = 4096;

export interface IndexEntry {
  seq: number;
  /** The largest ts seen up to this record (ms since epoch; 0 before any). */
  maxTs: number;
  n: number;
  offset: number;
}

export function encodeEntry(e: IndexEntry, out: Buffer, at: number): void {
  out.writeDoubleBE(e.seq, at);
  out.writeDoubleBE(e.maxTs, at + 8);
  out.writeUInt32BE(e.n, at + 16);
  out.writeUInt32BE(0, at + 20);
  out.writeDoubleBE(e.offset, at + 24);
}

export function decodeEntry(b: Buffer, at: number): IndexEntry {
  return { seq: b.readDoubleBE(at), maxTs: b.readDoubleBE(at + 8), n: b.readUInt32BE(at + 16), offset: b.readDoubleBE(at + 24) };
}

const TS_KEY = Buffer.from('"ts"');

/**
 * The `ts` of a record line, in ms, or NaN: the first `"ts"` key's string
 * value, found in the bytes without parsing the line (only sampled lines get
 * here). Records put `ts` second (contract), so the first match is the top
 * level one; a numeric ts (seconds or ms) is taken too.
 */
export function tsOf(line: Buffer): number {
  const k = line.indexOf(TS_KEY);
  if (k < 0) return Number.NaN;
  let i = k + 4;
  while (i < line.length && (line[i] === 0x20 || line[i] === 0x3a || line[i] === 0x09)) i++;
  if (line[i] === 0x22) {
    const end = line.indexOf(0x22, i + 1);
    return end < 0 || end - i > 64 ? Number.NaN : Date.parse(line.toString('latin1', i + 1, end));
  }
  let j = i;
  while (j < line.length && j - i < 24 && (((line[j] as number) >= 0x30 && (line[j] as number) <= 0x39) || line[j] === 0x2e)) j++;
  const v = Number(line.toString('latin1', i, j));
  if (j === i || !Number.isFinite(v)) return Number.NaN;
  return v < 1e11 ? v * 1000 : v; // seconds since epoch until the year 5138
}

const SEQ_KEY = Buffer.from('"seq"');

/** The seq a line names (its first `"seq"` key), or null: the reader's cheap look, no JSON.parse. */
export function seqOf(line: Buffer): number | null {
  const k = line.indexOf(SEQ_KEY);
  if (k < 0 || k > 4096) return null;
  let i = k + 5;
  while (i < line.length && (line[i] === 0x20 || line[i] === 0x3a || line[i] === 0x09)) i++;
  let j = i;
  while (j < line.length && j - i < 16 && (line[j] as number) >= 0x30 && (line[j] as number) <= 0x39) j++;
  if (j === i) return null;
  const c = line[j];
  if (c !== undefined && c !== 0x2c && c !== 0x7d && c !== 0x20) return null;
  return Number(line.toString('latin1', i, j));
}

/** Read-only view of an index file, for binary searches (the reader, and the store's last entry). */
export class IndexView {
  readonly count: number;
  private readonly one = Buffer.allocUnsafe(ENTRY);
  /** Bytes read through this view, for the reader's accounting. */
  bytesRead = 0;

  private constructor(private fd: number) {
    this.count = Math.floor(fstatSync(fd).size / ENTRY);
  }

  /** null when there is no index file. */
  static open(path: string): IndexView | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return new IndexView(fd);
  }

  at(i: number): IndexEntry {
    this.bytesRead += readSync(this.fd, this.one, 0, ENTRY, i * ENTRY);
    return decodeEntry(this.one, 0);
  }

  /** Index of the last entry with key(entry) <= v (by seq or maxTs, both non-decreasing), or -1. */
  lastAtOrBelow(v: number, key: 'seq' | 'maxTs'): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid)[key] <= v) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  /** Index of the first entry with maxTs >= ms, or count. */
  firstTsAtOrAbove(ms: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).maxTs < ms) lo = mid + 1;
      else hi = mid - 1;
    }
    return lo;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
