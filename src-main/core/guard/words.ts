/**
 * Shell words as the shell would see them after quote removal, with whatever
 * cannot be known statically kept as markers: a variable or substitution
 * becomes ANY (any text, slashes included), an unquoted glob becomes STAR or
 * QMARK, `~`, `~user`, `$HOME` and `${HOME}` become HOME. A word with no
 * marker is a literal. Rules match these patterns against the paths they
 * protect, so `r''m`, `\rm`, `"$HOME"/` and `/{usr,etc}` all read as what
 * they are.
 */
import type { Node } from 'web-tree-sitter';

export const ANY = '\uE000';
export const STAR = '\uE001';
export const QMARK = '\uE002';
export const HOME = '\uE003';
const MARKERS = /[\uE000-\uE003]/;

export interface Word {
  /** The source text, for display. */
  text: string;
  /** The value after quote removal, with markers for the unknown parts. */
  value: string;
  /** The value when it holds no marker, else null. */
  literal: string | null;
  /** Holds an unquoted expansion, so it may split into several words (even options). */
  splits: boolean;
  /** The word is a process substitution `<(...)`. */
  procSub: boolean;
}

export const hasMarker = (s: string) => MARKERS.test(s);

export function makeWord(text: string, value: string, splits = false, procSub = false): Word {
  return { text, value, literal: hasMarker(value) ? null : value, splits, procSub };
}

/** A word for text we know (from a wrapper's split or a literal string). */
export const literalWord = (s: string): Word => makeWord(s, s);
/** A word whose value is unknown (xargs input, a substitution). */
export const unknownWord = (text: string): Word => ({ text, value: ANY, literal: null, splits: false, procSub: false });

const SPLITTING = new Set(['simple_expansion', 'expansion', 'command_substitution', 'arithmetic_expansion']);

export function wordOf(node: Node): Word {
  const parts = node.type === 'concatenation' ? node.children : [node];
  const splits = parts.some((p) => SPLITTING.has(p.type));
  return makeWord(node.text, valueOf(node, true), splits, node.type === 'process_substitution');
}

function valueOf(node: Node, first: boolean): string {
  switch (node.type) {
    case 'word':
    case 'command_name':
      if (node.type === 'command_name') {
        const child = node.namedChildren[0];
        return child ? valueOf(child, first) : ANY;
      }
      return unquotedWord(node.text, first);
    case 'number':
      return node.text;
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'ansi_c_string':
      return decodeAnsiC(node.text.slice(2, -1));
    case 'string':
    case 'translated_string':
      return doubleQuoted(node);
    case 'concatenation': {
      // tree-sitter splits `/[a-z]*` and `/{usr,etc}` into several words:
      // glue adjacent unquoted words back together before reading globs and braces.
      let out = '';
      let raw = '';
      let rawFirst = false;
      node.children.forEach((c, i) => {
        if (c.type === 'word') {
          if (raw === '') rawFirst = first && i === 0;
          raw += c.text;
          return;
        }
        if (raw !== '') out += unquotedWord(raw, rawFirst);
        raw = '';
        out += valueOf(c, first && i === 0);
      });
      if (raw !== '') out += unquotedWord(raw, rawFirst);
      return out;
    }
    case 'simple_expansion':
    case 'expansion':
      return node.text === '$HOME' || node.text === '${HOME}' ? HOME : ANY;
    default:
      // Substitutions, arithmetic, and anything this file does not know: unknown.
      return ANY;
  }
}

function doubleQuoted(node: Node): string {
  let out = '';
  for (const c of node.children) {
    if (c.type === '"' || c.type === '$"') continue;
    if (c.type === 'string_content') out += unescapeDouble(c.text);
    else if (c.type === 'string') out += doubleQuoted(c);
    else if (c.type === 'simple_expansion' || c.type === 'expansion') out += valueOf(c, false);
    else if (c.isNamed) out += ANY;
    else out += c.text;
  }
  return out;
}

function unescapeDouble(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const next = s[i + 1];
    if (ch === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
      if (next !== '\n') out += next;
      i++;
    } else out += ch;
  }
  return out;
}

/** An unquoted word: backslash escapes, globs, brace lists and a leading tilde. */
function unquotedWord(s: string, first: boolean): string {
  let out = '';
  let i = 0;
  if (first && s.startsWith('~')) {
    i = 1;
    while (i < s.length && /[A-Za-z0-9._-]/.test(s[i]!)) i++;
    out += HOME;
  }
  for (; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\') {
      const next = s[i + 1];
      if (next === undefined) break;
      if (next !== '\n') out += next;
      i++;
    } else if (ch === '*') out += STAR;
    else if (ch === '?') out += QMARK;
    else if (ch === '[') {
      const close = s.indexOf(']', i + 2);
      if (close === -1) out += ch;
      else {
        out += QMARK;
        i = close;
      }
    } else if (ch === '{') {
      const close = s.indexOf('}', i + 1);
      const inner = close === -1 ? '' : s.slice(i + 1, close);
      if (inner.includes(',') || inner.includes('..')) {
        // Brace expansion: any of the alternatives, so any text.
        out += ANY;
        i = close;
      } else out += ch;
    } else out += ch;
  }
  return out;
}

/** Bash's $'...' escapes; an escape this does not know makes the word unknown. */
export function decodeAnsiC(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const n = s[i + 1];
    if (n === undefined) return out + ANY;
    i++;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
    if (n in simple) out += simple[n];
    else if (n === 'x' || n === 'u' || n === 'U') {
      const max = n === 'x' ? 2 : n === 'u' ? 4 : 8;
      let j = 0;
      while (j < max && /[0-9a-fA-F]/.test(s[i + 1 + j] ?? '')) j++;
      if (j === 0) return out + ANY;
      const cp = Number.parseInt(s.slice(i + 1, i + 1 + j), 16);
      if (cp > 0x10ffff) return out + ANY;
      out += String.fromCodePoint(cp);
      i += j;
    } else if (/[0-7]/.test(n)) {
      let j = 1;
      while (j < 3 && /[0-7]/.test(s[i + j] ?? '')) j++;
      out += String.fromCharCode(Number.parseInt(s.slice(i, i + j), 8) & 0xff);
      i += j - 1;
    } else if (n === 'c') {
      const c = s[i + 1];
      if (c === undefined) return out + ANY;
      out += String.fromCharCode(c.charCodeAt(0) & 0x1f);
      i++;
    } else out += `\\${n}`;
  }
  return out;
}
