/**
 * GNU-style option parsing for the commands the rules read: which words are
 * options (and their arguments) and which are operands. Options may follow
 * operands (GNU permutes) until `--`. Getting an option's argument wrong
 * would shift every operand, so each command names the options that take one.
 */
import { type Word, literalWord } from './words.js';

export interface OptSpec {
  /** Short options that take an argument (`-t DIR`, `-tDIR`). */
  short?: string;
  /** Long options that take an argument (`--target-directory DIR`); `--name=value` always works. */
  long?: readonly string[];
  /** Short options whose argument is optional and only ever attached (`sed -i.bak`). */
  attachedOptional?: string;
}

export interface Parsed {
  /** Option names (short letters and long names) to their argument, or null for a flag. */
  opts: Map<string, Word | null>;
  operands: Word[];
  /** An unquoted unknown word sat where options are read: it may expand to options. */
  maybeOptions: boolean;
}

export function parseOptions(words: readonly Word[], spec: OptSpec = {}): Parsed {
  const opts = new Map<string, Word | null>();
  const operands: Word[] = [];
  let maybeOptions = false;
  let ended = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const lit = w.literal;
    if (ended || lit === null || !lit.startsWith('-') || lit === '-') {
      if (!ended && lit === null && w.splits) maybeOptions = true;
      operands.push(w);
      continue;
    }
    if (lit === '--') {
      ended = true;
      continue;
    }
    if (lit.startsWith('--')) {
      const eq = lit.indexOf('=');
      const name = lit.slice(2, eq === -1 ? undefined : eq);
      if (eq !== -1) opts.set(name, literalWord(lit.slice(eq + 1)));
      else if (spec.long?.includes(name)) opts.set(name, words[++i] ?? null);
      else opts.set(name, null);
      continue;
    }
    for (let k = 1; k < lit.length; k++) {
      const ch = lit[k]!;
      if (spec.attachedOptional?.includes(ch)) {
        opts.set(ch, k + 1 < lit.length ? literalWord(lit.slice(k + 1)) : null);
        break;
      }
      if (spec.short?.includes(ch)) {
        opts.set(ch, k + 1 < lit.length ? literalWord(lit.slice(k + 1)) : (words[++i] ?? null));
        break;
      }
      opts.set(ch, null);
    }
  }
  return { opts, operands, maybeOptions };
}

export const hasAny = (p: Parsed, ...names: string[]) => names.some((n) => p.opts.has(n));

/** The argument of the first of these options that is present. */
export function optArg(p: Parsed, ...names: string[]): Word | null {
  for (const n of names) {
    const v = p.opts.get(n);
    if (v) return v;
  }
  return null;
}
