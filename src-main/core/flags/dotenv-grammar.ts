/**
 * The agent's .env grammar: a port of python-dotenv 0.21.0's parser
 * (dotenv/parser.py, Debian's python3-dotenv, the contract's reference),
 * written as a scanner so every statement keeps its exact spans in the text.
 *
 * It works on the decoded text as stored (\r\n and lone \r kept, so spans are
 * byte-exact for the editor) and behaves as python-dotenv does on the text it
 * sees after universal-newline reading: a line break is \r\n, \r or \n and
 * counts as one line; a quoted key or value has its breaks turned into \n.
 *
 * Where python-dotenv is surprising, this file follows it (each is tested
 * against the real thing in tests/core/flags):
 * - `A=#x` and `A= #x` give "#x": a bare value's `#` starts a comment only
 *   after whitespace inside the value, and the spaces after `=` are not inside.
 * - quoted values span lines; an unescaped closing quote ends them, and if
 *   none comes the regex backtracks to the last `\"` (so `A="x\"` is `x\`).
 * - `\\` does not protect a following quote from being read as `\"`.
 * - a statement it cannot parse is skipped up to the end of the line where it
 *   gave up, and parsing resumes on the next line.
 * - `KEY` with no `=` is a binding to None; `export =1` is a parse error.
 */
import { isPyInlineSpace, isPyWhitespace, pyRstrip, universalNewlines } from './py-text.js';

export type Quote = '"' | "'" | '';

/** Why python-dotenv gave up on a statement (it then ignores it and warns). */
export type StatementError = 'no-key' | 'unclosed-key-quote' | 'unclosed-value-quote' | 'text-after-statement';

export interface Span {
  start: number;
  end: number;
}

export interface Statement {
  /** The statement as python-dotenv cuts it (its Original.string): leading blank lines and whitespace included. */
  span: Span;
  /** python-dotenv's Original.line: the 1-based line where `span` starts. */
  line: number;
  /** Where the statement's own text starts (after the leading whitespace), and its line. */
  at: number;
  atLine: number;
  /** The key as python-dotenv reads it; null for comments, trailing whitespace and parse errors. */
  key: string | null;
  /** The key's text in the file, quotes included (so an edit can add `=value` after it). */
  keySpan: Span | null;
  /** The value with escapes decoded, before interpolation; null for `KEY` with no `=` (python's None). */
  value: string | null;
  /** The value's own text: inside the quotes, or the bare value without its inline comment and trailing space. */
  valueSpan: Span | null;
  quote: Quote;
  /**
   * The quoted value has no closing quote of its own: python-dotenv's regex
   * backtracked and ended it at the last escaped quote (`\"` or `\'`), so
   * any quote written later in the file would move its end.
   */
  closedByEscape: boolean;
  /** Set when python-dotenv could not parse the statement; key and value are then null. */
  error: StatementError | null;
  /** Where python-dotenv gave up (for the doubt's line). */
  errorAt: number;
}

const SINGLE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'" };
const DOUBLE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** python-dotenv's decode_escapes: each `\` + a listed character, left to right, never overlapping. */
function decodeEscapes(raw: string, table: Readonly<Record<string, string>>): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    const next = raw[i + 1];
    if (c === '\\' && next !== undefined && Object.hasOwn(table, next)) {
      out += table[next];
      i++;
    } else out += c;
  }
  return out;
}

/**
 * The closing quote of `'((?:\\'|[^'])*)'` (or the double-quoted twin) opened
 * at `open`, or -1. Greedy: `\q` is consumed as an escape, an unescaped `q`
 * closes; at the end of the text the regex backtracks to the last `\q` seen
 * and lets that `q` close the value.
 */
export function closingQuote(text: string, open: number, q: number): number {
  let lastEscaped = -1;
  let i = open + 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x5c && text.charCodeAt(i + 1) === q) {
      lastEscaped = i + 1;
      i += 2;
    } else if (c === q) return i;
    else i++;
  }
  return lastEscaped;
}

/** Length of the line break at `p` (2 for \r\n), 0 when there is none. */
export function breakAt(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (c === 0x0d) return text.charCodeAt(p + 1) === 0x0a ? 2 : 1;
  return c === 0x0a ? 1 : 0;
}

const isBreak = (c: number) => c === 0x0a || c === 0x0d;

function endOfLine(text: string, p: number): number {
  while (p < text.length && !isBreak(text.charCodeAt(p))) p++;
  return p;
}

function skip(text: string, p: number, pred: (c: number) => boolean): number {
  while (p < text.length && pred(text.charCodeAt(p))) p++;
  return p;
}

/** Offsets where lines start; a line break is \r\n, \r or \n. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let p = 0; p < text.length; p++) {
    const b = breakAt(text, p);
    if (b === 0) continue;
    p += b - 1;
    starts.push(p + 1);
  }
  return starts;
}

/** 1-based line of offset `pos`, given lineStarts(text). */
export function lineOf(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

class Failed {
  constructor(
    readonly why: StatementError,
    readonly at: number,
  ) {}
}

/** A statement's key and value as read, before its place in the file is known: where it ended. */
type StatementBody = Pick<Statement, 'key' | 'keySpan' | 'value' | 'valueSpan' | 'quote' | 'closedByEscape'> & { end: number };

/** `export` + inline space, then the key: parse_key. */
function readKey(text: string, p: number): { key: string | null; span: Span | null; end: number } {
  if (text.startsWith('export', p) && isPyInlineSpace(text.charCodeAt(p + 6))) p = skip(text, p + 6, isPyInlineSpace);
  const c = text.charCodeAt(p);
  if (c === 0x23 /* # */) return { key: null, span: null, end: p };
  if (c === 0x27 /* ' */) {
    const close = text.indexOf("'", p + 1);
    if (close <= p + 1) throw new Failed(close < 0 ? 'unclosed-key-quote' : 'no-key', p);
    return { key: universalNewlines(text.slice(p + 1, close)), span: { start: p, end: close + 1 }, end: close + 1 };
  }
  const end = skip(text, p, (k) => k !== 0x3d && k !== 0x23 && !isPyWhitespace(k));
  if (end === p) throw new Failed('no-key', p);
  return { key: text.slice(p, end), span: { start: p, end }, end };
}

/** parse_value, from just after `=` and its inline space. */
function readValue(text: string, p: number): { value: string; span: Span; quote: Quote; closedByEscape: boolean; end: number } {
  const c = text.charCodeAt(p);
  if (c === 0x27 || c === 0x22) {
    const close = closingQuote(text, p, c);
    if (close < 0) throw new Failed('unclosed-value-quote', p);
    const raw = universalNewlines(text.slice(p + 1, close));
    const single = c === 0x27;
    // A real closing quote never follows a backslash (the scan takes `\q` as an escape), a backtracked one always does.
    const closedByEscape = text.charCodeAt(close - 1) === 0x5c;
    return { value: decodeEscapes(raw, single ? SINGLE_ESCAPES : DOUBLE_ESCAPES), span: { start: p + 1, end: close }, quote: single ? "'" : '"', closedByEscape, end: close + 1 };
  }
  const eol = endOfLine(text, p);
  // Bare: the rest of the line, cut where whitespace runs into a `#`, then rstripped.
  let cut = eol;
  for (let i = p; i < eol; i++) {
    if (!isPyWhitespace(text.charCodeAt(i))) continue;
    let run = i;
    while (run < eol && isPyWhitespace(text.charCodeAt(run))) run++;
    if (run < eol && text.charCodeAt(run) === 0x23) {
      cut = i;
      break;
    }
    i = run - 1;
  }
  const value = pyRstrip(text.slice(p, cut));
  return { value, span: { start: p, end: p + value.length }, quote: '', closedByEscape: false, end: eol };
}

function readStatementBody(text: string, p: number): StatementBody {
  const k = readKey(text, p);
  p = skip(text, k.end, isPyInlineSpace);
  let v: ReturnType<typeof readValue> | null = null;
  if (k.key !== null && text.charCodeAt(p) === 0x3d /* = */) {
    p = skip(text, p + 1, isPyInlineSpace);
    v = readValue(text, p);
    p = v.end;
  }
  // An optional inline comment, then nothing but space before the line break or the end.
  const q = skip(text, p, isPyInlineSpace);
  if (text.charCodeAt(q) === 0x23) p = endOfLine(text, q);
  const e = skip(text, p, isPyInlineSpace);
  if (e < text.length && !isBreak(text.charCodeAt(e))) throw new Failed('text-after-statement', p);
  return { key: k.key, keySpan: k.span, value: v?.value ?? null, valueSpan: v?.span ?? null, quote: v?.quote ?? '', closedByEscape: v?.closedByEscape ?? false, end: e + breakAt(text, e) };
}

/** Every statement of the text, in order, covering it exactly (python-dotenv's parse_stream). */
export function parseStatements(text: string, starts: readonly number[] = lineStarts(text)): Statement[] {
  const out: Statement[] = [];
  let pos = 0;
  // Statements are built field by field: an object spread here made parsing some twenty times slower in V8.
  const push = (start: number, at: number, end: number, body: StatementBody | null, error: StatementError | null, errorAt: number) =>
    out.push({
      span: { start, end },
      line: lineOf(starts, start),
      at,
      atLine: lineOf(starts, at),
      key: body?.key ?? null,
      keySpan: body?.keySpan ?? null,
      value: body?.value ?? null,
      valueSpan: body?.valueSpan ?? null,
      quote: body?.quote ?? '',
      closedByEscape: body?.closedByEscape ?? false,
      error,
      errorAt,
    });
  while (pos < text.length) {
    const start = pos;
    const at = skip(text, pos, isPyWhitespace);
    if (at >= text.length) {
      push(start, at, at, null, null, at);
      break;
    }
    try {
      const body = readStatementBody(text, at);
      push(start, at, body.end, body, null, body.end);
      pos = body.end;
    } catch (err) {
      if (!(err instanceof Failed)) throw err;
      // _rest_of_line from where it gave up, its line break included.
      const eol = endOfLine(text, err.at);
      const end = eol + breakAt(text, eol);
      push(start, at, end, null, err.why, err.at);
      pos = end;
    }
  }
  return out;
}
