/**
 * The text part of a search: a case-insensitive substring of the line as
 * written (its JSON text: a quote in a value is `\"`, and a character the
 * agent wrote as `\u00e9` is those six characters).
 *
 * "Case-insensitive" is JavaScript's RegExp `i` flag without `u`: ASCII
 * letters match only ASCII letters (the Kelvin sign is not a `k`), other
 * characters match by toUpperCase. So a needle that is all ASCII is matched
 * exactly by folding ASCII bytes (byte-finder.ts), with nothing decoded;
 * in UTF-8 an ASCII byte is always that ASCII character. A needle with other
 * characters is prefiltered on its longest ASCII run (when it has one) and
 * checked on the decoded line with that RegExp.
 */
import { ByteFinder } from './byte-finder.js';

export interface TextMatcher {
  /** Lines that can match hold these bytes (null: every line is a candidate). */
  finder: ByteFinder | null;
  /** Check a candidate line's decoded text, when the bytes alone do not decide. */
  verify: ((line: string) => boolean) | null;
  /** A needle no line can hold (it has a newline): skip the scan. */
  impossible: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function textMatcher(text: string): TextMatcher {
  // A line never holds a raw newline, so no line holds such a needle.
  if (text.includes('\n')) return { finder: null, verify: null, impossible: true };
  if (/^[\x00-\x7f]*$/.test(text)) return { finder: new ByteFinder(Buffer.from(text, 'latin1'), true), verify: null, impossible: false };
  const re = new RegExp(escapeRegExp(text), 'i');
  const runs = text.match(/[\x00-\x7f]+/g) ?? [];
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
  return { finder: longest ? new ByteFinder(Buffer.from(longest, 'latin1'), true) : null, verify: (line) => re.test(line), impossible: false };
}
