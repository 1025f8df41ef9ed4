/**
 * Full-history search over the audit mirror (docs/audit-mirror.md,
 * "Search"): newest first over a list of mirror files, each read backward in
 * chunks of whole lines (backward-chunks.ts); in each chunk the candidate
 * lines are found in the raw bytes (byte-finder.ts) and only those are
 * decoded and parsed. Paged by a cursor, streamed through `onHit`,
 * cancellable between chunks and between hits, in bounded memory (two chunk
 * buffers and the page's hits; a line over 1 MiB is skipped, never held).
 *
 * Positions are line starts. A page scans the lines that start below
 * `from` (exclusive) and at or above `lowest`; it ends after `limit` hits
 * with `next` at the last hit (the next page starts just below it), or when
 * the range is done (`next` null), or when the signal aborts (`next` where
 * the scan stopped, so a cancelled search can be resumed).
 *
 * Lines: the newest file's bytes after its last newline are a write in
 * progress and are left for a later search; an older file's last line
 * counts even without a newline (that file will not grow). A line that is
 * not a JSON object (bad UTF-8, bad JSON) is never a hit when the query has
 * a field filter; with text only, it is matched as written and its hit has
 * `value` {} and `seq` null: the mirror keeps bad lines as evidence, and
 * search shows them.
 */
import { isUtf8 } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { StratamError, usageError } from '../../errors.js';
import type { MirrorPos } from '../mirror/mirror-types.js';
import { backwardChunks, type Chunk } from './backward-chunks.js';
import { planOf, type SearchPlan } from './search-plan.js';
import type { SearchHit, SearchOptions, SearchPage, SearchQuery, SearchSource } from './search-types.js';

export { outcomeOf } from './record-filter.js';

/** Longer lines are skipped (a record is ~250 bytes; the feed caps lines at 1 MiB too). */
export const MAX_LINE_BYTES = 1024 * 1024;
/**
 * The longest line kept, its newlines, and room: every line that is kept
 * fits whole in one chunk. Larger chunks were slower (measured on 1M records:
 * 1 MiB 60-80 ms, 4 MiB 85-105 ms, 16 MiB 650-750 ms a search, and slower
 * still the first time in a process): the chunk no longer stays in the CPU's
 * cache between the read's copy and the scan.
 */
export const CHUNK_BYTES = MAX_LINE_BYTES + 64 * 1024;
const NL = 0x0a;
const TUNE_MIN_BYTES = 16 * 1024;

type File = SearchSource['files'][number];

export async function searchFiles(source: SearchSource, query: SearchQuery, opts: SearchOptions = {}): Promise<SearchPage> {
  const limit = opts.limit ?? 50;
  if (!Number.isSafeInteger(limit) || limit < 1) throw usageError(`Search page size ${limit} is not a positive whole number.`, 'Pass a limit of 1 or more (50 by default).');
  const plan = planOf(query);
  const page: SearchPage = { hits: [], next: null, scannedBytes: 0 };
  if (plan.impossible) return page;
  const { from, lowest, signal } = opts;
  const files = [...source.files].sort((a, b) => b.n - a.n);
  const newest = files[0]?.n;
  const scan = new ChunkScan(plan, page, limit, opts);
  for (const f of files) {
    if (from && f.n > from.n) continue;
    if (lowest && f.n < lowest.n) break;
    const hi = from && f.n === from.n ? Math.min(from.offset, f.bytes) : f.bytes;
    const lo = lowest && f.n === lowest.n ? lowest.offset : 0;
    if (signal?.aborted) return { ...page, next: { n: f.n, offset: hi } };
    if (hi <= lo) continue;
    const stop = await searchFile(f, lo, hi, f.n === newest && hi === f.bytes, scan, opts);
    // Built after the file is closed and any read ahead has landed, so scannedBytes counts every byte read.
    if (stop) return { ...page, next: stop };
  }
  return page;
}

/** One file's range, newest line first; returns where the page stops, or null when the range is done. */
async function searchFile(f: File, lo: number, hi: number, atNewestEnd: boolean, scan: ChunkScan, opts: SearchOptions): Promise<MirrorPos | null> {
  const fh = await openMirrorFile(f);
  try {
    if (opts.from && f.n === opts.from.n) await mustStartLine(fh, f, hi, 'from');
    if (opts.lowest && f.n === opts.lowest.n) await mustStartLine(fh, f, lo, 'lowest');
    const chunks = backwardChunks({ fh, name: f.path, lo, hi, chunkBytes: CHUNK_BYTES, onRead: (n) => void (scan.page.scannedBytes += n) });
    for await (const chunk of chunks) {
      const stop = scan.chunk(f.n, chunk, atNewestEnd && chunk.offset + chunk.bytes.length === hi);
      if (stop) return stop;
      if (opts.signal?.aborted) return { n: f.n, offset: chunk.offset };
    }
    return null;
  } finally {
    await fh.close();
  }
}

/** The per-chunk work: candidates from the raw bytes, then checks on those lines only. */
class ChunkScan {
  private tunedOn = 0;
  private readonly starts: number[] = [];

  constructor(
    private readonly plan: SearchPlan,
    readonly page: SearchPage,
    private readonly limit: number,
    private readonly opts: SearchOptions,
  ) {}

  /** Scan one chunk newest line first; returns where the page stops (a full page, a cancel), else null. */
  chunk(n: number, chunk: Chunk, dropTail: boolean): MirrorPos | null {
    let buf = chunk.bytes;
    if (dropTail && buf.length > 0 && buf[buf.length - 1] !== NL) buf = buf.subarray(0, buf.lastIndexOf(NL) + 1);
    const finders = this.plan.finders;
    if (!finders) {
      // Every line is a candidate, newest first.
      let pos = buf.length;
      while (pos > 0) {
        const end = buf[pos - 1] === NL ? pos - 1 : pos;
        const start = end > 0 ? buf.lastIndexOf(NL, end - 1) + 1 : 0;
        const stop = this.line(n, chunk.offset, buf, start, end);
        if (stop) return stop;
        pos = start;
      }
      return null;
    }
    if (this.tunedOn < TUNE_MIN_BYTES && buf.length > this.tunedOn) {
      for (const f of finders) f.tune(buf);
      this.tunedOn = buf.length;
    }
    const starts = this.starts;
    starts.length = 0;
    for (const f of finders) f.lineStarts(buf, starts);
    // Several finders (or both cases of a byte) find lines out of order and maybe twice.
    const sorted = Float64Array.from(starts).sort();
    for (let i = sorted.length - 1; i >= 0; i--) {
      const start = sorted[i]!;
      if (i < sorted.length - 1 && sorted[i + 1] === start) continue;
      const nl = buf.indexOf(NL, start);
      const stop = this.line(n, chunk.offset, buf, start, nl < 0 ? buf.length : nl);
      if (stop) return stop;
    }
    return null;
  }

  /** Check one candidate line buf[start, end) (no newline); a hit goes to the page and to onHit. */
  private line(n: number, base: number, buf: Buffer, start: number, end: number): MirrorPos | null {
    const len = end - start;
    if (len === 0 || len > MAX_LINE_BYTES) return null;
    const { verify, filter } = this.plan;
    const text = buf.toString('utf8', start, end);
    if (verify && !verify(text)) return null;
    let value = parseRecord(buf, start, end, text);
    if (value === null) {
      if (filter) return null;
      value = {};
    } else if (filter && !filter(value)) return null;
    const seq = typeof value.seq === 'number' && Number.isSafeInteger(value.seq) ? value.seq : null;
    const hit: SearchHit = { pos: { n, offset: base + start }, seq, line: Buffer.from(buf.subarray(start, end)), value };
    this.page.hits.push(hit);
    this.opts.onHit?.(hit);
    if (this.page.hits.length >= this.limit || this.opts.signal?.aborted) return hit.pos;
    return null;
  }
}

/**
 * The line as a record: a JSON object in valid UTF-8, else null (a bad line,
 * kept in the mirror as evidence). Decoding turns bad UTF-8 into U+FFFD, so
 * the bytes are checked only when the text has one (it costs a view and a
 * pass per line otherwise, a tenth of a parse-everything scan).
 */
export function parseRecord(buf: Buffer, start: number, end: number, text: string): Record<string, unknown> | null {
  if (text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    // Not JSON: the caller decides whether a bad line can be a hit.
    return null;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

async function openMirrorFile(f: File): Promise<FileHandle> {
  try {
    return await open(f.path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StratamError('failed', `Mirror file ${f.path} is gone: the mirror's size cap removed it while this search was running.`, {
        hint: 'Search again: the mirror now starts at a later file (`stratam audit verify` says from which seq).',
        cause: err,
      });
    }
    throw new StratamError('failed', `Cannot read mirror file ${f.path}: ${(err as Error).message}.`, { hint: 'Check that the state folder is readable by this user.', cause: err });
  }
}

/** A cursor must be a line start (a hit's pos, a page's next, an index entry): else the first line read would be half a line. */
async function mustStartLine(fh: FileHandle, f: File, offset: number, what: string): Promise<void> {
  if (offset === 0 || offset >= f.bytes) return;
  const b = Buffer.alloc(1);
  const { bytesRead } = await fh.read(b, 0, 1, offset - 1);
  if (bytesRead === 1 && b[0] === NL) return;
  throw usageError(`Search cursor \`${what}\` (file ${f.n}, offset ${offset}) is not at the start of a line.`, "Pass a hit's pos, a page's next, or a position from the mirror's index.");
}
