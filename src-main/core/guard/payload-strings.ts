/**
 * The string-level pieces of the payload lexer: escapes, interpolations
 * (`$x`, `#{x}`, `${x}`, `{x}`) and heredoc bodies. Each reads forward from
 * an index and never backs up, so the lexer stays linear.
 */
import type { Lang } from './payload-lexer.js';
import { ANY } from './words.js';

/** Which interpolation a quoted string has (null: none). */
export type Interp = 'perl' | 'ruby' | 'php' | 'js' | 'pyf' | null;

export const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

/** One escape after a backslash at `at - 1`; `advance` moves past any extra characters it used. */
export function unescape(src: string, at: number, advance: (k: number) => void): string {
  const e = src[at]!;
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b' };
  if (e in simple) return simple[e]!;
  const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hex) {
    const m = new RegExp(`^[0-9a-fA-F]{1,${hex}}`).exec(src.slice(at + 1, at + 1 + hex));
    if (m) {
      advance(at + m[0].length - 1);
      const cp = Number.parseInt(m[0], 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : ANY;
    }
  }
  return e;
}

/** The end of an interpolation starting at `k`, or -1 when none starts there. */
export function interpolation(src: string, k: number, kind: Exclude<Interp, null>): number {
  const c = src[k];
  const next = src[k + 1] ?? '';
  if (kind === 'js') return c === '$' && next === '{' ? balanced(src, k + 1) : -1;
  if (kind === 'pyf') return c === '{' && next !== '{' ? balanced(src, k) : -1;
  if (kind === 'ruby') {
    if (c !== '#') return -1;
    if (next === '{') return balanced(src, k + 1);
    if (next === '@' || next === '$') return wordEnd(src, k + 2);
    return -1;
  }
  // perl and php: $name, ${...}, @name, {$...} with subscripts.
  if (kind === 'php' && c === '{' && next === '$') return balanced(src, k);
  const sigil = c === '$' || (kind === 'perl' && c === '@');
  if (!sigil || !/[A-Za-z_{:]/.test(next)) return -1;
  let j = next === '{' ? balanced(src, k + 1) : wordEnd(src, k + 1);
  for (;;) {
    if (src[j] === '[' || (kind === 'perl' && src[j] === '{')) j = balanced(src, j);
    else if (src.startsWith('->', j) && /[[{A-Za-z_]/.test(src[j + 2] ?? '')) j = src[j + 2] === '[' || src[j + 2] === '{' ? balanced(src, j + 2) : wordEnd(src, j + 2);
    else return j;
  }
}

function wordEnd(src: string, k: number): number {
  let j = k;
  while (j < src.length && /[A-Za-z0-9_:]/.test(src[j]!)) j++;
  return j;
}

/** Past the bracket matching the one at `k` (or the end of text). */
function balanced(src: string, k: number): number {
  const open = src[k]!;
  const close = PAIRS[open] ?? open;
  let depth = 0;
  for (let j = k; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (src[j] === open) depth++;
    else if (src[j] === close && --depth === 0) return j + 1;
  }
  return src.length;
}

/** A heredoc: its body (the lines after the opening line, up to the tag), where that body starts and ends, and where the opener ends. */
export interface Heredoc {
  value: string;
  lit: boolean;
  end: number;
  bodyFrom: number;
  bodyTo: number;
}

/** Tags are short; longer lines are not indexed. */
const MAX_TAG = 64;

/**
 * Heredocs of one payload, found in linear time: the lines are indexed once
 * (trimmed text to where each starts), so finding a terminator is a lookup,
 * and an unterminated `<<A` costs nothing more however many there are.
 */
export function heredocReader(src: string, lang: Lang): (i: number) => Heredoc | null {
  let lines: Map<string, number[]> | null = null;
  let nl = -1;
  const index = (): Map<string, number[]> => {
    const map = new Map<string, number[]>();
    for (let k = 0; k <= src.length;) {
      const j = src.indexOf('\n', k);
      const end = j === -1 ? src.length : j;
      if (end - k <= MAX_TAG + 8) {
        const t = src.slice(k, end).trim();
        const at = map.get(t);
        if (at) at.push(k);
        else map.set(t, [k]);
      }
      if (j === -1) break;
      k = j + 1;
    }
    return map;
  };
  /** The first line start after `from` among `starts` (ascending), or -1. */
  const after = (starts: number[] | undefined, from: number): number => {
    if (!starts) return -1;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! > from) hi = mid;
      else lo = mid + 1;
    }
    return lo < starts.length ? starts[lo]! : -1;
  };
  return (i) => {
    const m = (lang === 'php' ? /^<<<[ \t]*(["']?)([A-Za-z_]\w*)\1/ : /^<<([~-]?)(["']?)([A-Za-z_]\w*)\2/).exec(src.slice(i, i + 200));
    if (!m) return null;
    const tag = lang === 'php' ? m[2]! : m[3]!;
    const quote = lang === 'php' ? m[1]! : m[2]!;
    if (nl < i) nl = src.indexOf('\n', i);
    const bodyFrom = nl;
    if (bodyFrom === -1) {
      nl = src.length;
      return null;
    }
    if (bodyFrom >= src.length) return null;
    lines ??= index();
    const a = after(lines.get(tag), bodyFrom);
    const b = after(lines.get(`${tag};`), bodyFrom);
    const start = a === -1 ? b : b === -1 ? a : Math.min(a, b);
    if (start === -1) return null;
    const value = src.slice(bodyFrom + 1, Math.max(bodyFrom + 1, start - 1));
    const j = src.indexOf('\n', start);
    const lit = quote === "'" || !/[$@#{]/.test(value);
    const shown = lit ? value : value.replace(/[$@]\{?[A-Za-z_][\w:]*\}?|#\{[^}]*\}/g, ANY);
    return { value: shown, lit, end: i + m[0].length, bodyFrom, bodyTo: j === -1 ? src.length : j };
  };
}
