/**
 * A token-level reading of an inline interpreter payload (`python3 -c`,
 * `perl -e`, `ruby -e`, `node -e`, `php -r`, an awk program): identifiers,
 * punctuation, and string literals with their value. We do not parse these
 * languages; we only need to know which strings are literal (and what they
 * say) and which names are called with what. A string with interpolation
 * (`f"{x}"`, `"$x"`, `"#{x}"`, `` `${x}` ``) keeps its known text with ANY
 * markers for the computed parts, and is not literal.
 *
 * One pass, linear in the payload. Anything the lexer cannot close (a quote,
 * a comment, a quote-like operator) sets `anomaly`; the caller then refuses a
 * payload that also names a dangerous capability.
 */
import { ANY } from './words.js';
import { type Interp, PAIRS, heredocReader, interpolation, unescape } from './payload-strings.js';

export type Lang = 'python' | 'perl' | 'ruby' | 'node' | 'php' | 'awk';

export interface Tok {
  /** id: a name (with its sigil); str: a string literal; exec: a backtick/qx/%x command; p: punctuation. */
  k: 'id' | 'str' | 'exec' | 'p';
  /** The name, the punctuation, or the string's value (ANY for interpolated parts). */
  s: string;
  /** A string with no interpolation. */
  lit: boolean;
  /** A regular expression literal (its text is not a string anyone runs). */
  re?: boolean;
}

export interface Lexed {
  toks: Tok[];
  anomaly: boolean;
}

type Escapes = 'full' | 'single' | 'none';

const TWO = new Set(['->', '::', '=>', '>>', '<<', '&&', '||', '=~', '!~', '==', '!=', '<=', '>=', '**']);
const REGEX_AFTER = new Set(['split', 'if', 'unless', 'and', 'or', 'not', 'return', 'grep', 'map', 'when', 'while', 'until', 'typeof', 'in', 'case']);
const PERL_QUOTES = new Set(['q', 'qq', 'qw', 'qx', 'm', 'qr', 's', 'tr', 'y']);

export function lex(lang: Lang, src: string): Lexed {
  const toks: Tok[] = [];
  let anomaly = false;
  let i = 0;
  const n = src.length;
  const push = (t: Tok) => toks.push(t);
  // A heredoc's body starts at the end of its opening line: skip it when we get there.
  let bodyFrom = -1;
  let bodyTo = -1;
  const heredoc = heredocReader(src, lang);
  const last = () => {
    for (let k = toks.length - 1; k >= 0; k--) if (toks[k]!.s !== '\n' || toks[k]!.k !== 'p') return toks[k];
    return undefined;
  };
  // A value may start here (so `/` opens a regex and `%` a Ruby literal), rather than an operator.
  const operandPosition = () => {
    const t = last();
    if (!t) return true;
    if (t.k === 'str' || t.k === 'exec') return false;
    if (t.k === 'id') return REGEX_AFTER.has(t.s);
    return !(t.s === ')' || t.s === ']' || t.s === '}');
  };

  /** Read up to `close` (nesting `open` when given); returns the value and the index past the close. */
  const quoted = (from: number, close: string, esc: Escapes, interp: Interp, open?: string): { value: string; lit: boolean; end: number } => {
    let value = '';
    let lit = true;
    let depth = 0;
    let k = from;
    while (k < n) {
      if (src.startsWith(close, k) && depth === 0) return { value, lit, end: k + close.length };
      const c = src[k]!;
      if (open !== undefined && c === open) depth++;
      else if (open !== undefined && c === close && depth > 0) depth--;
      if (c === '\\' && esc !== 'none' && k + 1 < n) {
        const e = src[k + 1]!;
        if (esc === 'single') value += e === '\\' || e === close[0] ? e : `\\${e}`;
        else value += unescape(src, k + 1, (m) => (k = m));
        k += 2;
        continue;
      }
      if (c === '\\' && esc === 'none' && k + 1 < n) {
        value += c + src[k + 1]!;
        k += 2;
        continue;
      }
      const skip = interp ? interpolation(src, k, interp) : -1;
      if (skip > k) {
        value += ANY;
        lit = false;
        k = skip;
        continue;
      }
      if (interp === 'pyf' && (c === '{' || c === '}') && src[k + 1] === c) {
        value += c;
        k += 2;
        continue;
      }
      value += c;
      k++;
    }
    anomaly = true;
    return { value, lit: false, end: n };
  };

  const strTok = (r: { value: string; lit: boolean }, k: Tok['k'] = 'str') => push({ k, s: r.value, lit: r.lit });

  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      push({ k: 'p', s: '\n', lit: false });
      i = i === bodyFrom ? bodyTo : i + 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    // Comments.
    const hashComment = (lang !== 'node' && c === '#' && !(lang === 'perl' && src[i - 1] === '$')) || (lang === 'php' && c === '#');
    if (hashComment || ((lang === 'node' || lang === 'php') && src.startsWith('//', i))) {
      const j = src.indexOf('\n', i);
      i = j === -1 ? n : j;
      continue;
    }
    if ((lang === 'node' || lang === 'php') && src.startsWith('/*', i)) {
      const j = src.indexOf('*/', i + 2);
      if (j === -1) anomaly = true;
      i = j === -1 ? n : j + 2;
      continue;
    }
    // Heredocs: php `<<<EOT`, perl/ruby `<<"EOT"`, `<<~EOT`.
    const opens = (lang === 'php' && src.startsWith('<<<', i)) || ((lang === 'perl' || lang === 'ruby') && /^<<[~-]?["'A-Z_]/.test(src.slice(i, i + 4)));
    if (opens && bodyFrom < i) {
      const h = heredoc(i);
      if (h) {
        push({ k: 'str', s: h.value, lit: h.lit });
        bodyFrom = h.bodyFrom;
        bodyTo = h.bodyTo;
        i = h.end;
        continue;
      }
    }
    // Names (with sigils), and the quote-likes and string prefixes they may start.
    const sigil = (c === '$' || c === '@') && lang !== 'python' && lang !== 'node' && lang !== 'awk' && /[A-Za-z_{:]/.test(src[i + 1] ?? '');
    if (/[A-Za-z_]/.test(c) || sigil || (c === '$' && lang === 'node')) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(src[j]!)) j++;
      const word = src.slice(i, j);
      if (lang === 'python' && /^(r|u|b|f|rb|br|fr|rf)$/i.test(word) && (src[j] === '"' || src[j] === "'")) {
        i = pyString(j, word.toLowerCase());
        continue;
      }
      if (lang === 'perl' && PERL_QUOTES.has(word) && !(src[j - word.length - 1] ?? '').match(/[$@%&>-]/)) {
        let d = j;
        while (d < n && (src[d] === ' ' || src[d] === '\t')) d++;
        const delim = src[d];
        if (delim !== undefined && !/[\w\s=,;)]/.test(delim) && !(delim === '=' || (delim === '>' && src[d - 1] === '='))) {
          i = perlQuote(word, d);
          continue;
        }
      }
      push({ k: 'id', s: word, lit: false });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(src[j]!)) j++;
      push({ k: 'id', s: src.slice(i, j), lit: false });
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      if (lang === 'python') {
        i = pyString(i, '');
        continue;
      }
      const interp: Interp = c === "'" ? null : lang === 'perl' ? 'perl' : lang === 'ruby' ? 'ruby' : lang === 'php' ? 'php' : null;
      const r = quoted(i + 1, c, c === "'" && lang !== 'node' && lang !== 'awk' ? 'single' : 'full', interp);
      strTok(r);
      i = r.end;
      continue;
    }
    if (c === '`' && lang !== 'python' && lang !== 'awk') {
      const r = quoted(i + 1, '`', 'full', lang === 'node' ? 'js' : lang === 'ruby' ? 'ruby' : lang === 'php' ? 'php' : 'perl');
      strTok(r, lang === 'node' ? 'str' : 'exec');
      i = r.end;
      continue;
    }
    if (c === '/' && lang !== 'python' && lang !== 'php' && operandPosition()) {
      const r = quoted(i + 1, '/', 'full', null);
      push({ k: 'str', s: '', lit: false, re: true });
      i = r.end;
      while (i < n && /[a-z]/.test(src[i]!)) i++;
      continue;
    }
    if (c === '%' && lang === 'ruby' && operandPosition() && /^%[qQwWiIxrs]?[^\w\s]/.test(src.slice(i, i + 3))) {
      i = rubyPercent(i);
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO.has(two)) {
      push({ k: 'p', s: two, lit: false });
      i += 2;
      continue;
    }
    push({ k: 'p', s: c, lit: false });
    i++;
  }
  return { toks, anomaly };

  function pyString(at: number, prefix: string): number {
    const q = src[at]!;
    const triple = src.startsWith(q.repeat(3), at);
    const close = triple ? q.repeat(3) : q;
    const r = quoted(at + close.length, close, prefix.includes('r') ? 'none' : 'full', prefix.includes('f') ? 'pyf' : null);
    // Implicit concatenation ("a" "b") is glued by the scanner; bytes and text read alike here.
    strTok(r);
    return r.end;
  }

  function perlQuote(op: string, d: number): number {
    const open = src[d]!;
    const close = PAIRS[open] ?? open;
    const nest = PAIRS[open] ? open : undefined;
    const interp: Interp = op === 'q' || op === 'qw' ? null : 'perl';
    const first = quoted(d + 1, close, op === 'q' || op === 'qw' ? 'single' : 'full', interp, nest);
    let end = first.end;
    if (op === 's' || op === 'tr' || op === 'y') {
      // The second part: same delimiter, or its own bracket pair after blanks.
      let k = end;
      if (nest) while (k < n && /\s/.test(src[k]!)) k++;
      const open2 = nest ? src[k] : open;
      const close2 = open2 ? (PAIRS[open2] ?? open2) : close;
      const second = quoted(nest ? k + 1 : end, close2, 'full', null, open2 && PAIRS[open2] ? open2 : undefined);
      end = second.end;
    }
    while (end < n && /[a-z]/.test(src[end]!)) end++;
    if (op === 'qw') {
      push({ k: 'p', s: '(', lit: false });
      first.value
        .split(/\s+/)
        .filter(Boolean)
        .forEach((w, idx) => {
          if (idx) push({ k: 'p', s: ',', lit: false });
          push({ k: 'str', s: w, lit: true });
        });
      push({ k: 'p', s: ')', lit: false });
    } else if (op === 'q' || op === 'qq') strTok(first);
    else if (op === 'qx') strTok(first, 'exec');
    else push({ k: 'str', s: '', lit: false, re: true });
    return end;
  }

  function rubyPercent(at: number): number {
    let k = at + 1;
    let type = 'Q';
    if (/[qQwWiIxrs]/.test(src[k]!)) type = src[k++]!;
    const open = src[k]!;
    const close = PAIRS[open] ?? open;
    const r = quoted(k + 1, close, type === 'q' || type === 'w' || type === 'i' ? 'single' : 'full', type === 'q' || type === 'w' || type === 'i' ? null : 'ruby', PAIRS[open] ? open : undefined);
    if (type === 'w' || type === 'W' || type === 'i' || type === 'I') {
      push({ k: 'p', s: '[', lit: false });
      r.value
        .split(/\s+/)
        .filter(Boolean)
        .forEach((w, idx) => {
          if (idx) push({ k: 'p', s: ',', lit: false });
          push({ k: 'str', s: w, lit: r.lit });
        });
      push({ k: 'p', s: ']', lit: false });
    } else if (type === 'x') strTok(r, 'exec');
    else if (type === 'r') push({ k: 'str', s: '', lit: false, re: true });
    else strTok(r);
    return r.end;
  }
}
