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
 * Speed: per chunk, the run of complete lines is validated as UTF-8 and
 * decoded in one native call each; per line there is one JSON.parse and one
 * one-shot sha256. Record bytes are subarrays of the chunk (no copy); a
 * consumer that keeps a record past the callback copies it.
 */
import { createHash, hash as sha256once, type Hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { AuditRecord, MalformedDiagnostic, StreamName, TruncatedDiagnostic } from './diagnostics.js';

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

const SEQ_IN_HEAD = /"seq"\s*:\s*(\d{1,16})\s*[,}]/;

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
    private readonly opts: { maxLine?: number; fetchHint?: (fileId: string, offset: number) => string } = {},
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

  push(fileId: string, offset: number, data: Buffer): void {
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
      this.bulk(data, pos, last, offset);
      pos = last + 1;
    }
    if (pos < data.length) {
      this.partialStart = offset + pos;
      this.hold(data.subarray(pos));
    }
  }

  /** Complete lines data[from, to) separated by newlines, `to` being the last newline. */
  private bulk(data: Buffer, from: number, to: number, base: number): void {
    const region = data.subarray(from, to);
    const texts = isUtf8(region) ? region.toString('utf8').split('\n') : null;
    let start = from;
    for (let i = 0; start <= to; i++) {
      let end = data.indexOf(10, start);
      if (end < 0 || end > to) end = to;
      const bytes = data.subarray(start, end);
      if (bytes.length > this.maxLine) {
        const h = createHash('sha256').update(bytes);
        this.emitTruncated({ hash: h, head: bytes.subarray(0, this.maxLine), length: bytes.length }, base + start);
      } else {
        this.line(bytes, texts ? (texts[i] as string) : null, base + start);
      }
      start = end + 1;
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
      this.emitTruncated(o, this.partialStart);
    } else {
      const bytes = Buffer.concat(this.partial, this.partialLen);
      this.partial = [];
      this.partialLen = 0;
      this.line(bytes, null, this.partialStart);
    }
  }

  private line(bytes: Buffer, text: string | null, offset: number): void {
    if (bytes.length === 0) return; // blank lines carry nothing; skipped, not counted
    if (text === null) {
      if (!isUtf8(bytes)) return this.malformedLine(bytes, offset, 'invalid-utf8');
      text = bytes.toString('utf8');
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.malformedLine(bytes, offset, 'invalid-json');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.malformedLine(bytes, offset, 'not-an-object');
    const seq = (value as { seq?: unknown }).seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) return this.malformedLine(bytes, offset, 'no-seq');
    this.sink.record({
      stream: this.stream,
      seq,
      bytes,
      value: value as Record<string, unknown>,
      hash: sha256once('sha256', bytes, 'buffer'),
      file_id: this.fileId,
      offset,
    });
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

  private emitTruncated(o: Overlong, offset: number): void {
    const head = o.head.toString('utf8');
    const m = SEQ_IN_HEAD.exec(head.slice(0, 4096));
    this.sink.truncated({
      kind: 'truncated',
      stream: this.stream,
      record_seq: m ? Number(m[1]) : null,
      file_id: this.fileId,
      offset,
      length: o.length,
      sha256: o.hash.digest('hex'),
      head,
      marker: '[truncated]',
      fetch: this.opts.fetchHint?.(this.fileId, offset) ?? `stratam audit fetch --file-id ${this.fileId} --offset ${offset}`,
    });
  }
}
