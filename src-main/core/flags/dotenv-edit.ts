/**
 * Editing .env on the agent's own grammar (dotenv-grammar.ts), so an edit and
 * a reading can never disagree about which bytes are a key's value.
 *
 * An edit touches only the value of the key's effective (last) binding,
 * inside its quotes when it has them; comments, order, line breaks (\n,
 * \r\n, lone \r) and every other byte stay. An absent key gets one line
 * `KEY=value` at the end, with the file's own line break. Before anything is
 * written, the result is read again and must differ from the original in
 * exactly the intended values (checkedEdit), so a value the grammar would
 * read differently is refused, never written.
 */
import { refusedError } from '../errors.js';
import { breakAt, parseStatements, type Statement } from './dotenv-grammar.js';
import { doubtsFor, readDotenv, type Doubt, type DotenvReading } from './dotenv-reading.js';
import { isPyInlineSpace } from './py-text.js';

export interface EnvEdit {
  key: string;
  value: string;
}

const lastBinding = (statements: readonly Statement[], key: string) => statements.findLast((s) => s.key === key);

/** The line break this file uses last (\n when it has none), for an appended line. */
export function lineBreakOf(text: string): string {
  const i = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  if (i < 0) return '\n';
  if (text[i] === '\r') return '\r';
  return text[i - 1] === '\r' ? '\r\n' : '\n';
}

/** True when only inline space follows `from` up to the line break (or the end). */
function restIsBlank(text: string, from: number): boolean {
  for (let p = from; p < text.length && breakAt(text, p) === 0; p++) if (!isPyInlineSpace(text.charCodeAt(p))) return false;
  return true;
}

/**
 * An empty value followed by ` # note` needs quotes: bare, python-dotenv would
 * read "# note" as the value. The two quotes cannot close an earlier quoted
 * value: in a file with no doubt every quoted value has its own closing
 * quote (one ended by backtracking is the closed-by-escape doubt).
 */
const EMPTY = "''";

/**
 * Set `key` to `value` in `text`. The value must already be plain (see
 * identifiers.ts: no quote, backslash, `#`, `$`, `=` or control character).
 * Pure text: use checkedEdit to also prove the result reads as intended.
 */
export function setEnvValue(text: string, key: string, value: string): string {
  const s = lastBinding(parseStatements(text), key);
  if (!s) {
    const eol = lineBreakOf(text);
    const sep = text.length > 0 && breakAt(text, text.length - 1) === 0 ? eol : '';
    return `${text}${sep}${key}=${value}${eol}`;
  }
  if (s.valueSpan === null) {
    // `KEY` alone (python's None) becomes an assignment right after the key, before any space or comment.
    const at = s.keySpan!.end;
    const written = value === '' && !restIsBlank(text, at) ? EMPTY : value;
    return `${text.slice(0, at)}=${written}${text[at] === '#' ? ' ' : ''}${text.slice(at)}`;
  }
  const { start, end } = s.valueSpan;
  const written = s.quote === '' && value === '' && !restIsBlank(text, end) ? EMPTY : value;
  return `${text.slice(0, start)}${written}${text.slice(end)}`;
}

/** The keyed statements python-dotenv yields, as (key, value before interpolation). */
const bindingsOf = (r: DotenvReading) => r.statements.filter((s) => s.key !== null).map((s) => ({ key: s.key!, value: s.value }));

/**
 * Refuse (exit 3) when the file holds a doubt that touches `keys`: the first
 * one is named by line, with its reason and fix; all are in the detail.
 */
export function refuseOnDoubt(doubts: readonly Doubt[], keys: readonly string[], file: string): void {
  const relevant = doubtsFor(doubts, keys);
  const d = relevant[0];
  if (!d) return;
  const more =
    relevant.length > 1
      ? ` (${relevant.length - 1} more: lines ${relevant
          .slice(1, 6)
          .map((x) => x.line)
          .join(', ')})`
      : '';
  throw refusedError(`${file} line ${d.line}: ${d.reason}. The agent may not read this file as the app would, so nothing was written${more}.`, d.fix, {
    path: file,
    line: d.line,
    key: d.key,
    kind: d.kind,
    reason: d.reason,
    fix: d.fix,
    doubts: relevant,
  });
}

/**
 * The doubts that stop an edit of `keys`: every doubt that touches them, but
 * an edited key's own `environment` doubt. The edit replaces that value with
 * a literal, so where it came from no longer matters, and the check after
 * the edit proves that nothing else reads differently. (So a flag written as
 * `${ON:-1}` can still be paused.)
 */
export function blockingDoubts(doubts: readonly Doubt[], keys: readonly string[]): Doubt[] {
  return doubtsFor(doubts, keys).filter((d) => !(d.kind === 'environment' && d.key !== null && keys.includes(d.key)));
}

/**
 * Apply `edits` to a reading and prove the result on the same grammar: the
 * bindings are the original ones with only the edited values changed (or one
 * appended per absent key), and no doubt touches the edited keys, before or
 * after. Throws a refusal (the caller then writes nothing) otherwise.
 */
export function checkedEdit(before: DotenvReading, edits: readonly EnvEdit[], file = '.env'): DotenvReading {
  refuseOnDoubt(
    blockingDoubts(
      before.doubts,
      edits.map((e) => e.key),
    ),
    edits.map((e) => e.key),
    file,
  );
  let text = before.text;
  for (const e of edits) text = setEnvValue(text, e.key, e.value);
  const after = readDotenv(text);
  const expected = bindingsOf(before);
  for (const e of edits) {
    const i = expected.findLastIndex((b) => b.key === e.key);
    if (i >= 0) expected[i] = { key: e.key, value: e.value };
    else expected.push({ key: e.key, value: e.value });
  }
  const got = bindingsOf(after);
  const intended = new Map(edits.map((e) => [e.key, e.value]));
  const keys = [...intended.keys()];
  const same = got.length === expected.length && got.every((b, i) => b.key === expected[i]!.key && b.value === expected[i]!.value);
  const wrong = keys.find((k) => after.values.get(k) !== intended.get(k));
  if (!same || wrong !== undefined || doubtsFor(after.doubts, keys).length > 0) {
    const which = wrong ?? keys.join(', ');
    throw refusedError(
      `${file}: writing ${which} here would change how python-dotenv reads the file beyond the intended value, so nothing was written.`,
      `Edit ${which} by hand on the droplet (one plain KEY=value line), then retry.`,
      { keys },
    );
  }
  return after;
}
