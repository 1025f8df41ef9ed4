/**
 * The field filters of a search (tool, outcome, channel, trust, time), on a
 * parsed record, and the one rule for a record's outcome, which the feed
 * view's in-memory filters (audit-query.ts) use too.
 */
import { ByteFinder } from './byte-finder.js';
import type { Outcome, SearchQuery } from './search-types.js';

/**
 * `blocked` a non-empty string: blocked (the agent's guard stopped the call,
 * and says why); else `ok: true`: ok; anything else: failed. An empty string
 * is not a reason, the same as the console's rows and the CLI's lines read it.
 */
export function outcomeOf(value: Record<string, unknown>): Outcome {
  if (typeof value.blocked === 'string' && value.blocked !== '') return 'blocked';
  return value.ok === true ? 'ok' : 'failed';
}

/** A field as the views show it: the string, or '?' when absent or not a string. */
export const fieldOf = (value: Record<string, unknown>, key: string): string => {
  const v = value[key];
  return typeof v === 'string' ? v : '?';
};

/** ms since epoch of the record's `ts`, NaN when absent or unparsable (it then fails any time bound). */
export const timeOf = (value: Record<string, unknown>): number => (typeof value.ts === 'string' ? Date.parse(value.ts) : Number.NaN);

/** Does the parsed record pass every field filter of `q`? (An empty list passes nothing, as in audit-query.ts.) */
export function recordFilter(q: SearchQuery): ((value: Record<string, unknown>) => boolean) | null {
  const { tools, outcomes, channels, trust, since, until } = q;
  if (!tools && !outcomes && !channels && !trust && since === undefined && until === undefined) return null;
  return (v) => {
    if (tools && !tools.includes(fieldOf(v, 'tool'))) return false;
    if (channels && !channels.includes(fieldOf(v, 'channel'))) return false;
    if (trust && !trust.includes(fieldOf(v, 'trust'))) return false;
    if (outcomes && !outcomes.includes(outcomeOf(v))) return false;
    if (since !== undefined || until !== undefined) {
      const at = timeOf(v);
      if (since !== undefined && !(at >= since)) return false;
      if (until !== undefined && !(at <= until)) return false;
    }
    return true;
  };
}

/**
 * Byte prefilter for an exact-value filter (tool, else channel, else trust)
 * when there is no text: a matching line holds one of the values as a JSON
 * string, `"host_exec"`. JSON can spell any character as `\uXXXX`, and
 * only that way for the values taken here (no `"`, `\`, `/` or control
 * characters, whose other spellings are `\"`, `\/`, `\n`...: a value with
 * one gets no prefilter, and so does '?', which also stands for "absent").
 * So a line holding `\u` anywhere is a candidate too and is parsed and
 * checked like the others: `"host\u005fexec"` cannot hide a call from
 * `--tool host_exec`. The agent writes `\u` only for non-ASCII and control characters, so
 * this costs one more memchr pass and a few parses.
 * Returns null when no prefilter applies (every line is parsed).
 */
export function valueFinders(q: SearchQuery): ByteFinder[] | null {
  const values = q.tools ?? q.channels ?? q.trust;
  if (!values) return null;
  if (values.some((v) => v === '' || v === '?' || /["\\/\x00-\x1f]/.test(v))) return null;
  return [...values.map((v) => new ByteFinder(Buffer.from(JSON.stringify(v), 'utf8'), false)), new ByteFinder(Buffer.from('\\u', 'latin1'), false)];
}

const isJsonSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0d;

/** After a key: optional spaces, a colon, optional spaces, and a non-empty string (`: "x`). */
function nonEmptyStringValue(buf: Buffer, at: number): boolean {
  let i = at;
  while (isJsonSpace(buf[i])) i++;
  if (buf[i++] !== 0x3a) return false;
  while (isJsonSpace(buf[i])) i++;
  return buf[i] === 0x22 && buf[i + 1] !== 0x22;
}

/**
 * Byte prefilter for `--outcome blocked` alone: a blocked record has the key
 * `"blocked"` with a non-empty string value, so the line holds `"blocked"`
 * followed by `: "` and not `""` (spaces allowed, for writers that put them).
 * As for values, a key spelled with `\u` makes the line a candidate. Every
 * record has `"blocked": null`, so the value check is what makes this select
 * (a blocked call is rare; without it every line would be parsed).
 */
export function blockedFinders(q: SearchQuery): ByteFinder[] | null {
  if (!q.outcomes || q.outcomes.length === 0 || q.outcomes.some((o) => o !== 'blocked')) return null;
  return [new ByteFinder(Buffer.from('"blocked"', 'latin1'), false, nonEmptyStringValue), new ByteFinder(Buffer.from('\\u', 'latin1'), false)];
}
