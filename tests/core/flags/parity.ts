/**
 * The parity rule, checked file by file against the judge (python3-dotenv):
 *
 * 1. Python raises on the file ⟺ we report a not-utf8 doubt.
 * 2. Given the same environment, our dict is python-dotenv's, in order, None
 *    included, and the statements it warns about are ours (the port is exact,
 *    doubts or not).
 * 3. Reading blind (no environment, as the app does), every key no doubt
 *    touches has python-dotenv's value, whatever the agent's environment.
 * 4. Status never says off while python-dotenv reads '1': the switch as
 *    `status` classifies it (readingOf) is "paused" only if python's value
 *    is not '1'; with no doubt on the flag it agrees with flagOn.
 * 5. Every edit (pause, trust lists) either is refused because a doubt
 *    touches it, or python-dotenv then reads exactly the intended value, every
 *    other key as before (unless its value interpolates the edited key, as our
 *    grammar predicts), and every byte outside the edited value is kept.
 */
import assert from 'node:assert/strict';
import { blockingDoubts, checkedEdit, doubtsFor, readDotenv, setEnvValue, type DotenvReading, type EnvEdit } from '../../../src-main/core/flags/dotenv.js';
import { readingOf } from '../../../src-main/core/controls/switch-state.js';
import { flagOn } from '../../../src-main/core/flags/env-editor.js';
import { StratamError } from '../../../src-main/core/errors.js';
import type { JudgeAnswer, PythonDotenv } from '../../helpers/python-dotenv.js';

export const FLAG = 'JARVIS_SELF_MODIFY_ALLOWED';

export interface Case {
  name: string;
  bytes: Buffer;
  env?: Record<string, string>;
}

export const EDITS: readonly EnvEdit[] = [
  { key: FLAG, value: '0' },
  { key: 'DISCORD_TRUSTED_USER_IDS', value: '234567890123456789,345678901234567890' },
  { key: 'EMAIL_TRUSTED_SENDERS', value: '' },
  { key: 'JARVIS_ETERNAL_LOOP', value: '1' },
];

export interface Tally {
  files: number;
  pythonRaised: number;
  certainFlag: number;
  flagOnByPython: number;
  edits: number;
  editsRefused: number;
  editsAppended: number;
}

export const newTally = (): Tally => ({ files: 0, pythonRaised: 0, certainFlag: 0, flagOnByPython: 0, edits: 0, editsRefused: 0, editsAppended: 0 });

const show = (c: Case) => `${c.name}: ${JSON.stringify(c.bytes.toString('latin1'))}${c.env ? ` env ${JSON.stringify(c.env)}` : ''}`;
const environ = (c: Case) => new Map(Object.entries(c.env ?? {}));
const entries = (d: Map<string, string | null>) => [...d.entries()];

function checkReading(c: Case, py: JudgeAnswer, blind: DotenvReading, t: Tally): void {
  const why = show(c);
  const notUtf8 = blind.doubts.some((d) => d.kind === 'not-utf8');
  if (py.error !== null) {
    t.pythonRaised++;
    assert.equal(py.error, 'UnicodeDecodeError', why);
    assert.ok(notUtf8, `python-dotenv raised but we have no not-utf8 doubt: ${why}`);
    return;
  }
  assert.ok(!notUtf8, `not-utf8 doubt on a file python-dotenv read: ${why}`);
  const seeing = readDotenv(c.bytes, { environ: environ(c) });
  assert.deepEqual(entries(seeing.dict), entries(py.dict!), `dict differs from python-dotenv's: ${why}`);
  const ourErrors = blind.statements.filter((s) => s.error !== null).map((s) => s.line);
  assert.deepEqual(ourErrors, py.warned, `parse errors differ (ours, python's lines): ${why}`);
  for (const k of new Set([...py.dict!.keys(), ...blind.dict.keys()])) {
    if (doubtsFor(blind.doubts, [k]).length > 0) continue;
    assert.equal(blind.dict.get(k), py.dict!.get(k), `${JSON.stringify(k)} has no doubt but differs from python-dotenv: ${why}`);
  }
  // The classifier `status`, the watch and the console all use: never "paused" while the agent reads 1.
  const reading = readingOf({ bytes: c.bytes, mode: 0o600, owner: null, values: blind.values, doubts: blind.doubts }, '.env');
  if (reading.selfModify === 'paused') assert.notEqual(py.dict!.get(FLAG), '1', `status would say paused while python-dotenv reads 1: ${why}`);
  if (doubtsFor(blind.doubts, [FLAG]).length === 0) {
    t.certainFlag++;
    assert.equal(reading.selfModify === 'allowed', flagOn(blind.values, FLAG), `status and the flag disagree: ${why}`);
  }
  if (py.dict!.get(FLAG) === '1') t.flagOnByPython++;
}

/** The one part of `before` an edit may change: the value span, the spot after a lone key, or the end. */
function checkBytes(c: Case, before: DotenvReading, e: EnvEdit, out: string): boolean {
  const a = before.text;
  const s = before.statements.findLast((x) => x.key === e.key);
  if (!s) {
    assert.ok(out.startsWith(a), `append changed existing bytes: ${show(c)}`);
    assert.match(out.slice(a.length), new RegExp(`^(\\r\\n|\\r|\\n)?${e.key}=${e.value}(\\r\\n|\\r|\\n)$`), show(c));
    return true;
  }
  const span = s.valueSpan ?? { start: s.keySpan!.end, end: s.keySpan!.end };
  const kept = out.startsWith(a.slice(0, span.start)) && out.endsWith(a.slice(span.end)) && out.length >= span.start + a.length - span.end;
  assert.ok(kept, `bytes outside ${e.key}'s value (${span.start}..${span.end}) changed: ${show(c)} -> ${JSON.stringify(out)}`);
  return false;
}

interface Edited {
  c: Case;
  edit: EnvEdit;
  before: DotenvReading;
  beforePy: Map<string, string | null>;
  after: DotenvReading;
}

/**
 * Check a batch of files, and edits of each, against the judge: every edit of
 * EDITS, or (`edits: 'pause+1'`, for the bounded run) the pause and one other
 * edit in turn.
 */
export async function checkCases(judge: PythonDotenv, cases: readonly Case[], t: Tally, opts: { edits?: 'all' | 'pause+1' } = {}): Promise<void> {
  const answers = await judge.read(cases.map((c) => ({ bytes: c.bytes, ...(c.env ? { env: c.env } : {}) })));
  const edited: Edited[] = [];
  cases.forEach((c, i) => {
    const py = answers[i]!;
    const blind = readDotenv(c.bytes);
    t.files++;
    checkReading(c, py, blind, t);
    if (py.error !== null) return;
    const edits = opts.edits === 'pause+1' ? [EDITS[0]!, EDITS[1 + (t.files % (EDITS.length - 1))]!] : EDITS;
    for (const edit of edits) {
      t.edits++;
      let after: DotenvReading;
      try {
        after = checkedEdit(blind, [edit]);
      } catch (err) {
        assert.ok(err instanceof StratamError && err.kind === 'refused', `${edit.key}: ${String(err)}: ${show(c)}`);
        assert.ok(doubtsFor(blind.doubts, [edit.key]).length > 0, `${edit.key} refused with no doubt to justify it (${err.message}): ${show(c)}`);
        t.editsRefused++;
        continue;
      }
      assert.equal(blockingDoubts(blind.doubts, [edit.key]).length, 0, `${edit.key} edited despite a doubt: ${show(c)}`);
      if (checkBytes(c, blind, edit, after.text)) t.editsAppended++;
      assert.equal(setEnvValue(after.text, edit.key, edit.value), after.text, `editing twice is not a no-op: ${show(c)}`);
      edited.push({ c, edit, before: blind, beforePy: py.dict!, after });
    }
  });
  const again = await judge.read(edited.map((x) => ({ bytes: Buffer.from(x.after.text, 'utf8'), ...(x.c.env ? { env: x.c.env } : {}) })));
  edited.forEach((x, i) => {
    const py = again[i]!;
    const why = `${x.edit.key}=${x.edit.value} on ${show(x.c)} -> ${JSON.stringify(x.after.text)}`;
    assert.equal(py.error, null, why);
    assert.equal(py.dict!.get(x.edit.key), x.edit.value, `python-dotenv does not read the edited value: ${why}`);
    assert.deepEqual(py.warned, [], `the edit made python-dotenv warn: ${why}`);
    const seeing = { before: readDotenv(x.c.bytes, { environ: environ(x.c) }), after: readDotenv(x.after.text, { environ: environ(x.c) }) };
    assert.deepEqual(entries(seeing.after.dict), entries(py.dict!), `after the edit, our reading differs from python-dotenv's: ${why}`);
    for (const [k, v] of x.beforePy) {
      if (k === x.edit.key || py.dict!.get(k) === v) continue;
      // Only a value that interpolates the edited key may follow it, and our grammar must have said so.
      const raw = x.before.statements.findLast((s) => s.key === k)?.value ?? '';
      assert.ok(raw.includes('${'), `${JSON.stringify(k)} changed though it interpolates nothing: ${why}`);
      assert.notEqual(seeing.before.dict.get(k), seeing.after.dict.get(k), why);
    }
  });
}
