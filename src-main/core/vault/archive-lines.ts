/**
 * Line-level access to `<jarvisHome>/conversation_archive.jsonl` without
 * holding the file in memory: chunked reads through the Droplet, and the
 * `enc` token located by byte offsets so a rewrite changes only the token's
 * bytes (other fields keep their exact bytes, spacing and even invalid UTF-8).
 *
 * Every file read here is a control-plane file or our own copy of one: it is
 * opened once through Droplet.openRegular (a link, FIFO or device is refused,
 * exit 3) and read by that handle, so a link swapped in later is not followed.
 */
import type { Droplet, RegularFile } from '../droplet/droplet.js';

export const CHUNK = 1024 * 1024;
const NL = 0x0a;

export interface ArchiveLine {
  /** The line without its newline. */
  line: Buffer;
  /** 1-based line number. */
  lineNo: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** True for a last line with no newline yet (torn, or being written). */
  torn: boolean;
  /** Set (to the line's length) when the line exceeded maxLine and was not kept. */
  oversized?: number;
}

/**
 * Whole lines of [start, end) (end defaults to the size at the time of the
 * call). With `maxLine`, a longer line is not held in memory: it comes back
 * empty with `oversized` set to its length, so memory stays bounded.
 */
export async function* readLines(droplet: Droplet, path: string, opts: { start?: number; end?: number; chunk?: number; firstLineNo?: number; maxLine?: number } = {}): AsyncGenerator<ArchiveLine> {
  const file = await droplet.openRegular(path, 'read');
  if (!file) return;
  try {
    yield* linesOf(file, opts);
  } finally {
    await file.close();
  }
}

async function* linesOf(file: RegularFile, opts: { start?: number; end?: number; chunk?: number; firstLineNo?: number; maxLine?: number }): AsyncGenerator<ArchiveLine> {
  const end = opts.end ?? file.stat.size;
  const chunk = opts.chunk ?? CHUNK;
  const maxLine = opts.maxLine ?? Number.POSITIVE_INFINITY;
  let pos = opts.start ?? 0;
  let lineNo = opts.firstLineNo ?? 1;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let dropped = 0;
  let pendingStart = pos;
  const take = (piece: Buffer, torn: boolean): ArchiveLine => {
    const len = dropped + pendingLen + piece.length;
    const over = len > maxLine;
    const line = over ? Buffer.alloc(0) : pendingLen ? Buffer.concat([...pending, piece]) : piece;
    const out: ArchiveLine = { line, lineNo: lineNo++, offset: pendingStart, torn, ...(over ? { oversized: len } : {}) };
    pending = [];
    pendingLen = 0;
    dropped = 0;
    return out;
  };
  while (pos < end) {
    const buf = await file.read(pos, Math.min(end, pos + chunk) - pos);
    if (buf.length === 0) break;
    let from = 0;
    for (let nl = buf.indexOf(NL); nl !== -1; nl = buf.indexOf(NL, from)) {
      yield take(buf.subarray(from, nl), false);
      from = nl + 1;
      pendingStart = pos + from;
    }
    if (from < buf.length) {
      const rest = buf.subarray(from);
      if (dropped + pendingLen + rest.length > maxLine) {
        dropped += pendingLen + rest.length;
        pending = [];
        pendingLen = 0;
      } else {
        pending.push(rest);
        pendingLen += rest.length;
      }
    }
    pos += buf.length;
  }
  if (pendingLen || dropped) yield take(Buffer.alloc(0), true);
}

export interface EncSpan {
  token: string;
  /** Byte range of the token inside the line (between its quotes). */
  start: number;
  end: number;
}

const ENC_RE = /"enc"\s*:\s*"([A-Za-z0-9_=-]*)"/;

/**
 * The record's `enc` token and where it sits. null when the line is not a
 * JSON object with a string `enc` (such lines are copied through untouched).
 * The byte offsets come from a latin1 view (one char per byte); the match is
 * confirmed against the parsed JSON so a look-alike inside another string
 * can never be taken for the token.
 */
export function findEnc(line: Buffer): EncSpan | null {
  if (line.indexOf('"enc"') === -1) return null;
  const view = line.toString('latin1');
  const re = new RegExp(ENC_RE.source, 'g');
  const matches = [...view.matchAll(re)];
  // One unescaped `"enc": "..."` in a line that looks like an object can only
  // be the record's own field (a quote inside a JSON string is escaped), so
  // the common case skips JSON.parse. Anything else is settled by parsing.
  if (matches.length === 1 && view.charCodeAt(0) === 0x7b && view.trimEnd().endsWith('}')) return spanOf(matches[0]!);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.toString('utf8'));
  } catch {
    return null; // not a record: no token in it to re-encrypt, and the line is kept exactly as it was
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { enc?: unknown }).enc !== 'string') return null;
  const enc = (parsed as { enc: string }).enc;
  // JSON.parse keeps the last duplicate key, so the last matching spelling is the one.
  for (let i = matches.length - 1; i >= 0; i--) if (matches[i]![1] === enc) return spanOf(matches[i]!);
  // Escaped or otherwise unusual spelling: the token is still the parsed value.
  return { token: enc, start: -1, end: -1 };
}

function spanOf(m: RegExpMatchArray): EncSpan {
  const token = m[1]!;
  const start = m.index! + m[0].length - 1 - token.length;
  return { token, start, end: start + token.length };
}

/** The line with its token replaced; only the token's bytes change when they can be located. */
export function replaceEnc(line: Buffer, span: EncSpan, token: string): Buffer {
  if (span.start >= 0) return Buffer.concat([line.subarray(0, span.start), Buffer.from(token, 'latin1'), line.subarray(span.end)]);
  const parsed = JSON.parse(line.toString('utf8')) as Record<string, unknown>;
  parsed.enc = token;
  return Buffer.from(JSON.stringify(parsed), 'utf8');
}
