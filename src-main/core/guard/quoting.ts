/**
 * The string side of shell quoting, for words.ts: bash's `$'...'` escapes,
 * the backslashes a double-quoted string keeps, and what an unquoted
 * expansion's value becomes (split on blanks, globbed), and tilde prefixes.
 */
import { ANY, HOME, QMARK, STAR } from './markers.js';

/** An unquoted expansion's value: blanks make it unknown (word splitting), glob characters become markers. */
export function globbed(v: string): string {
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

export function unescapeDouble(s: string): string {
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

/**
 * A tilde-prefix at `s[i]` (up to the next `/`, or `:` in an assignment):
 * `~` is $HOME, `~+` $PWD, `~-` $OLDPWD, `~N`/`~+N`/`~-N` a directory-stack
 * entry (unknown), `~user` another home. Null when bash leaves it as text.
 */
export function tilde(s: string, i: number, variable: (name: string) => readonly string[] | null, assignment: boolean): { values: readonly string[]; end: number } | null {
  let j = i + 1;
  while (j < s.length && s[j] !== '/' && !(assignment && s[j] === ':')) j++;
  const prefix = s.slice(i + 1, j);
  const v = (name: string) => variable(name) ?? (name === 'HOME' ? [HOME] : [ANY]);
  if (prefix === '') return { values: v('HOME'), end: j };
  if (prefix === '+') return { values: v('PWD'), end: j };
  if (prefix === '-') return { values: v('OLDPWD'), end: j };
  if (/^[+-]?\d+$/.test(prefix)) return { values: [ANY], end: j };
  if (/^[A-Za-z0-9._][A-Za-z0-9._-]*\$?$/.test(prefix)) return { values: [HOME], end: j };
  return null;
}
