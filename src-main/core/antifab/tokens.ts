/**
 * A hand-written tokenizer for reply text: words (lower-cased, contractions
 * expanded), clause boundaries and sentence ends, each word keeping its span
 * in the original text. Linear in the input, no regular expressions.
 */
import { maskQuoted } from './mask.js';

export interface Token {
  /** Lower-cased word; '' for a clause boundary. */
  w: string;
  start: number;
  end: number;
}

export interface Sentence {
  tokens: Token[];
  question: boolean;
}

/** Stands for quoted text or code: an opaque noun. */
export const QUOTED = '\u0000q';

const CONTRACTIONS: Record<string, string[]> = {
  "i'm": ['i', 'am'], "i've": ['i', 'have'], "i'll": ['i', 'will'], "i'd": ['i', 'would'],
  "we're": ['we', 'are'], "we've": ['we', 'have'], "we'll": ['we', 'will'], "we'd": ['we', 'would'],
  "let's": ['let', 'us'], "it's": ['it', 'is'], "that's": ['that', 'is'], "there's": ['there', 'is'],
  "won't": ['will', 'not'], "can't": ['can', 'not'], cannot: ['can', 'not'], "shan't": ['shall', 'not'], gonna: ['going', 'to'],
};

const isWordChar = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c > 0x7f && c !== 0x2019 && c !== 0x201c && c !== 0x201d && c !== 0x2014 && c !== 0x2013 && c !== 0xa0);
const isApos = (c: number) => c === 0x27 || c === 0x2019;

function expand(raw: string): string[] {
  const w = raw.toLowerCase().replaceAll('\u2019', "'");
  const known = CONTRACTIONS[w];
  if (known) return known;
  if (w.endsWith("n't")) return [w.slice(0, -3), 'not'];
  for (const [suffix, full] of [["'re", 'are'], ["'ve", 'have'], ["'ll", 'will'], ["'d", 'would'], ["'s", 'is']] as const) {
    if (w.endsWith(suffix) && w.length > suffix.length) return [w.slice(0, -suffix.length), full];
  }
  return [w];
}

export function* sentences(text: string): Generator<Sentence> {
  const mask = maskQuoted(text);
  const n = text.length;
  let tokens: Token[] = [];
  const boundary = (at: number) => {
    if (tokens.length && tokens[tokens.length - 1]!.w !== '') tokens.push({ w: '', start: at, end: at });
  };
  const end = (question: boolean): Sentence | null => {
    const s = tokens.length ? { tokens, question } : null;
    tokens = [];
    return s;
  };
  let i = 0;
  while (i < n) {
    if (mask[i]) {
      const s = i;
      while (i < n && mask[i]) i++;
      tokens.push({ w: QUOTED, start: s, end: i });
      continue;
    }
    const c = text.charCodeAt(i);
    if (isWordChar(c)) {
      const s = i;
      i++;
      for (;;) {
        if (i >= n || mask[i]) break;
        const d = text.charCodeAt(i);
        if (isWordChar(d)) i++;
        // An apostrophe, hyphen or dot inside a word keeps it whole (I'm, e-mail, main.py).
        else if ((isApos(d) || d === 0x2d || d === 0x2e) && i + 1 < n && !mask[i + 1] && isWordChar(text.charCodeAt(i + 1))) i += 2;
        else break;
      }
      for (const w of expand(text.slice(s, i))) tokens.push({ w, start: s, end: i });
      continue;
    }
    i++;
    if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x0a || c === 0x2026) {
      const s = end(c === 0x3f);
      if (s) yield s;
    } else if (c === 0x2c || c === 0x3b || c === 0x3a || c === 0x28 || c === 0x29 || c === 0x2014 || c === 0x2013 || c === 0x2d || c === 0x2a || c === 0x23) {
      boundary(i - 1);
    }
  }
  const last = end(false);
  if (last) yield last;
}
