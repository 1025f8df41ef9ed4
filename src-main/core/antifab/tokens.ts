/**
 * A hand-written tokenizer for reply text: words (lower-cased, contractions
 * expanded, each tagged with its word-class bits), clause boundaries and
 * sentence ends, each word keeping its span in the original text. Linear in
 * the input, no regular expressions; token objects are pooled and reused
 * from sentence to sentence, since a scan sees millions of them.
 */
import { maskQuoted } from './mask.js';
import { CALENDAR_WORDS, EMAIL_WORDS, FILE_WORDS, TEXT_WORDS, type VerbForm, verbForms, verbWords } from './lexicon.js';

export interface Token {
  /** Lower-cased word; '' for a clause boundary. */
  w: string;
  /** Word-class bits (see WORD_BITS). */
  f: number;
  verbs: VerbForm[] | undefined;
  start: number;
  end: number;
}

export interface Sentence {
  /** Pooled: valid only during the callback. Use `length`, not tokens.length. */
  tokens: Token[];
  length: number;
  question: boolean;
  /** Holds a conditional word (if, unless, ...). */
  conditional: boolean;
  /** Holds a later-time word (tomorrow, next, ...). */
  later: boolean;
}

export const B = {
  COND: 1,
  LATER: 2,
  REPORT: 4,
  CONNECT: 8,
  STARTER: 16,
  AUX: 32,
  MODAL: 64,
  PERFECT: 128,
  PROGRESSIVE: 256,
  NEG: 512,
  OTHER: 1024,
  FINITE: 2048,
  NOT: 4096,
  TO: 8192,
  WILL: 16384,
  GOING: 32768,
  ABOUT: 65536,
  AFTER_TELEGRAPHIC: 131072,
} as const;

const WORD_BITS = new Map<string, number>();
const tag = (bit: number, words: string) => {
  for (const w of words.split(' ')) WORD_BITS.set(w, (WORD_BITS.get(w) ?? 0) | bit);
};
tag(B.COND, 'if unless whether assuming provided suppose supposing once otherwise lest');
tag(B.LATER, 'tomorrow later tonight eventually next someday weekend monday tuesday wednesday thursday friday saturday sunday afterwards');
tag(
  B.REPORT,
  'said says say told tell tells asked asks claimed claims mentioned mentions according reported reports think thought believe believed suggested suggests wondering wondered wants wanted',
);
tag(B.CONNECT, 'and but then so plus');
tag(B.STARTER, 'and but then so also plus ok okay alright done yes yep sure great good update status');
tag(
  B.AUX,
  'have has had been be was were is am are will would shall should can could may might must not never just already also now successfully finally quickly manually automatically immediately actually currently still going to about really fully properly again yet do did does get got first right go ahead and_ gladly personally both all briefly carefully double',
);
tag(B.MODAL, 'would should can could may might must shall');
tag(B.PERFECT, 'have has had been be was were is are am got get');
tag(B.PROGRESSIVE, 'am is are');
tag(B.NEG, 'nothing nobody no none neither nor not never');
tag(B.OTHER, 'you they he she who which that u someone somebody everyone anyone it this there me us him her them the a an these those my your our his their its any some every each');
tag(B.FINITE, 'is are was were can could will would should may might must requires require takes makes means needs helps causes trips keeps tends counts costs breaks has does');
tag(B.NOT, 'not never');
tag(B.TO, 'to');
tag(B.WILL, 'will');
tag(B.GOING, 'going');
tag(B.ABOUT, 'about');
tag(B.AFTER_TELEGRAPHIC, 'to on in at for via with successfully now already just and from into as again');

/** What the tokenizer knows about a word: its canonical text, bits and verb forms. */
interface WordInfo {
  w: string;
  f: number;
  verbs: VerbForm[] | undefined;
}

/** Words the detector compares by text (beyond the tagged ones and the verbs). */
const LITERALS = ['i', 'we', 'me', 'us', 'let', 'lemme', 'by', 'ahead', 'go', 'a', 'look', 'out', 'and', 'it'];

const CONTRACTIONS: ReadonlyArray<readonly [string, string, string]> = [
  ["i'm", 'i', 'am'],
  ["i've", 'i', 'have'],
  ["i'll", 'i', 'will'],
  ["i'd", 'i', 'would'],
  ["we're", 'we', 'are'],
  ["we've", 'we', 'have'],
  ["we'll", 'we', 'will'],
  ["we'd", 'we', 'would'],
  ["let's", 'let', 'us'],
  ["it's", 'it', 'is'],
  ["that's", 'that', 'is'],
  ["there's", 'there', 'is'],
  ["won't", 'will', 'not'],
  ["can't", 'can', 'not'],
  ["shan't", 'shall', 'not'],
  ['cannot', 'can', 'not'],
  ['gonna', 'going', 'to'],
];
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ["n't", 'not'],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'ll", 'will'],
  ["'d", 'would'],
  ["'s", 'is'],
];

/**
 * A trie over a-z, 0-9, apostrophe and hyphen, walked while the word is
 * scanned: a word nobody looks up costs no string at all.
 */
const ALPHA = 38;
const charIndex = (c: number): number => {
  if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x30 && c <= 0x39) return 26 + c - 0x30;
  if (c === 0x27 || c === 0x2019) return 36;
  if (c === 0x2d) return 37;
  return -1;
};
let children = new Int32Array(ALPHA * 1024);
let nodes = 1; // node 0 is the root
const single: Array<WordInfo | undefined> = [];
const pair: Array<readonly [WordInfo, WordInfo] | undefined> = [];
const INFO = new Map<string, WordInfo>();

function nodeFor(word: string): number {
  let node = 0;
  for (let k = 0; k < word.length; k++) {
    const idx = charIndex(word.charCodeAt(k));
    if (idx < 0) return -1;
    let next = children[node * ALPHA + idx]!;
    if (next === 0) {
      if ((nodes + 1) * ALPHA > children.length) {
        const grown = new Int32Array(children.length * 2);
        grown.set(children);
        children = grown;
      }
      next = nodes++;
      children[node * ALPHA + idx] = next;
    }
    node = next;
  }
  return node;
}

function info(w: string): WordInfo {
  let i = INFO.get(w);
  if (!i) {
    i = { w, f: WORD_BITS.get(w) ?? 0, verbs: verbForms(w) };
    INFO.set(w, i);
    const node = nodeFor(w);
    if (node > 0) single[node] = i;
  }
  return i;
}
for (const w of WORD_BITS.keys()) info(w);
for (const w of verbWords()) info(w);
for (const set of [EMAIL_WORDS, TEXT_WORDS, CALENDAR_WORDS, FILE_WORDS]) for (const w of set) info(w);
for (const w of LITERALS) info(w);
for (const [c, a, b] of CONTRACTIONS) {
  const node = nodeFor(c);
  pair[node] = [info(a), info(b)];
}
const UNKNOWN: WordInfo = { w: '\u0001', f: 0, verbs: undefined };
const BOUNDARY: WordInfo = { w: '', f: 0, verbs: undefined };
const QUOTED_INFO: WordInfo = { w: '\u0000q', f: 0, verbs: undefined };

const isWordChar = (c: number) =>
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x30 && c <= 0x39) ||
  c === 0x5f ||
  (c > 0x7f && c !== 0x2019 && c !== 0x201c && c !== 0x201d && c !== 0x2014 && c !== 0x2013 && c !== 0xa0 && c !== 0x2026);
const isApos = (c: number) => c === 0x27 || c === 0x2019;

/** One trie step; -1 once the word has left the trie. */
function walk(node: number, code: number): number {
  if (node < 0) return -1;
  const idx = charIndex(code);
  if (idx < 0) return -1;
  const next = children[node * ALPHA + idx]!;
  return next === 0 ? -1 : next;
}

/** Stands for quoted text or code: an opaque noun. */
export const QUOTED = '\u0000q';

/** Does the text hold anything the mask pass would mark? Most replies do not. */
function needsMask(text: string): boolean {
  return text.includes('"') || text.includes('`') || text.includes('\u201c') || text.includes('>') || text.includes('~~~');
}

// Tokenizer state lives at module level, reused across calls: the scan is
// synchronous and a detector call sees up to millions of tokens, so no
// closure or sentence object is made per reply.
const pool: Token[] = [];
const S: Sentence = { tokens: pool, length: 0, question: false, conditional: false, later: false };
let curText = '';
let curSink: (s: Sentence) => void = () => undefined;

function push(wi: WordInfo, start: number, end: number): void {
  const f = wi.f;
  if (f & B.COND) S.conditional = true;
  if (f & B.LATER) S.later = true;
  const t = pool[S.length];
  if (t) {
    t.w = wi.w;
    t.f = f;
    t.verbs = wi.verbs;
    t.start = start;
    t.end = end;
  } else pool.push({ w: wi.w, f, verbs: wi.verbs, start, end });
  S.length++;
}

/** A word the trie did not know but that holds an apostrophe: split a suffix off a known stem. */
function slowWord(start: number, end: number): void {
  const w = curText.slice(start, end).toLowerCase().replaceAll('\u2019', "'");
  for (const [suffix, full] of SUFFIXES) {
    if (w.length > suffix.length && w.endsWith(suffix)) {
      push(INFO.get(w.slice(0, -suffix.length)) ?? UNKNOWN, start, end);
      push(INFO.get(full)!, start, end);
      return;
    }
  }
  push(UNKNOWN, start, end);
}

function endSentence(question: boolean): void {
  if (S.length) {
    S.question = question;
    curSink(S);
  }
  S.length = 0;
  S.conditional = false;
  S.later = false;
}

export function forEachSentence(text: string, onSentence: (s: Sentence) => void): void {
  const mask = needsMask(text) ? maskQuoted(text) : null;
  const n = text.length;
  curText = text;
  curSink = onSentence;
  S.length = 0;
  S.conditional = false;
  S.later = false;
  try {
    scan(text, n, mask);
  } finally {
    curText = '';
    curSink = () => undefined;
    if (pool.length > 4096) pool.length = 4096;
  }
}

function scan(text: string, n: number, mask: Uint8Array | null): void {
  let i = 0;
  while (i < n) {
    if (mask && mask[i]) {
      const st = i;
      while (i < n && mask[i]) i++;
      push(QUOTED_INFO, st, i);
      continue;
    }
    const c = text.charCodeAt(i);
    if (isWordChar(c)) {
      const st = i;
      let apostrophe = false;
      let node = walk(0, c);
      i++;
      while (i < n && !(mask && mask[i])) {
        const d = text.charCodeAt(i);
        if (isWordChar(d)) {
          node = walk(node, d);
          i++;
        } else if ((isApos(d) || d === 0x2d || d === 0x2e) && i + 1 < n && !(mask && mask[i + 1]) && isWordChar(text.charCodeAt(i + 1))) {
          // An apostrophe, hyphen or dot inside a word keeps it whole (I'm, e-mail, main.py).
          if (isApos(d)) apostrophe = true;
          node = walk(node, d);
          i++;
        } else break;
      }
      const p = node > 0 ? pair[node] : undefined;
      if (p) {
        push(p[0], st, i);
        push(p[1], st, i);
      } else if (node > 0 && single[node]) push(single[node]!, st, i);
      else if (apostrophe) slowWord(st, i);
      else push(UNKNOWN, st, i);
      continue;
    }
    i++;
    if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x0a || c === 0x2026) endSentence(c === 0x3f);
    else if (c === 0x2c || c === 0x3b || c === 0x3a || c === 0x28 || c === 0x29 || c === 0x2014 || c === 0x2013 || c === 0x2d || c === 0x2a || c === 0x23) {
      if (S.length && pool[S.length - 1]!.w !== '') push(BOUNDARY, i - 1, i - 1);
    }
  }
  endSentence(false);
}
