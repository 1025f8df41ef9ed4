/**
 * find's command line, read once for the two rules that care: where it
 * starts, whether a name or path filter narrows it, and what it does to what
 * it finds (`-delete`, the commands of `-exec`/`-execdir`/`-ok`/`-okdir`,
 * the files `-fprint` and friends write). command-rules.ts refuses deleting
 * from `/` or home; file-effects.ts reads the effect on the control plane.
 */
import { mayBeOption } from './options.js';
import { type Word, literalWord, unknownWord } from './words.js';

/** Commands that delete what find hands them. */
export const DELETERS = new Set(['rm', 'unlink', 'rmdir', 'shred', 'srm']);

const FILTERS = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname']);
const WRITERS = new Set(['-fprint', '-fprint0', '-fprintf', '-fls']);
/** Tests, actions and operators that take no argument (any other `-word` does). */
const NO_ARGUMENT = /^-(delete|print0?|ls|quit|prune|depth|xdev|mount|empty|true|false|nouser|nogroup|readable|writable|executable|daystart|follow|noleaf|not|and|or|a|o|d)$/;

export interface FindArgs {
  /** Starting points (`.` when none is given; unknown with `-files0-from`). */
  starts: Word[];
  /** A name or path filter narrows what it reaches. */
  filtered: boolean;
  /** `-delete`, or a word that may expand to any action. */
  deletes: boolean;
  /** The command words of each -exec, -execdir, -ok and -okdir, `{}` as written. */
  execs: Word[][];
  /** Files written by -fprint, -fprint0, -fprintf and -fls. */
  writes: Array<{ word: Word; action: string }>;
}

export function findArgs(args: readonly Word[]): FindArgs {
  let i = 0;
  while (i < args.length && /^-(H|L|P|O\d*|D)$/.test(args[i]!.literal ?? '')) i += args[i]!.literal === '-D' ? 2 : 1;
  const starts: Word[] = [];
  while (i < args.length) {
    const lit = args[i]!.literal;
    if (lit !== null && (lit.startsWith('-') || lit === '(' || lit === '!' || lit === ')')) break;
    starts.push(args[i++]!);
  }
  const expr = args.slice(i);
  const out: FindArgs = { starts, filtered: false, deletes: false, execs: [], writes: [] };
  // A start or an expression word that may expand to options could be any action (`-delete`).
  if (starts.slice(1).some(mayBeOption)) out.deletes = true;
  for (let k = 0; k < expr.length; k++) {
    const w = expr[k]!;
    const lit = w.literal ?? '';
    // A word that may expand to options could be any action, unless it is the argument of the test before it (`-name "$(...)"`).
    const prev = expr[k - 1]?.literal ?? '';
    const isArgument = prev.startsWith('-') && !NO_ARGUMENT.test(prev);
    if (w.literal === null && mayBeOption(w) && !isArgument) out.deletes = true;
    if (FILTERS.has(lit)) out.filtered = true;
    else if (lit === '-delete') out.deletes = true;
    else if (lit === '-files0-from') starts.push(unknownWord('<find -files0-from>'));
    else if (WRITERS.has(lit) && expr[k + 1]) out.writes.push({ word: expr[k + 1]!, action: lit });
    else if (/^-(exec|execdir|ok|okdir)$/.test(lit)) {
      let end = k + 1;
      while (end < expr.length && expr[end]!.literal !== ';' && expr[end]!.literal !== '+') end++;
      out.execs.push(expr.slice(k + 1, end));
      k = end;
    }
  }
  if (starts.length === 0) starts.push(literalWord('.'));
  return out;
}
