/**
 * `env -S STRING` splits STRING into words itself (coreutils, "Splitting
 * arguments"): blanks separate, single and double quotes group (and are
 * removed), backslash escapes (`\_` is a blank, `\c` ends the string), `#`
 * at the start of a word is a comment, and `${NAME}` is replaced by the
 * variable (unknown to us). `env -S 'rm -rf "/usr"'` runs `rm -rf /usr`.
 */
import { ANY, type Word, makeWord } from './words.js';

const ESCAPES: Record<string, string> = { f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '#': '#', $: '$', '"': '"', "'": "'", '\\': '\\' };

export function envSplit(s: string): Word[] {
  const words: Word[] = [];
  let cur = '';
  let open = false;
  let quote: "'" | '"' | null = null;
  const end = () => {
    if (open) words.push(makeWord(cur, cur));
    cur = '';
    open = false;
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else if (ch === '\\' && (s[i + 1] === '\\' || s[i + 1] === "'")) cur += s[++i];
      else cur += ch;
      continue;
    }
    if (ch === '\\') {
      const e = s[++i];
      if (e === undefined || e === 'c') break;
      if (e === '_') {
        if (quote) cur += ' ';
        else end();
      } else {
        cur += ESCAPES[e] ?? `\\${e}`;
        open = true;
      }
      continue;
    }
    if (ch === '$' && s[i + 1] === '{') {
      const close = s.indexOf('}', i);
      cur += ANY;
      open = true;
      i = close === -1 ? s.length : close;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      else cur += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      open = true;
    } else if (/\s/.test(ch)) end();
    else if (ch === '#' && !open) break;
    else {
      cur += ch;
      open = true;
    }
  }
  end();
  return words;
}
