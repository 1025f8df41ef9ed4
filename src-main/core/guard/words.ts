/**
 * Shell words as the shell would see them after quote removal, with whatever
 * cannot be known statically kept as markers: a variable or substitution
 * becomes ANY (any text, slashes included), an unquoted glob becomes STAR or
 * QMARK, `~`, `~user`, `$HOME` and `${HOME}` become HOME. A word with no
 * marker is a literal. Rules match these patterns against the paths they
 * protect, so `r''m`, `\rm`, `"$HOME"/` and `/{usr,etc}` all read as what
 * they are.
 *
 * A variable the script itself assigned (`F=/opt/jarvis/.env; : > $F`) reads
 * as the values it may hold at that point (see shell-state.ts): a word then
 * has several possible values, and a rule refuses when any of them matches.
 */
import type { Node } from 'web-tree-sitter';

export const ANY = '\uE000';
export const STAR = '\uE001';
export const QMARK = '\uE002';
export const HOME = '\uE003';
const MARKERS = /[\uE000-\uE003]/;
/** More possible values than this for one word and the check gives up (refuses). */
export const MAX_VALUES = 32;

export interface Word {
  /** The source text, for display. */
  text: string;
  /** The value after quote removal, with markers for the unknown parts (the first of `values`). */
  value: string;
  /** Every value the word may take (at least one). */
  values: string[];
  /** The value when it is a single one with no marker, else null. */
  literal: string | null;
  /** Holds an unquoted expansion, so it may split into several words (even options). */
  splits: boolean;
  /** The word is a process substitution `<(...)`. */
  procSub: boolean;
  /** It could take more than MAX_VALUES values: the caller refuses. */
  overflow?: boolean;
}

/** What the script assigned so far: the possible values of a variable, or null when unknown. */
export interface WordEnv {
  variable(name: string): readonly string[] | null;
}

export const hasMarker = (s: string) => MARKERS.test(s);

export function makeWord(text: string, value: string | string[], splits = false, procSub = false): Word {
  const values = typeof value === 'string' ? [value] : value.length ? value : [ANY];
  const literal = values.length === 1 && !hasMarker(values[0]!) ? values[0]! : null;
  return { text, value: values[0]!, values, literal, splits, procSub };
}

/** A word for text we know (from a wrapper's split or a literal string). */
export const literalWord = (s: string): Word => makeWord(s, s);
/** A word whose value is unknown (xargs input, a substitution). */
export const unknownWord = (text: string): Word => makeWord(text, ANY);

const SPLITTING = new Set(['simple_expansion', 'expansion', 'command_substitution', 'arithmetic_expansion']);
const NO_ENV: WordEnv = { variable: (name) => (name === 'HOME' ? [HOME] : null) };

/** Evaluation of one word: alternatives multiply across its parts, up to MAX_VALUES. */
class Values {
  overflow = false;
  constructor(readonly env: WordEnv) {}

  cross(a: string[], b: string[]): string[] {
    if (b.length === 1) return a.map((x) => x + b[0]);
    const out: string[] = [];
    for (const x of a) for (const y of b) out.push(x + y);
    return this.cap(out);
  }

  cap(v: string[]): string[] {
    const uniq = [...new Set(v)];
    if (uniq.length <= MAX_VALUES) return uniq;
    this.overflow = true;
    return uniq.slice(0, MAX_VALUES);
  }
}

export function wordOf(node: Node, env: WordEnv = NO_ENV): Word {
  const parts = node.type === 'concatenation' ? node.children : [node];
  const splits = parts.some((p) => SPLITTING.has(p.type));
  const ev = new Values(env);
  const w = makeWord(node.text, valueOf(node, true, ev), splits, node.type === 'process_substitution');
  if (ev.overflow) w.overflow = true;
  return w;
}

function valueOf(node: Node, first: boolean, ev: Values): string[] {
  switch (node.type) {
    case 'word':
      return unquotedWord(node.text, first, ev);
    case 'command_name': {
      const child = node.namedChildren[0];
      return child ? valueOf(child, first, ev) : [ANY];
    }
    case 'number':
      return [node.text];
    case 'raw_string':
      return [node.text.slice(1, -1)];
    case 'ansi_c_string':
      return [decodeAnsiC(node.text.slice(2, -1))];
    case 'string':
    case 'translated_string':
      return doubleQuoted(node, ev);
    case 'concatenation': {
      // tree-sitter splits `/[a-z]*` and `/{usr,etc}` into several words:
      // glue adjacent unquoted words back together before reading globs and braces.
      let out = [''];
      let raw = '';
      let rawFirst = false;
      node.children.forEach((c, i) => {
        if (c.type === 'word') {
          if (raw === '') rawFirst = first && i === 0;
          raw += c.text;
          return;
        }
        if (raw !== '') out = ev.cross(out, unquotedWord(raw, rawFirst, ev));
        raw = '';
        out = ev.cross(out, valueOf(c, first && i === 0, ev));
      });
      if (raw !== '') out = ev.cross(out, unquotedWord(raw, rawFirst, ev));
      return out;
    }
    case 'simple_expansion':
    case 'expansion':
      return expansion(node, ev, false);
    default:
      // Substitutions, arithmetic, and anything this file does not know: unknown.
      return [ANY];
  }
}

/**
 * `$NAME`, `${NAME}`: what the script assigned, else unknown. `${NAME:-word}`
 * and `${NAME:=word}` may also be the word, `${NAME:+word}` the word or
 * nothing; any other operator is unknown.
 */
function expansion(node: Node, ev: Values, quoted: boolean): string[] {
  const m = /^\$(?:([A-Za-z_][A-Za-z0-9_]*|[0-9@*])|\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])(?:(:?[-=+])([^$`"'\\{}]*))?\})$/.exec(node.text);
  if (!m) return [ANY];
  const name = (m[1] ?? m[2])!;
  const known = ev.env.variable(name);
  let values: string[] = known && known.length ? [...known] : [ANY];
  const op = m[3];
  const raw = m[4] ?? '';
  // The word gets tilde expansion, like any word.
  const words = raw === '~' || raw.startsWith('~/') ? (ev.env.variable('HOME') ?? [HOME]).map((h) => h + raw.slice(1)) : [raw];
  if (op === '+' || op === ':+') values = ['', ...words];
  else if (op) values = [...(known && known.length ? known : [ANY]), ...words];
  // Unquoted, the value is split on blanks (it could become options) and globbed.
  return quoted ? ev.cap(values) : ev.cap(values.map(globbed));
}

/** An unquoted expansion's value: blanks make it unknown (word splitting), glob characters become markers. */
function globbed(v: string): string {
  if (/[\s]/.test(v)) return ANY;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i]!;
    if (ch === '*') out += STAR;
    else if (ch === '?') out += QMARK;
    else if (ch === '[' && v.indexOf(']', i + 2) !== -1) {
      out += QMARK;
      i = v.indexOf(']', i + 2);
    } else out += ch;
  }
  return out;
}

function doubleQuoted(node: Node, ev: Values): string[] {
  let out = [''];
  const add = (v: string[]) => (out = ev.cross(out, v));
  for (const c of node.children) {
    if (c.type === '"' || c.type === '$"') continue;
    if (c.type === 'string_content') add([unescapeDouble(c.text)]);
    else if (c.type === 'string') add(doubleQuoted(c, ev));
    else if (c.type === 'simple_expansion' || c.type === 'expansion') add(expansion(c, ev, true));
    else if (c.isNamed) add([ANY]);
    else add([c.text]);
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
function unquotedWord(s: string, first: boolean, ev: Values): string[] {
  let out = '';
  let i = 0;
  let prefix: string[] = [''];
  if (first && s.startsWith('~')) {
    i = 1;
    while (i < s.length && /[A-Za-z0-9._-]/.test(s[i]!)) i++;
    // `~` is $HOME (which the script may have changed); `~user` is another home.
    prefix = i === 1 ? [...(ev.env.variable('HOME') ?? [HOME])] : [HOME];
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
  return ev.cross(prefix, [out]);
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
