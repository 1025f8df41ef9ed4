/**
 * Typos get a suggestion: `stratam pasue`, `--hots`, `audit tail --line 3`.
 *
 * Each command's options are read from its own usage text (every `--flag`
 * it names), so the check needs no second list to keep in step, and a
 * command whose usage forgot a flag fails its `--help` test rather than
 * silently accepting anything. Written here rather than taken from a
 * package: the edit distance is a dozen lines and the lists are tiny.
 */
import { usageError } from '../core/errors.js';

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps ("pasue"). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a distance that still reads as a typo (or one that starts the same way), else null. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestScore = Infinity;
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  for (const c of candidates) {
    const score = editDistance(word, c);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  if (best !== null && bestScore <= limit) return best;
  // "--line" for "--lines", "--verb" for "--verbose": a prefix of exactly one candidate.
  const prefixed = candidates.filter((c) => c.startsWith(word) && word.replace(/^-+/, '').length >= 3);
  return prefixed.length === 1 ? prefixed[0]! : null;
}

/** Every `--flag` a usage text names. */
export function optionsInUsage(usage: string): Set<string> {
  return new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? []);
}

/**
 * Refuse an option the command does not take, naming the closest one it (or
 * the global list) does. Only words before a bare `--` are options: after it
 * they belong to the command being run on the droplet.
 */
export function checkOptions(command: string, argv: readonly string[], usage: string, globalOptions: readonly string[]): void {
  const own = optionsInUsage(usage);
  for (const arg of argv) {
    if (arg === '--') return;
    if (!arg.startsWith('--')) continue;
    const flag = arg.split('=', 1)[0]!;
    if (own.has(flag)) continue;
    const guess = closest(flag, [...own, ...globalOptions]);
    const afterDashes = usage.includes(' -- ') ? ` If ${flag.slice(0, 40)} belongs to the command to run, put it after \`--\`.` : '';
    throw usageError(`"stratam ${command}" has no option ${flag.slice(0, 40)}.${guess ? ` Did you mean ${guess}?` : ''}`, `Run \`stratam ${command} --help\` for its options.${afterDashes}`);
  }
}

/** An unknown command, with the closest known one. */
export function unknownCommand(name: string, known: readonly string[]) {
  const guess = closest(name, known);
  return usageError(`Unknown command "${name.slice(0, 40)}".${guess ? ` Did you mean \`stratam ${guess}\`?` : ''}`, 'Run `stratam --help` for the list.');
}
