/**
 * What the audit feed emits besides records. Every diagnostic has a `kind`
 * and never a `seq` key, so a consumer tells the two apart by `"seq" in obj`
 * (records) versus `"kind" in obj` (diagnostics). Seq values a diagnostic is
 * about go under other names (`from`, `to`, `at_seq`, `record_seq`).
 */
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
  reason: 'rewritten' | 'rollback' | 'blocklisted-command-ran';
  stream: StreamName;
  at_seq: number;
  detail: string;
}

export type Diagnostic = GapDiagnostic | MalformedDiagnostic | TruncatedDiagnostic | ConnectionDiagnostic | AlertDiagnostic;

/** A record as the agent wrote it: the exact line bytes and the parsed object. */
export interface AuditRecord {
  stream: StreamName;
  seq: number;
  /** Exact bytes of the line without its newline. */
  bytes: Buffer;
  /** The parsed object, every field kept. */
  value: Record<string, unknown>;
  /** sha256 of `bytes`. */
  hash: Buffer;
  file_id: string;
  offset: number;
}

export type FeedItem = { type: 'record'; record: AuditRecord } | { type: 'diagnostic'; diagnostic: Diagnostic };
