/**
 * Reads the mirror (docs/audit-mirror.md) by position: opens a seq or a time
 * through the sparse index (a binary search with pread), then reads lines
 * forward or backward across files in small windows that grow only while a
 * read keeps going. Opening any seq costs about log2(entries) 32-byte reads
 * and a block or two of the file, whatever the mirror's size.
 *
 * Only newline-terminated lines are lines: the newest file's torn tail is
 * still being written.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { DropletIdentity } from '../../droplet/droplet.js';
import type { StreamName } from '../diagnostics.js';
import { lastNewline } from './mirror-files.js';
import { IndexView, seqOf, tsOf, type IndexEntry } from './mirror-index.js';
import { describeMirror } from './mirror-info.js';
import { fileName, manifestPath, mirrorDir, readManifest, type Manifest } from './mirror-manifest.js';
import { DEFAULT_MIRROR_CAP_BYTES, type MirrorInfo, type MirrorLine, type MirrorPos } from './mirror-types.js';

/** Two 4 KiB blocks: what a seek reads after the index; grown only for a longer line. */
const FIRST_WINDOW = 8 * 1024;

export class MirrorReader {
  private m: Manifest;
  private index: IndexView | null;
  private fds = new Map<number, number | null>();
  private readonly counter = { bytesRead: 0 };

  private constructor(
    private readonly dir: string,
    readonly stream: StreamName,
  ) {
    this.m = readManifest(dir);
    this.index = IndexView.open(join(dir, 'index.bin'));
  }

  /** null when there is no mirror for this droplet and stream. */
  static open(stateDir: string, id: DropletIdentity, stream: StreamName): MirrorReader | null {
    const dir = mirrorDir(stateDir, id, stream);
    return existsSync(manifestPath(dir)) ? new MirrorReader(dir, stream) : null;
  }

  /** Bytes read from the index and the files so far (what a seek costs). */
  get bytesRead(): number {
    return this.counter.bytesRead + (this.index?.bytesRead ?? 0);
  }

  /** Take the mirror as it is now (new files, drops, a compacted index). */
  refresh(): void {
    this.m = readManifest(this.dir);
    this.index?.close();
    this.index = IndexView.open(join(this.dir, 'index.bin'));
    for (const [n, fd] of this.fds) if (fd !== null && !this.m.files.some((f) => f.n === n)) closeSync(fd);
    this.fds = new Map([...this.fds].filter(([n]) => this.m.files.some((f) => f.n === n)));
  }

  info(): MirrorInfo {
    this.refresh();
    return describeMirror(this.dir, this.stream, this.m.capBytes ?? DEFAULT_MIRROR_CAP_BYTES, this.m);
  }

  /** The line holding `seq`, or the first after it; null past the end. */
  seekSeq(seq: number): MirrorPos | null {
    const i = this.index ? this.index.lastAtOrBelow(seq, 'seq') : -1;
    const from = i >= 0 ? this.entryPos((this.index as IndexView).at(i)) : this.firstPos();
    // Bounded: the entry after i has a seq above `seq`, so the scan stops at it at the latest.
    for (const line of this.forward(from)) if (line.seq !== null && line.seq >= seq) return line.pos;
    return null;
  }

  /**
   * The first line whose ts is >= `ms`, after the last index entry whose
   * running max is below it (so a time the agent's clock passed before it
   * stepped back opens where it was first reached); null past the end.
   */
  seekTime(ms: number): MirrorPos | null {
    const j = this.index ? this.index.firstTsAtOrAbove(ms) : 0;
    const from = j > 0 ? this.entryPos((this.index as IndexView).at(j - 1)) : this.firstPos();
    // Bounded: entry j's own line has a ts >= ms (its running max first reached ms there).
    for (const line of this.forward(from)) if (tsOf(line.bytes) >= ms) return line.pos;
    return null;
  }

  /** Just past the newest complete line. */
  end(): MirrorPos {
    this.refresh();
    const last = this.m.files[this.m.files.length - 1];
    if (!last) return { n: 0, offset: 0 };
    return { n: last.n, offset: this.completeEnd(last.n) };
  }

  /** Lines from pos forward, read only as the caller takes them (a caller that stops early reads no further). */
  linesFrom(pos: MirrorPos): Generator<MirrorLine> {
    return this.forward(pos);
  }

  linesAfter(pos: MirrorPos, count: number): MirrorLine[] {
    const out: MirrorLine[] = [];
    if (count <= 0) return out;
    for (const line of this.forward(pos)) if (out.push(line) >= count) break;
    return out;
  }

  /** The `count` lines ending before pos, oldest first. */
  linesBefore(pos: MirrorPos, count: number): MirrorLine[] {
    const out: MirrorLine[] = [];
    if (count <= 0) return out;
    for (const line of this.backward(pos)) if (out.push(line) >= count) break;
    return out.reverse();
  }

  close(): void {
    this.index?.close();
    this.index = null;
    for (const fd of this.fds.values()) if (fd !== null) closeSync(fd);
    this.fds.clear();
  }

  private held(): number[] {
    return this.m.files.map((f) => f.n);
  }

  private firstPos(): MirrorPos {
    return { n: this.m.files[0]?.n ?? 0, offset: 0 };
  }

  /** An entry's position, or the oldest file's start when its file was dropped. */
  private entryPos(e: IndexEntry): MirrorPos {
    return this.m.files.some((f) => f.n === e.n) ? { n: e.n, offset: e.offset } : this.firstPos();
  }

  private fd(n: number): number | null {
    let fd = this.fds.get(n);
    if (fd === undefined) {
      try {
        fd = openSync(join(this.dir, fileName(n)), 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        fd = null; // dropped by the cap since this reader looked
      }
      this.fds.set(n, fd);
    }
    return fd;
  }

  private completeEnd(n: number): number {
    const fd = this.fd(n);
    return fd === null ? 0 : lastNewline(fd, fstatSync(fd).size, this.counter) + 1;
  }

  private *forward(pos: MirrorPos): Generator<MirrorLine> {
    const ns = this.held();
    let k = ns.findIndex((n) => n >= pos.n);
    if (k < 0) return;
    for (let off = ns[k] === pos.n ? pos.offset : 0; k < ns.length; k++, off = 0) {
      const n = ns[k] as number;
      const fd = this.fd(n);
      if (fd === null) continue;
      const size = fstatSync(fd).size;
      let buf = Buffer.allocUnsafe(FIRST_WINDOW);
      let bStart = off;
      let bLen = 0;
      while (off < size) {
        const inWindow = off >= bStart && off < bStart + bLen;
        const i = inWindow ? buf.subarray(0, bLen).indexOf(10, off - bStart) : -1;
        if (i < 0) {
          if (inWindow && bStart + bLen >= size) break; // a torn last line
          // A line longer than the window must grow it; a long read grows it too, up to MAX_WINDOW.
          // A line longer than the window grows it; other reads stay a block or two (a seek reads little).
          if (bLen === buf.length && bStart === off) buf = Buffer.allocUnsafe(buf.length * 2);
          bStart = off;
          bLen = readSync(fd, buf, 0, Math.min(buf.length, size - off), off);
          this.counter.bytesRead += bLen;
          if (bLen === 0) break;
          continue;
        }
        const bytes = Buffer.from(buf.subarray(off - bStart, i));
        yield { pos: { n, offset: off }, bytes, seq: seqOf(bytes) };
        off = bStart + i + 1;
      }
    }
  }

  private *backward(pos: MirrorPos): Generator<MirrorLine> {
    const ns = this.held();
    let k = ns.findLastIndex((n) => n <= pos.n);
    for (let end = ns[k] === pos.n ? pos.offset : -1; k >= 0; k--, end = -1) {
      const n = ns[k] as number;
      const fd = this.fd(n);
      if (fd === null) continue;
      if (end < 0) end = this.completeEnd(n);
      let buf = Buffer.allocUnsafe(FIRST_WINDOW);
      let bStart = end;
      let bLen = 0;
      // lineEnd: the newline that ends the line being looked for.
      for (let lineEnd = end - 1; lineEnd >= 0;) {
        const i = lineEnd > bStart ? buf.subarray(0, lineEnd - bStart).lastIndexOf(10) : -1;
        if (i < 0 && bStart > 0) {
          if (bLen === buf.length && bStart + bLen === lineEnd) buf = Buffer.allocUnsafe(buf.length * 2);
          const s = Math.max(0, lineEnd - buf.length);
          bLen = readSync(fd, buf, 0, lineEnd - s, s);
          this.counter.bytesRead += bLen;
          bStart = s;
          continue;
        }
        const s = i < 0 ? 0 : bStart + i + 1;
        const bytes = Buffer.from(buf.subarray(s - bStart, lineEnd - bStart));
        yield { pos: { n, offset: s }, bytes, seq: seqOf(bytes) };
        lineEnd = s - 1;
      }
    }
  }
}
