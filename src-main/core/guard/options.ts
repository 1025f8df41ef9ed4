/**
 * The one option parser: GNU-style for the commands the rules read, POSIX
 * order (options end at the first operand) for wrappers. Which words are
 * options (and their arguments) and which are operands, as getopt_long reads
 * them: options may follow operands until `--`, a long option may be
 * shortened to any unambiguous prefix (`--in` is `--in-place`), a short
 * option's argument may be attached (`-ofile`, `-t"$HOME"`). Getting an
 * option's argument wrong would shift every operand, so each command names
 * the options that take one.
 *
 * A word whose option letters we cannot read (`-$X`, `--$Y=z`) leaves the
 * parse `unsure`; a word that may expand to options (`$X` unquoted, `"$@"`,
 * a computed `"$(...)"`, a glob that may match a file named `-rf`) is kept
 * as an operand and listed in `maybe`. Rules refuse what that could hide.
 */
import { ANY, QMARK, STAR, type Word, hasMarker, literalWord, makeWord } from './words.js';

export interface OptSpec {
  /** Short options that take an argument (`-t DIR`, `-tDIR`). */
  short?: string;
  /** Short options whose argument is optional and only ever attached (`sed -i.bak`). */
  attachedOptional?: string;
  /** Long options that take an argument (`--target-directory DIR`, `--target-directory=DIR`). */
  long?: readonly string[];
  /** Long options whose argument is optional (only `--name=value`). */
  longOptional?: readonly string[];
  /** Long options without an argument, listed so that a shortened one expands as getopt_long expands it. */
  flags?: readonly string[];
  /** Options end at the first operand (wrappers: the rest is the command they run). */
  posix?: boolean;
  /** A bare `-N` is an option (`nice -5`). */
  numeric?: boolean;
  /** A word starting with `-` that is an operand all the same (chmod's mode `-w`). */
  operand?: (lit: string) => boolean;
}

export interface Parsed {
  /** Option names (short letters and full long names) to their last argument, or null for a flag. */
  opts: Map<string, Word | null>;
  /** Every option in order, repeats included (`curl -o a u1 -o b u2`). */
  all: Array<[string, Word | null]>;
  operands: Word[];
  /** Operands that may also be options (they stay operands too). */
  maybe: Word[];
  /** An option word whose letters or name we could not read: any option may be set, and it may have taken the next word. */
  unsure: boolean;
  /** `unsure`, or some operand may be options. */
  maybeOptions: boolean;
  /** Index of the first word after the options (posix: the first operand). */
  end: number;
}

/** Could this word turn out to be one or more options? (A glob may match a file named `-rf`.) */
export function mayBeOption(w: Word): boolean {
  if (w.literal !== null) return false;
  return w.splits || w.values.some((v) => v[0] === STAR || v[0] === QMARK || (w.computed === true && v[0] === ANY));
}

/** Could this word stand for several words (and so be options and operands at once)? */
export const mayBeSeveral = (w: Word) => w.splits || w.values.some((v) => v[0] === STAR || v[0] === QMARK);

interface Piece {
  name: string;
  /** The attached argument text, or null. */
  arg: string | null;
  /** The argument is the next word. */
  next: boolean;
}

/** A long option's full name: itself, or the one option it is an unambiguous prefix of. */
export function longName(name: string, spec: OptSpec): string {
  const lists = [spec.long ?? [], spec.longOptional ?? [], spec.flags ?? []];
  if (lists.some((l) => l.includes(name))) return name;
  let found: string | null = null;
  for (const l of lists) {
    for (const o of l) {
      if (!o.startsWith(name)) continue;
      if (found !== null && found !== o) return name; // ambiguous: getopt_long fails the command
      found = o;
    }
  }
  return found ?? name;
}

/** One option word's options, or null when a marker sits where a letter or a name is. */
function readOption(v: string, spec: OptSpec): Piece[] | null {
  if (v.startsWith('--')) {
    const eq = v.indexOf('=');
    const raw = v.slice(2, eq === -1 ? undefined : eq);
    if (raw === '' || hasMarker(raw)) return null;
    const name = longName(raw, spec);
    if (eq !== -1) return [{ name, arg: v.slice(eq + 1), next: false }];
    return [{ name, arg: null, next: spec.long?.includes(name) ?? false }];
  }
  if (spec.numeric && /^-\d+$/.test(v)) return [{ name: v.slice(1), arg: null, next: false }];
  const out: Piece[] = [];
  for (let k = 1; k < v.length; k++) {
    const ch = v[k]!;
    if (hasMarker(ch)) return null;
    const rest = k + 1 < v.length ? v.slice(k + 1) : null;
    if (spec.attachedOptional?.includes(ch)) return [...out, { name: ch, arg: rest, next: false }];
    if (spec.short?.includes(ch)) return [...out, { name: ch, arg: rest, next: rest === null }];
    out.push({ name: ch, arg: null, next: false });
  }
  return out;
}

/** The values of a non-literal word read as options the same way (same letters, same arguments), or null. */
function sameShape(all: Array<Piece[] | null>): Piece[][] | null {
  const first = all[0];
  if (!first || all.some((x) => x === null)) return null;
  for (const ps of all as Piece[][]) {
    if (ps.length !== first.length) return null;
    if (ps.some((q, k) => q.name !== first[k]!.name || q.next !== first[k]!.next || (q.arg === null) !== (first[k]!.arg === null))) return null;
  }
  return all as Piece[][];
}

const looksLikeOption = (v: string) => v.startsWith('-') && v !== '-';

export function parseOptions(words: readonly Word[], spec: OptSpec = {}): Parsed {
  const p: Parsed = { opts: new Map(), all: [], operands: [], maybe: [], unsure: false, maybeOptions: false, end: words.length };
  let ended = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const lit = w.literal;
    if (ended) {
      p.operands.push(w);
      continue;
    }
    if (lit === '--') {
      if (spec.posix) {
        p.end = i + 1;
        break;
      }
      ended = true;
      continue;
    }
    const option = lit !== null ? looksLikeOption(lit) && !spec.operand?.(lit) : w.values.every(looksLikeOption);
    if (!option) {
      if (lit === null && (mayBeOption(w) || w.values.some(looksLikeOption))) {
        p.maybe.push(w);
        // Some of its values are options: one that takes an argument would take the next word.
        if (w.values.some(looksLikeOption)) p.unsure = true;
      }
      if (spec.posix) {
        p.end = i;
        break;
      }
      p.operands.push(w);
      continue;
    }
    const shapes = sameShape(w.values.map((v) => readOption(v, spec)));
    if (!shapes) {
      p.unsure = true;
      continue;
    }
    shapes[0]!.forEach((piece, k) => {
      let arg: Word | null = null;
      if (piece.arg !== null)
        arg =
          lit !== null
            ? literalWord(piece.arg)
            : makeWord(
                w.text,
                shapes.map((s) => s[k]!.arg!),
                w.splits,
                false,
                w.computed,
              );
      else if (piece.next) arg = words[++i] ?? null;
      p.opts.set(piece.name, arg);
      p.all.push([piece.name, arg]);
    });
  }
  p.maybeOptions = p.unsure || p.maybe.length > 0;
  return p;
}

/** Index of the first word after a wrapper's options (POSIX order, from `start`). */
export const optionsEnd = (words: readonly Word[], start: number, spec: OptSpec): number => start + parseOptions(words.slice(start), { ...spec, posix: true }).end;

export const hasAny = (p: Parsed, ...names: string[]) => names.some((n) => p.opts.has(n));

/** The argument of the first of these options that is present. */
export function optArg(p: Parsed, ...names: string[]): Word | null {
  for (const n of names) {
    const v = p.opts.get(n);
    if (v) return v;
  }
  return null;
}

/** Every argument given to any of these options, in order. */
export const optArgs = (p: Parsed, ...names: string[]): Word[] => p.all.filter(([n, a]) => a !== null && names.includes(n)).map(([, a]) => a!);
