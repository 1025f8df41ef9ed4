/**
 * A bounded-memory JSONL reader for bytes that arrive in arbitrary chunks.
 *
 * - A torn last line is held until its newline arrives (at most `maxLine`
 *   bytes are ever held per stream).
 * - A line that is not valid UTF-8, not JSON (raw control characters make
 *   JSON.parse fail), not an object, or has no integer `seq` becomes a
 *   `malformed` diagnostic; the count goes up and the feed goes on.
 * - A line longer than `maxLine` is hashed incrementally as it streams by;
 *   only its first `maxLine` bytes are kept, and it is delivered as a
 *   `truncated` diagnostic naming its file id and offset for a full fetch.
 *
 * Speed: the per-line work (split, UTF-8, JSON, sha256) is `scanLines`
 * (line-scan.ts), done here for small chunks or handed in precomputed by a
 * scan worker for big ones (`push(..., pre)`). Record bytes are subarrays of
 * the chunk (no copy); a consumer that keeps a record past the callback
 * copies it.
 */
import { createHash, type Hash } from 'node:crypto';
import { AuditRecord, type MalformedDiagnostic, type StreamName, type TruncatedDiagnostic } from './diagnostics.js';
import { KIND_OVERLONG, KIND_RECORD, MALFORMED_REASONS, scanLines, seqInHead, type ScanResult } from './line-scan.js';

export const MAX_LINE = 1024 * 1024;
const PREVIEW = 200;

export interface LineSink {
  record(r: AuditRecord): void;
  malformed(d: MalformedDiagnostic): void;
  truncated(d: TruncatedDiagnostic): void;
}

interface Overlong {
  hash: Hash;
  head: Buffer;
  length: number;
}

/** A run of complete lines already scanned (by a worker): data[from, to), `to` being the chunk's last newline. */
export interface PreScan {
  from: number;
  to: number;
  result: ScanResult;
}

/** The run of complete lines after a chunk's first newline, which can be scanned before the reader sees the chunk. */
export function scannableRegion(data: Buffer): { from: number; to: number } | null {
  const first = data.indexOf(10);
  const last = data.lastIndexOf(10);
  return first >= 0 && last > first + 1 ? { from: first + 1, to: last } : null;
}

export class LineReader {
  private fileId = '';
  /** Offset just past the last byte pushed. */
  private expect = 0;
  private partial: Buffer[] = [];
  private partialLen = 0;
  private partialStart = 0;
  private overlong: Overlong | null = null;
  malformedCount = 0;

  constructor(
    readonly stream: StreamName,
    private readonly sink: LineSink,
    private readonly opts: { maxLine?: number; fetchHint?: (fileId: string, offset: number) => string; commands?: boolean } = {},
  ) {}

  private get maxLine(): number {
    return this.opts.maxLine ?? MAX_LINE;
  }

  /** Where the next unread line starts: resume reading here after a drop. */
  get resumePoint(): { fileId: string; offset: number } {
    return { fileId: this.fileId, offset: this.hasPartial() ? this.partialStart : this.expect };
  }

  private hasPartial(): boolean {
    return this.partialLen > 0 || this.overlong !== null;
  }

  /** Forget a held partial line (the follower restarts at `offset` in `fileId`). */
  reset(fileId: string, offset: number): void {
    this.partial = [];
    this.partialLen = 0;
    this.overlong = null;
    this.fileId = fileId;
    this.expect = offset;
  }

  /** Bytes at `offset` of file `fileId`; `pre` carries the scan of `scannableRegion(data)` when a worker did it. */
  push(fileId: string, offset: number, data: Buffer, pre?: PreScan): void {
    if (fileId !== this.fileId || offset !== this.expect) {
      // A line torn at the end of a file that is no longer written (rotated) never completes.
      if (this.hasPartial() && fileId !== this.fileId) this.malformedLine(this.partialBytes(), this.partialStart, 'torn-at-rotation');
      this.reset(fileId, offset);
    }
    this.expect = offset + data.length;
    let pos = 0;
    if (this.hasPartial()) {
      const nl = data.indexOf(10);
      if (nl < 0) {
        this.hold(data);
        return;
      }
      this.hold(data.subarray(0, nl));
      this.finishPartial();
      pos = nl + 1;
    }
    const last = data.lastIndexOf(10);
    if (last >= pos) {
      if (pre && pre.from >= pos && pre.to === last) {
        // The first line (when it did not end a partial) is not in the pre-scanned run.
        if (pre.from > pos) this.scan(data, pos, pre.from - 1, offset);
        this.deliver(data, offset, pre.result);
      } else this.scan(data, pos, last, offset);
      pos = last + 1;
    }
    if (pos < data.length) {
      this.partialStart = offset + pos;
      this.hold(data.subarray(pos));
    }
  }

  private scan(data: Buffer, from: number, to: number, base: number): void {
    this.deliver(data, base, scanLines(data, from, to, { maxLine: this.maxLine, keepValues: true, commands: this.opts.commands === true }));
  }

  private deliver(data: Buffer, base: number, r: ScanResult): void {
    let ci = 0;
    for (let k = 0; k < r.count; k++) {
      const start = r.starts[k] as number;
      const bytes = data.subarray(start, r.ends[k]);
      const kind = r.kinds[k] as number;
      const offset = base + start;
      if (kind === KIND_RECORD) {
        let cmd: string | null = null;
        const c = r.commands[ci];
        if (c && c[0] === k) {
          cmd = c[1];
          ci++;
        }
        const sha256 = r.hashes ? r.hashes.slice(k * 64, k * 64 + 64) : undefined;
        this.sink.record(new AuditRecord(this.stream, r.seqs[k] as number, bytes, sha256, this.fileId, offset, r.values?.[k], cmd));
      } else if (kind === KIND_OVERLONG) {
        const sha256 = r.overlongHashes?.get(k) ?? r.hashes.slice(k * 64, k * 64 + 64);
        this.emitTruncated({ head: bytes.subarray(0, this.maxLine), length: bytes.length, sha256 }, offset);
      } else {
        this.malformedLine(bytes, offset, MALFORMED_REASONS[kind - 2] as MalformedDiagnostic['reason']);
      }
    }
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.overlong) {
      this.overlong.hash.update(bytes);
      this.overlong.length += bytes.length;
      return;
    }
    if (this.partialLen + bytes.length <= this.maxLine) {
      // Copy: the chunk may be large and the partial is kept across chunks.
      this.partial.push(Buffer.from(bytes));
      this.partialLen += bytes.length;
      return;
    }
    const head = Buffer.concat([...this.partial, bytes.subarray(0, this.maxLine - this.partialLen)]);
    const hash = createHash('sha256');
    for (const p of this.partial) hash.update(p);
    hash.update(bytes);
    this.overlong = { hash, head, length: this.partialLen + bytes.length };
    this.partial = [];
    this.partialLen = 0;
  }

  private partialBytes(): Buffer {
    return this.overlong ? this.overlong.head : Buffer.concat(this.partial, this.partialLen);
  }

  private finishPartial(): void {
    if (this.overlong) {
      const o = this.overlong;
      this.overlong = null;
      this.emitTruncated({ head: o.head, length: o.length, sha256: o.hash.digest('hex') }, this.partialStart);
    } else {
      const bytes = Buffer.concat(this.partial, this.partialLen);
      this.partial = [];
      this.partialLen = 0;
      this.scan(bytes, 0, bytes.length, this.partialStart);
    }
  }

  private malformedLine(bytes: Buffer, offset: number, reason: MalformedDiagnostic['reason']): void {
    this.malformedCount++;
    this.sink.malformed({
      kind: 'malformed',
      stream: this.stream,
      reason,
      file_id: this.fileId,
      offset,
      length: bytes.length,
      count: this.malformedCount,
      preview: bytes.subarray(0, PREVIEW).toString('utf8'),
    });
  }

  private emitTruncated(o: { head: Buffer; length: number; sha256: string }, offset: number): void {
    const head = o.head.toString('utf8');
    const seq = seqInHead(head);
    this.sink.truncated({
      kind: 'truncated',
      stream: this.stream,
      record_seq: Number.isNaN(seq) ? null : seq,
      file_id: this.fileId,
      offset,
      length: o.length,
      sha256: o.sha256,
      head,
      marker: '[truncated]',
      fetch: this.opts.fetchHint?.(this.fileId, offset) ?? `stratam audit fetch --file-id ${this.fileId} --offset ${offset}`,
    });
  }
}
