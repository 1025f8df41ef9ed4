/**
 * Shell words as the shell would see them after quote removal, with whatever
 * cannot be known statically kept as markers: a variable or substitution
 * becomes ANY (any text, slashes included), an unquoted glob becomes STAR or
 * QMARK, `~user` becomes HOME. A word with no marker is a literal. Rules match
 * these patterns against the paths they protect, so `r''m`, `\rm`, `"$HOME"/`
 * and `/{usr,etc}` all read as what they are.
 *
 * A variable the script itself assigned (`F=/opt/jarvis/.env; : > $F`) reads
 * as the values it may hold at that point (see shell-state.ts): a word then
 * has several possible values, and a rule refuses when any of them matches.
 * `~`, `$HOME`, `~+` and `$PWD` read the same way (the home, the folders the
 * command may be in).
 */
import type { Node } from 'web-tree-sitter';
import { ANY, HOME, QMARK, STAR, hasMarker } from './markers.js';
import { decodeAnsiC, globbed, tilde, unescapeDouble } from './quoting.js';

export { ANY, HOME, QMARK, STAR, hasMarker } from './markers.js';
export { decodeAnsiC } from './quoting.js';

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
  /** May become several words (an unquoted expansion, `"$@"`, `"${a[@]}"`): even options. */
  splits: boolean;
  /** The word is a process substitution `<(...)`. */
  procSub: boolean;
  /** Holds text the script computed (`$(...)`, a variable set by `read`): it may start with `-`. */
  computed?: boolean;
  /** Holds a variable a loop kept changing (widened to unknown): it may be any path, names included. */
  widened?: boolean;
  /** It could take more than MAX_VALUES values: the caller refuses. */
  overflow?: boolean;
}

/** What the script did so far: the possible values of a variable (null: unknown), and whether it is computed text. */
export interface WordEnv {
  variable(name: string): readonly string[] | null;
  computed?(name: string): boolean;
  widened?(name: string): boolean;
  /** Told when a word had more values than can be followed (the walker then refuses). */
  overflowed?(): void;
}

export function makeWord(text: string, value: string | string[], splits = false, procSub = false, computed = false): Word {
  const values = typeof value === 'string' ? [value] : value.length ? value : [ANY];
  const literal = values.length === 1 && !hasMarker(values[0]!) ? values[0]! : null;
  const w: Word = { text, value: values[0]!, values, literal, splits, procSub };
  if (computed) w.computed = true;
  return w;
}

/** A word for text we know (from a wrapper's split or a literal string). */
export const literalWord = (s: string): Word => makeWord(s, s);
/** A word whose value is unknown (a substitution); `splits` when it may be several words (xargs input). */
export const unknownWord = (text: string, splits = false): Word => makeWord(text, ANY, splits, false, true);

const SPLITTING = new Set(['simple_expansion', 'expansion', 'command_substitution', 'arithmetic_expansion']);
const NO_ENV: WordEnv = { variable: (name) => (name === 'HOME' ? [HOME] : null) };

/** Evaluation of one word: alternatives multiply across its parts, up to MAX_VALUES. */
class Values {
  overflow = false;
  computed = false;
  widened = false;
  splits = false;
  constructor(readonly env: WordEnv) {}

  cross(a: string[], b: readonly string[]): string[] {
    if (b.length === 1) return a.map((x) => x + b[0]);
    const out: string[] = [];
    for (const x of a) for (const y of b) out.push(x + y);
    return this.cap(out);
  }

  cap(v: string[]): string[] {
    const uniq = [...new Set(v)];
    if (uniq.length <= MAX_VALUES) return uniq;
    this.overflow = true;
    this.env.overflowed?.();
    return uniq.slice(0, MAX_VALUES);
  }
}

/** `assignment`: the value of `NAME=...`, where bash also expands a tilde after each `:`. */
export function wordOf(node: Node, env: WordEnv = NO_ENV, assignment = false): Word {
  const parts = node.type === 'concatenation' ? node.children : [node];
  const ev = new Values(env);
  const values = valueOf(node, true, ev, assignment);
  const splits = ev.splits || parts.some((p) => SPLITTING.has(p.type));
  const w = makeWord(node.text, values, splits, node.type === 'process_substitution', ev.computed);
  if (ev.overflow) w.overflow = true;
  if (ev.widened) w.widened = true;
  return w;
}

function valueOf(node: Node, first: boolean, ev: Values, assignment = false): string[] {
  switch (node.type) {
    case 'word':
      return unquotedWord(node.text, first, ev, assignment);
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
        if (raw !== '') out = ev.cross(out, unquotedWord(raw, rawFirst, ev, assignment));
        raw = '';
        out = ev.cross(out, valueOf(c, first && i === 0, ev));
      });
      if (raw !== '') out = ev.cross(out, unquotedWord(raw, rawFirst, ev, assignment));
      return out;
    }
    case 'simple_expansion':
    case 'expansion':
      return expansion(node, ev, false);
    case 'command_substitution':
      ev.computed = true;
      return [ANY];
    default:
      // Arithmetic, process substitution, and anything this file does not know: unknown.
      return [ANY];
  }
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const SIMPLE = new RegExp(`^\\$(?:(${NAME}|[0-9@*#])|\\{(${NAME}|[0-9]+|[@*#])(?:(:?[-=+])([^$\`"'\\\\{}]*))?\\})$`);
const SUBSCRIPT = new RegExp(`^\\$\\{(${NAME})\\[[^\\]]*\\]\\}$`);

/**
 * `$NAME`, `${NAME}`, `${NAME[i]}`: what the script assigned, else unknown.
 * `${NAME:-word}` and `${NAME:=word}` may also be the word, `${NAME:+word}`
 * the word or nothing; any other operator is unknown.
 */
function expansion(node: Node, ev: Values, quoted: boolean): string[] {
  const text = node.text;
  // "$@", "${a[@]}", "${@:2}": one word per element.
  if (text === '$@' || /^\$\{[!#]?(@|[A-Za-z_][A-Za-z0-9_]*\[@\])/.test(text)) ev.splits = true;
  const m = SIMPLE.exec(text) ?? SUBSCRIPT.exec(text);
  if (!m) {
    // `${!x}` (indirection) reads a variable we cannot name.
    if (text.startsWith('${!') || text.includes('$(')) ev.computed = true;
    return [ANY];
  }
  const name = (m[1] ?? m[2])!;
  if (ev.env.computed?.(name)) ev.computed = true;
  if (ev.env.widened?.(name)) ev.widened = true;
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

function doubleQuoted(node: Node, ev: Values): string[] {
  let out = [''];
  const add = (v: string[]) => (out = ev.cross(out, v));
  for (const c of node.children) {
    if (c.type === '"' || c.type === '$"') continue;
    if (c.type === 'string_content') add([unescapeDouble(c.text)]);
    else if (c.type === 'string') add(doubleQuoted(c, ev));
    else if (c.type === 'simple_expansion' || c.type === 'expansion') add(expansion(c, ev, true));
    else if (c.type === 'command_substitution') {
      ev.computed = true;
      add([ANY]);
    } else if (c.isNamed) add([ANY]);
    else add([c.text]);
  }
  return out;
}

/**
 * An unquoted word: backslash escapes, globs, brace lists and tilde
 * prefixes (at the start; after the first `=` of an assignment-shaped word
 * such as `of=~/x`, which bash expands too; and after `:` in an assignment).
 */
function unquotedWord(s: string, first: boolean, ev: Values, assignment: boolean): string[] {
  let out: string[] = [''];
  let cur = '';
  const eq = first && !assignment && /^[A-Za-z_][A-Za-z0-9_]*=/.test(s) ? s.indexOf('=') : -1;
  const colons = assignment || eq !== -1;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '~' && ((i === 0 && first) || i === eq + 1 || (colons && i > eq && s[i - 1] === ':'))) {
      const t = tilde(s, i, (name) => ev.env.variable(name), colons);
      if (t) {
        out = ev.cross(ev.cross(out, [cur]), t.values);
        cur = '';
        i = t.end - 1;
        continue;
      }
    }
    if (ch === '\\') {
      const next = s[i + 1];
      if (next === undefined) break;
      if (next !== '\n') cur += next;
      i++;
    } else if (ch === '*') cur += STAR;
    else if (ch === '?') cur += QMARK;
    else if (ch === '[') {
      const close = s.indexOf(']', i + 2);
      if (close === -1) cur += ch;
      else {
        cur += QMARK;
        i = close;
      }
    } else if (ch === '{') {
      const close = s.indexOf('}', i + 1);
      const inner = close === -1 ? '' : s.slice(i + 1, close);
      if (inner.includes(',') || inner.includes('..')) {
        // Brace expansion: any of the alternatives, so any text.
        cur += ANY;
        i = close;
      } else cur += ch;
    } else cur += ch;
  }
  return ev.cross(out, [cur]);
}

const EXPANSIONS = new Set(['simple_expansion', 'expansion', 'command_substitution', 'arithmetic_expansion']);

/**
 * The body of a here-document whose delimiter is not quoted, as the shell
 * expands it before the reader sees it: every value it may take, or null
 * when some expansion is not a known literal (a substitution, a variable the
 * script did not set, a backtick tree-sitter leaves in the text).
 */
export function heredocText(body: Node, env: WordEnv): string[] | null {
  const ev = new Values(env);
  let out = [''];
  const src = body.text;
  const base = body.startIndex;
  let at = 0;
  const raw = (text: string): boolean => {
    let s = '';
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      const next = text[i + 1] ?? '';
      if (ch === '\\' && '$`\\\n'.includes(next) && next !== '') {
        if (next !== '\n') s += next;
        i++;
      } else if (ch === '`' || (ch === '$' && /[A-Za-z0-9_{(@*#?$!-]/.test(next))) return false;
      else s += ch;
    }
    out = ev.cross(out, [s]);
    return true;
  };
  for (const c of body.namedChildren) {
    if (!EXPANSIONS.has(c.type)) continue;
    if (!raw(src.slice(at, c.startIndex - base))) return null;
    if (c.type !== 'simple_expansion' && c.type !== 'expansion') return null;
    const values = expansion(c, ev, true);
    if (values.some(hasMarker)) return null;
    out = ev.cross(out, values);
    at = c.endIndex - base;
  }
  if (!raw(src.slice(at))) return null;
  return ev.overflow ? null : out;
}
