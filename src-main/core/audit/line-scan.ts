/**
 * The per-line work of the audit reader, as one pure function over a run of
 * complete lines: find each line, validate it (UTF-8, JSON, an object with an
 * integer `seq`), hash it, and optionally pull out its shell command for the
 * second line. It runs on the main thread for small chunks (the live tail)
 * and in scan workers for the backlog (scan-pool.ts), so its result is plain
 * typed arrays and strings that cross a thread boundary cheaply.
 *
 * Hashes (workers only) come out as hex strings: node's one-shot `hash()`
 * returning a string costs less than half of one returning a Buffer
 * (measured: 0.62 against 1.61 µs for a 340-byte line), and hex is what the
 * witness and the views want anyway.
 */
import { isUtf8 } from 'node:buffer';
import { hash as sha256once } from 'node:crypto';
import type { MalformedDiagnostic } from './diagnostics.js';
import { commandOf } from './shell-command.js';

export const KIND_RECORD = 0;
export const KIND_OVERLONG = 1;
/** Kinds from 2 up are malformed lines; their reasons, by kind. */
export const MALFORMED_REASONS: ReadonlyArray<MalformedDiagnostic['reason']> = ['invalid-utf8', 'invalid-json', 'not-an-object', 'no-seq'];
const KIND_MALFORMED = 2;

export interface ScanOptions {
  maxLine: number;
  /**
   * On the main thread (the live tail): keep the parsed objects (they do not
   * cross threads cheaply) and leave the records' hashes to be computed after
   * delivery (AuditRecord.sha256), off the latency path. Workers hash.
   */
  keepValues: boolean;
  /** Extract shell commands of successful host_exec/docker_cmd records. */
  commands: boolean;
}

export interface ScanResult {
  /** Non-blank lines found, in order. */
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  kinds: Uint8Array;
  /** The record's seq (records, and overlong lines whose head names one: else NaN). */
  seqs: Float64Array;
  /** 64 hex characters per line (zeros for malformed lines), or '' when only overlong lines were hashed (keepValues). */
  hashes: string;
  /** sha256 (hex) of overlong lines, by line index, when `hashes` is ''. */
  overlongHashes: Map<number, string> | null;
  values: Array<Record<string, unknown> | undefined> | null;
  /** [line index, command] for successful shell calls, when asked. */
  commands: Array<[number, string]>;
}

const ZERO_HASH = '0'.repeat(64);
const SEQ_IN_HEAD = /"seq"\s*:\s*(\d{1,16})\s*[,}]/;

/** The seq an overlong line's first bytes name, or NaN. */
export function seqInHead(head: string): number {
  const m = SEQ_IN_HEAD.exec(head.slice(0, 4096));
  return m ? Number(m[1]) : Number.NaN;
}

/** Scan the complete lines in data[from, to), `to` being the last newline (lines are separated by \n). */
export function scanLines(data: Uint8Array, from: number, to: number, opts: ScanOptions): ScanResult {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // Upper bound on lines: cheap to over-allocate, then trimmed by count.
  let cap = 1;
  for (let p = buf.indexOf(10, from); p >= 0 && p < to; p = buf.indexOf(10, p + 1)) cap++;
  const starts = new Int32Array(cap);
  const ends = new Int32Array(cap);
  const kinds = new Uint8Array(cap);
  const seqs = new Float64Array(cap);
  const hashes: string[] = [];
  const values = opts.keepValues ? new Array<Record<string, unknown> | undefined>(cap) : null;
  const overlongHashes = values ? new Map<number, string>() : null;
  const commands: Array<[number, string]> = [];
  const region = buf.subarray(from, to);
  // One native UTF-8 check and decode for the whole run; per line only on failure.
  const texts = isUtf8(region) ? region.toString('utf8').split('\n') : null;
  let n = 0;
  let start = from;
  for (let i = 0; start <= to; i++) {
    let end = buf.indexOf(10, start);
    if (end < 0 || end > to) end = to;
    const lineStart = start;
    start = end + 1;
    if (end === lineStart) continue; // blank lines carry nothing; skipped, not counted
    starts[n] = lineStart;
    ends[n] = end;
    const bytes = buf.subarray(lineStart, end);
    if (bytes.length > opts.maxLine) {
      kinds[n] = KIND_OVERLONG;
      seqs[n] = seqInHead(bytes.toString('utf8', 0, Math.min(bytes.length, 4096)));
      if (overlongHashes) overlongHashes.set(n, sha256once('sha256', bytes, 'hex'));
      else hashes.push(sha256once('sha256', bytes, 'hex'));
      n++;
      continue;
    }
    let text = texts ? (texts[i] as string) : null;
    if (text === null && isUtf8(bytes)) text = bytes.toString('utf8');
    const kind = text === null ? 0 : classify(text); // 0: invalid-utf8
    if (typeof kind === 'number') {
      kinds[n] = KIND_MALFORMED + kind;
      seqs[n] = Number.NaN;
      if (!values) hashes.push(ZERO_HASH);
      n++;
      continue;
    }
    kinds[n] = KIND_RECORD;
    seqs[n] = kind.seq as number;
    if (values) values[n] = kind;
    else hashes.push(sha256once('sha256', bytes, 'hex'));
    if (opts.commands) {
      const cmd = commandOf(kind);
      if (cmd !== null) commands.push([n, cmd]);
    }
    n++;
  }
  return { count: n, starts, ends, kinds, seqs, hashes: hashes.join(''), overlongHashes, values, commands };
}

/** The parsed record, or the index of its malformed reason in MALFORMED_REASONS (the text is valid UTF-8). */
function classify(text: string): Record<string, unknown> | number {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 1; // invalid-json (raw control characters land here too)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 2;
  const seq = (value as { seq?: unknown }).seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) return 3;
  return value as Record<string, unknown>;
}
