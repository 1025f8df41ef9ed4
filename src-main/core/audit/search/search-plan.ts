/**
 * What a query asks of each line, decided once per search: which bytes a
 * candidate line must hold (checked before anything is parsed), what is
 * checked on its decoded text, and what on its parsed record.
 */
import type { ByteFinder } from './byte-finder.js';
import { blockedFinders, recordFilter, valueFinders } from './record-filter.js';
import type { SearchQuery } from './search-types.js';
import { textMatcher } from './text-matcher.js';

export interface SearchPlan {
  /** A line is a candidate when one of these finds it (null: every line is). */
  finders: ByteFinder[] | null;
  verify: ((line: string) => boolean) | null;
  /** Field filters on the parsed record (null: none; then a line that is not a JSON object can be a hit). */
  filter: ((value: Record<string, unknown>) => boolean) | null;
  /** Nothing can match (an empty filter list, a needle with a newline): no need to read. */
  impossible: boolean;
}

export function planOf(q: SearchQuery): SearchPlan {
  const filter = recordFilter(q);
  const lists = [q.tools, q.outcomes, q.channels, q.trust];
  if (lists.some((l) => l !== undefined && l.length === 0)) return { finders: null, verify: null, filter, impossible: true };
  if (q.text) {
    const t = textMatcher(q.text);
    return { finders: t.finder ? [t.finder] : fieldFinders(q), verify: t.verify, filter, impossible: t.impossible };
  }
  return { finders: fieldFinders(q), verify: null, filter, impossible: false };
}

/** Blocked calls are the rarest thing a field filter asks for, so that prefilter goes first; then tool, channel, trust. */
const fieldFinders = (q: SearchQuery): ByteFinder[] | null => blockedFinders(q) ?? valueFinders(q);
