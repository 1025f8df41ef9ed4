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

/** A heredoc opened at `i`: its body (the lines after the opening line, up to the tag) and where that body ends. */
export function heredoc(src: string, i: number, lang: Lang): { value: string; lit: boolean; end: number; bodyFrom: number; bodyTo: number } | null {
  const m = (lang === 'php' ? /^<<<[ \t]*(["']?)([A-Za-z_]\w*)\1/ : /^<<([~-]?)(["']?)([A-Za-z_]\w*)\2/).exec(src.slice(i, i + 200));
  if (!m) return null;
  const tag = lang === 'php' ? m[2]! : m[3]!;
  const quote = lang === 'php' ? m[1]! : m[2]!;
  const bodyFrom = src.indexOf('\n', i);
  if (bodyFrom === -1) return null;
  let k = bodyFrom + 1;
  const body: string[] = [];
  while (k <= src.length) {
    const j = src.indexOf('\n', k);
    const line = src.slice(k, j === -1 ? src.length : j);
    const end = j === -1 ? src.length : j;
    if (line.trim() === tag || line.trim() === `${tag};`) {
      const value = body.join('\n');
      const lit = quote === "'" || !/[$@#{]/.test(value);
      const shown = lit ? value : value.replace(/[$@]\{?[A-Za-z_][\w:]*\}?|#\{[^}]*\}/g, ANY);
      return { value: shown, lit, end: i + m[0].length, bodyFrom, bodyTo: end };
    }
    body.push(line);
    if (j === -1) break;
    k = j + 1;
  }
  return null;
}
