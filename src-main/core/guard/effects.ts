/**
 * What a command does to files, as the effect readers (file-effects.ts and
 * the readers it dispatches to) report it: which words it writes, truncates,
 * deletes, moves, links to or re-modes, and how far (`path`: the file itself;
 * `tree`: it and everything under it).
 */
import type { Reach } from './control-targets.js';
import type { Word } from './words.js';

export interface Effect {
  values: string[];
  reach: Reach;
  /** A verb for the reason: `writes`, `deletes`, `moves`, ... */
  verb: string;
  word: Word;
}

export interface Effects {
  writes: Effect[];
  /** Words whose deletion or overwrite would wipe the system (checked against `/` and system folders). */
  wipes: Array<{ word: Word; values: string[]; kind: 'rsync-delete' | 'shred' | 'move' }>;
  /** Shell text the command runs (`sed 'e cmd'`); null when it runs text we cannot read. */
  scripts: Array<string | null>;
}

export const effectOf = (w: Word, reach: Reach, verb: string): Effect => ({ values: w.values, reach, verb, word: w });

export const noEffects = (): Effects => ({ writes: [], wipes: [], scripts: [] });

/** Add one effect per word. */
export function addAll(out: Effects, words: Iterable<Word>, reach: Reach, verb: string): void {
  for (const w of words) out.writes.push(effectOf(w, reach, verb));
}
