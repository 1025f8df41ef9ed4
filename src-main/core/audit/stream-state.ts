/**
 * What the audit feed (audit-feed.ts) knows about one followed stream: its
 * reader, its seq checks, its witness, and where the next follower starts it
 * (the resume point with the anchor that proves the file's identity, or a
 * rescan of every retained file when a resume cannot be trusted).
 */
import type { AuditRecord, Diagnostic, StreamName, TruncatedDiagnostic } from './diagnostics.js';
import type { FeedPosition } from './feed-position.js';
import type { ResumeAnchor, StartSpec } from './follower-script.js';
import { LineReader } from './line-reader.js';
import { SeqTracker } from './seq-check.js';
import type { WitnessStore } from './witness-store.js';
import type { MirrorStore } from './mirror/mirror-store.js';

/** The one-letter stream ids the follower's frames carry. */
export const STREAM_ID: Record<StreamName, string> = { activity: 'a', receipts: 'r' };

/** Where a stream's reader hands its output (the feed). */
export interface StreamSink {
  readonly wantsCommands: boolean;
  onRecord(st: StreamState, r: AuditRecord): void;
  onTruncated(st: StreamState, d: TruncatedDiagnostic): void;
  emitDiag(d: Diagnostic): void;
}

export class StreamState {
  /** The seq checks (seq-check.ts): baseline, re-read skipping, anomalies. */
  readonly seq: SeqTracker;
  get lastSeq(): number | null {
    return this.seq.last;
  }
  get skipThrough(): number | null {
    return this.seq.skipThrough;
  }
  set skipThrough(v: number | null) {
    this.seq.skipThrough = v;
  }
  readonly reader: LineReader;
  witness: WitnessStore | null = null;
  /** The desktop's copy of this stream's files (mirror/), written from the same frames. */
  mirror: MirrorStore | null = null;
  /** The last line read, in the file being read: proves that file's identity on resume (see follower-script.ts). */
  anchor: (ResumeAnchor & { fileId: string }) | null = null;
  /** The follower was restarted at a resume point: the next record must be lastSeq + 1, or the resume is not trusted. */
  verifyResume = false;
  /** The resume landed in the wrong place: ignore this follower's output, restart reading every retained file. */
  rescan = false;
  constructor(
    readonly name: StreamName,
    readonly path: string,
    readonly initial: StartSpec,
    feed: StreamSink,
    maxLine: number | undefined,
    fromSeq: number | undefined,
  ) {
    this.seq = new SeqTracker(fromSeq);
    this.reader = new LineReader(
      name,
      {
        record: (r) => feed.onRecord(this, r),
        malformed: (d) => void (this.rescan || feed.emitDiag(d)),
        truncated: (d) => feed.onTruncated(this, d),
      },
      { ...(maxLine === undefined ? {} : { maxLine }), commands: feed.wantsCommands },
    );
  }
  /** Resume where a saved position says: the next follower checks its anchor and the seq after it. */
  seedFrom(p: FeedPosition): void {
    this.reader.reset(p.fileId, p.offset);
    this.seq.last = p.lastSeq;
    this.anchor = p.anchor ? { ...p.anchor, fileId: p.fileId } : null;
  }

  position(): FeedPosition | null {
    const p = this.reader.resumePoint;
    if (!p.fileId) return null;
    const a = this.anchor;
    return { fileId: p.fileId, offset: p.offset, anchor: a && a.fileId === p.fileId && a.end <= p.offset ? { start: a.start, end: a.end, sha256: a.sha256 } : null, lastSeq: this.lastSeq };
  }

  /** Where the next follower starts this stream (consumes a pending rescan). */
  nextStart(): StartSpec {
    this.verifyResume = false;
    if (this.rescan) {
      // Re-read every retained file; what was already delivered is skipped by seq, a real hole is a gap.
      this.rescan = false;
      this.skipThrough = this.lastSeq;
      this.reader.reset('', 0);
      this.anchor = null;
      return { kind: 'all' };
    }
    const p = this.reader.resumePoint;
    if (!p.fileId) return this.initial;
    this.verifyResume = true;
    const a = this.anchor;
    const anchor = a && a.fileId === p.fileId && a.end <= p.offset ? { start: a.start, end: a.end, sha256: a.sha256 } : undefined;
    return { kind: 'resume', inode: Number(p.fileId), offset: p.offset, ...(anchor ? { anchor } : {}) };
  }

  /** A data frame at `offset` of file `inode` is next. */
  enterFile(inode: number, offset: number): void {
    // A new file (or the same inode number reused, read from an earlier offset): the old anchor proves nothing.
    if (this.anchor && (this.anchor.fileId !== String(inode) || offset < this.anchor.end)) this.anchor = null;
  }

  /** The file we were in is gone from the retained set: re-read what is retained, skip what was delivered. */
  fileGone(): void {
    this.skipThrough = this.lastSeq;
    this.verifyResume = false;
    this.anchor = null;
    this.reader.reset('', 0);
  }

  /** After a resume, the first record must continue the seq; if it does not (false), this stream is marked for a rescan. */
  resumeContinues(seq: number): boolean {
    if (!this.verifyResume) return true;
    this.verifyResume = false;
    // An inode can be reused by a new file once rotation deletes the old one; a
    // resume that does not continue the seq is not trusted (a real hole shows up
    // again, as a gap, when every retained file is read).
    if (this.lastSeq !== null && this.skipThrough === null && seq !== this.lastSeq + 1) {
      this.rescan = true;
      return false;
    }
    return true;
  }

  /** Keep the anchor on the newest complete line of the file being read. */
  noteLine(fileId: string, start: number, length: number, sha256: string): void {
    this.anchor = { fileId, start, end: start + length, sha256 };
  }
}
