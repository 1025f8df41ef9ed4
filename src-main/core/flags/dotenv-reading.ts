/**
 * Reading .env as the agent does, and saying where we cannot be sure it does.
 *
 * The values are python-dotenv's, exactly (the grammar and resolution ports
 * beside this file). A doubt marks anything in the file whose meaning the
 * agent might not share with us or with the operator:
 *
 * file-wide (key null): they can change how the whole file splits into
 * bindings, so no key of the file can be trusted:
 * - bytes that are not UTF-8: python-dotenv raises and the agent reads nothing;
 * - a NUL byte: not a text file (an editor, grep or a shell cut it short);
 * - a statement python-dotenv cannot parse (it warns, skips to the end of that
 *   line and resynchronises there: the classic unclosed quote);
 * - a quoted value with no closing quote that python-dotenv still accepts,
 *   ending it at the last escaped quote (`A="x\"`): where it ends depends on
 *   every quote after it, so the split of the rest of the file is fragile;
 * - a line inside a multi-line quoted key or value that looks like `KEY=`:
 *   python-dotenv reads it as part of the value, the operator reads an
 *   assignment.
 *
 * one key: only matter to a caller that needs that key:
 * - a value interpolating `${VAR}` that is not assigned earlier in the file,
 *   so it comes from the agent's process environment, which we cannot see
 *   (there `values` holds what an empty environment gives: the default or "").
 */
import { type Statement, type StatementError, lineOf, lineStarts, parseStatements, breakAt } from './dotenv-grammar.js';
import { resolveValues } from './dotenv-values.js';
import { isContractKey } from './contract-keys.js';
import { printable } from './identifiers.js';
import { firstInvalidUtf8, isPyInlineSpace, isPyWhitespace, lineOfByte } from './py-text.js';

export type DoubtKind = 'not-utf8' | 'nul' | 'parse-error' | 'closed-by-escape' | 'assignment-in-quotes' | 'environment';

export interface Doubt {
  /** 1-based line the operator should look at. */
  line: number;
  /** null: file-wide, it touches every key; otherwise the one key whose value it makes uncertain. */
  key: string | null;
  /** Always set by readDotenv; optional so a doubt relayed from elsewhere (the control-plane watch) still fits. */
  kind?: DoubtKind;
  /** What was found, by line and key name; never a value. */
  reason: string;
  /** One sentence: what to change in the file. */
  fix: string;
}

export interface DotenvReading {
  /** The decoded text (U+FFFD where bytes were not UTF-8; a not-utf8 doubt says so). */
  text: string;
  statements: Statement[];
  /** dotenv_values() exactly: null where python-dotenv returns None (`KEY` with no `=`). */
  dict: Map<string, string | null>;
  /**
   * What every caller means by "the value": the keys python-dotenv gives a
   * string. A key read as None is absent here, like a key never assigned,
   * because for the agent both mean "unset" (and a flag that is unset is off).
   */
  values: Map<string, string>;
  doubts: Doubt[];
}

export interface ReadOptions {
  /** The agent's environment for `${VAR}` lookups, when known (tests); empty otherwise. */
  environ?: ReadonlyMap<string, string>;
}

const name = (s: string) => JSON.stringify(printable(s));
/**
 * Text from inside a value may be part of a secret (a multi-line private key),
 * so a doubt names such a word only when it is a contract key, and a
 * variable only when it has the shape of an environment name.
 */
const looksName = (s: string) => (isContractKey(s) ? ` of ${name(s)}` : '');
const variableName = (s: string) => (/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(s) ? `\${${s}}` : 'a variable');

const PARSE_ERRORS: Readonly<Record<StatementError, { reason: (l: number) => string; fix: (l: number) => string }>> = {
  'no-key': {
    reason: (l) => `python-dotenv finds no key on line ${l} and skips that statement`,
    fix: (l) => `Start line ${l} with KEY= or make it a comment with #.`,
  },
  'unclosed-key-quote': {
    reason: (l) => `the quoted key on line ${l} has no closing quote, so python-dotenv skips that line`,
    fix: (l) => `Close the quote on line ${l}, or remove it.`,
  },
  'unclosed-value-quote': {
    reason: (l) => `the value quoted on line ${l} has no closing quote, so python-dotenv skips the rest of that line and reads the lines after it as statements of their own`,
    fix: (l) => `Close the quote on line ${l}, or remove it.`,
  },
  'text-after-statement': {
    reason: (l) => `text follows the value (or the key) on line ${l}, so python-dotenv ignores the whole statement`,
    fix: (l) => `On line ${l}, remove what follows the value, or start it with " #" to make it a comment.`,
  },
};

/**
 * A line that reads as an assignment on its own: `[export] NAME =` with NAME
 * an upper-case environment name (the convention every key of the contract
 * follows), or any python-dotenv key after `export`. Lower-case words before
 * `=` are left alone: base64 lines (a PEM key's `...==`) look like that and
 * are content, not assignments anyone means. Returns the name, or null.
 */
function assignmentLike(text: string, from: number): string | null {
  let p = from;
  while (p < text.length && isPyInlineSpace(text.charCodeAt(p))) p++;
  let exported = false;
  if (text.startsWith('export', p) && isPyInlineSpace(text.charCodeAt(p + 6))) {
    exported = true;
    p += 6;
    while (p < text.length && isPyInlineSpace(text.charCodeAt(p))) p++;
  }
  let key: string;
  if (text[p] === "'") {
    const close = text.indexOf("'", p + 1);
    if (close <= p + 1 || /[\r\n]/.test(text.slice(p, close))) return null;
    key = text.slice(p + 1, close);
    p = close + 1;
  } else {
    const start = p;
    while (p < text.length && text[p] !== '=' && text[p] !== '#' && !isPyWhitespace(text.charCodeAt(p))) p++;
    if (p === start) return null;
    key = text.slice(start, p);
  }
  while (p < text.length && isPyInlineSpace(text.charCodeAt(p))) p++;
  if (text[p] !== '=') return null;
  return exported || /^[A-Z_][A-Z0-9_]*$/.test(key) ? key : null;
}

/** Lines that start inside a quoted key or value of `s` and look like assignments. */
function swallowedAssignments(text: string, starts: readonly number[], s: Statement): Doubt[] {
  const out: Doubt[] = [];
  const keySpan = s.keySpan && text[s.keySpan.start] === "'" ? s.keySpan : null;
  for (const span of [s.quote ? s.valueSpan : null, keySpan]) {
    if (!span) continue;
    // Name the key only when it is the value that spans lines: a key that itself spans lines could carry
    // anything (a pasted secret), and is never printed.
    const what = span === keySpan || s.key === null || /[\r\n]/.test(s.key) ? 'a quoted key' : `the quoted value of ${name(s.key)}`;
    for (let p = span.start; p < span.end; p++) {
      const b = breakAt(text, p);
      if (b === 0) continue;
      p += b - 1;
      const looks = assignmentLike(text, p + 1);
      if (looks === null) continue;
      const line = lineOf(starts, p + 1);
      out.push({
        line,
        key: null,
        kind: 'assignment-in-quotes',
        reason: `line ${line} looks like an assignment${looksName(looks)} but is inside ${what} opened on line ${s.atLine}, so python-dotenv reads it as part of that value`,
        fix: `Close the quote on line ${s.atLine} so line ${line} stands on its own, or, if the value is meant to span lines, write it on one line with \\n escapes in double quotes.`,
      });
    }
  }
  return out;
}

function encodingDoubts(bytes: Uint8Array): Doubt[] {
  const out: Doubt[] = [];
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const line = lineOfByte(bytes, bad);
    out.push({
      line,
      key: null,
      kind: 'not-utf8',
      reason: `byte ${bad} (line ${line}) is not valid UTF-8, so python-dotenv raises UnicodeDecodeError and the agent reads no value from the file`,
      fix: `Re-save the file as UTF-8 (retype or remove the character on line ${line}).`,
    });
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = lineOfByte(bytes, nul);
    out.push({ line, key: null, kind: 'nul', reason: `line ${line} holds a NUL byte, which makes the file binary to every other reader`, fix: `Remove the NUL byte from line ${line}.` });
  }
  return out;
}

export function readDotenv(input: Uint8Array | string, opts: ReadOptions = {}): DotenvReading {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  // Buffer's utf8 decoding keeps a BOM and is exact for valid UTF-8; invalid bytes become U+FFFD (and a doubt).
  const text = typeof input === 'string' ? input : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const starts = lineStarts(text);
  const statements = parseStatements(text, starts);
  const { dict, environment } = resolveValues(statements, opts.environ);
  const doubts = encodingDoubts(bytes);
  for (const s of statements) {
    if (s.error) {
      const line = lineOf(starts, s.errorAt);
      const e = PARSE_ERRORS[s.error];
      const from = s.atLine === line ? '' : ` (the statement starts on line ${s.atLine})`;
      doubts.push({ line, key: null, kind: 'parse-error', reason: `${e.reason(line)}${from}`, fix: e.fix(line) });
    } else {
      if (s.closedByEscape) {
        const open = lineOf(starts, s.valueSpan!.start);
        const close = lineOf(starts, s.valueSpan!.end);
        doubts.push({
          line: open,
          key: null,
          kind: 'closed-by-escape',
          reason: `the value quoted on line ${open} has no closing quote; python-dotenv ends it at the escaped quote on line ${close} only because no other quote follows, so any quote added later in the file moves its end`,
          fix: `Close the quote on line ${open} (an escaped quote inside it does not close it).`,
        });
      }
      doubts.push(...swallowedAssignments(text, starts, s));
    }
  }
  for (const [key, use] of environment) {
    const how = use.through === null ? 'is not assigned earlier in the file' : 'got its own value from the environment';
    doubts.push({
      line: use.line,
      key,
      kind: 'environment',
      reason: `the value of ${name(key)} on line ${use.line} interpolates ${variableName(use.variable)}, which ${how}, so the value depends on the agent's process environment, which the app cannot see`,
      fix: `Write the value of ${name(key)} on line ${use.line} literally, without \${...}.`,
    });
  }
  doubts.sort((a, b) => a.line - b.line);
  const values = new Map<string, string>();
  for (const [k, v] of dict) if (v !== null) values.set(k, v);
  return { text, statements, dict, values, doubts };
}

/** The doubts that matter to a caller that needs `keys`: every file-wide doubt, and those of these keys. */
export function doubtsFor(doubts: readonly Doubt[], keys: readonly string[]): Doubt[] {
  return doubts.filter((d) => d.key === null || keys.includes(d.key));
}
