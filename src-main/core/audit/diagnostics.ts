/**
 * What the audit feed emits besides records. Every diagnostic has a `kind`
 * and never a `seq` key, so a consumer tells the two apart by `"seq" in obj`
 * (records) versus `"kind" in obj` (diagnostics). Seq values a diagnostic is
 * about go under other names (`from`, `to`, `at_seq`, `record_seq`).
 */
import { hash as sha256once } from 'node:crypto';

export type StreamName = 'activity' | 'receipts';

export interface GapDiagnostic {
  kind: 'gap';
  stream: StreamName;
  /** First and last missing seq, inclusive. */
  from: number;
  to: number;
  missing: number;
}

export interface MalformedDiagnostic {
  kind: 'malformed';
  stream: StreamName;
  reason: 'invalid-utf8' | 'invalid-json' | 'not-an-object' | 'no-seq' | 'torn-at-rotation';
  file_id: string;
  offset: number;
  length: number;
  /** Running count of malformed lines in this feed. */
  count: number;
  /** The line's first bytes as JSON-escaped text (invalid UTF-8 shown as U+FFFD). */
  preview: string;
}

export interface TruncatedDiagnostic {
  kind: 'truncated';
  stream: StreamName;
  /** The record's seq read from its first bytes, when it could be. */
  record_seq: number | null;
  file_id: string;
  offset: number;
  /** Full length of the line in bytes. */
  length: number;
  /** sha256 of the whole line, as the witness keeps it. */
  sha256: string;
  /** The first bytes of the line (up to the head limit), as text. */
  head: string;
  marker: '[truncated]';
  fetch: string;
}

export interface ConnectionDiagnostic {
  kind: 'connection';
  state: 'lost' | 'resumed' | 'file-gone' | 'file-truncated' | 'resume-mismatch';
  stream?: StreamName;
  detail: string;
}

export interface AlertDiagnostic {
  kind: 'alert';
  severity: 'critical' | 'warning';
  /** `not-regular-file`: a log file is a link, FIFO, ... (never read); `at_seq` is then the last seq read on the stream, `path` and `file_type` say which and what. */
  reason: 'rewritten' | 'rollback' | 'blocklisted-command-ran' | 'not-regular-file';
  stream: StreamName;
  at_seq: number;
  detail: string;
  path?: string;
  file_type?: string;
}

/**
 * A marker the session puts into the live feed, beside the records it is
 * about: a control-plane change no receipt explains, hold-pause's revert, or a
 * destructive call that ran while the droplet was held paused.
 */
export interface ControlDiagnostic {
  kind: 'control';
  severity: 'critical' | 'warning' | 'info';
  event: 'tampered' | 'reverted' | 'revert-failed' | 'destructive-while-paused';
  /** Control-plane entry id (`env`, `breaker`, ...), or null. */
  file: string | null;
  key: string | null;
  at: string;
  detail: string;
}

export type Diagnostic = GapDiagnostic | MalformedDiagnostic | TruncatedDiagnostic | ConnectionDiagnostic | AlertDiagnostic | ControlDiagnostic;

/**
 * A record as the agent wrote it: the exact line bytes, their sha256, and the
 * parsed object. The object is parsed on first use of `value` unless the
 * reader already had it: a backlog validated in a worker thread never needs
 * a second parse on the main thread when the consumer only wants the bytes.
 */
export class AuditRecord {
  #value: Record<string, unknown> | undefined;
  #sha256: string | undefined;
  constructor(
    readonly stream: StreamName,
    readonly seq: number,
    /** Exact bytes of the line without its newline. */
    readonly bytes: Buffer,
    sha256: string | undefined,
    readonly file_id: string,
    readonly offset: number,
    value?: Record<string, unknown>,
    /** The shell command of a successful host_exec/docker_cmd call, when the reader was asked for it (second line). */
    readonly shellCommand: string | null = null,
  ) {
    this.#sha256 = sha256;
    this.#value = value;
  }

  /** sha256 of `bytes`, hex (computed on first use for a live record: the feed hashes it right after delivery). */
  get sha256(): string {
    return (this.#sha256 ??= sha256once('sha256', this.bytes, 'hex'));
  }

  /** The parsed object, every field kept. */
  get value(): Record<string, unknown> {
    return (this.#value ??= JSON.parse(this.bytes.toString('utf8')) as Record<string, unknown>);
  }

  /** A copy that owns its bytes, for a consumer that keeps the record past the callback (the bytes are a view of the transport's chunk). */
  detached(): AuditRecord {
    return new AuditRecord(this.stream, this.seq, Buffer.from(this.bytes), this.sha256, this.file_id, this.offset, this.#value, this.shellCommand);
  }
}

export type FeedItem = { type: 'record'; record: AuditRecord } | { type: 'diagnostic'; diagnostic: Diagnostic };
