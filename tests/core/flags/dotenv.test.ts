/**
 * The editor's exact output on the cases it must get right by construction,
 * the reading's spans and lines, and the identifier rules. What python-dotenv
 * makes of every result is checked in dotenv-parity.test.ts and the fuzz.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkedEdit, lineBreakOf, parseStatements, readDotenv, setEnvValue } from '../../../src-main/core/flags/dotenv.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { assertSafeValue, validateIdentifier } from '../../../src-main/core/flags/identifiers.js';

test('read: quotes, export, inline comments, last assignment wins, KEY alone is unset', () => {
  const r = readDotenv('A=1\nexport B = two \nC="x # not a comment"\nD=\'y\'\nE=val # note\nA=3\n#F=9\n  G=\nH\n');
  assert.deepEqual(
    [...r.dict],
    [
      ['A', '3'],
      ['B', 'two'],
      ['C', 'x # not a comment'],
      ['D', 'y'],
      ['E', 'val'],
      ['G', ''],
      ['H', null],
    ],
  );
  assert.equal(r.values.has('H'), false, 'None is absent from values');
  assert.equal(r.values.has('F'), false);
  assert.deepEqual(r.doubts, []);
});

test('read: spans and lines count \\r\\n, lone \\r and \\n as one break each', () => {
  const text = 'A=1\r\nB="x\ry"\rC=3';
  const s = parseStatements(text).filter((x) => x.key !== null);
  assert.deepEqual(
    s.map((x) => [x.key, x.value, x.atLine, text.slice(x.valueSpan!.start, x.valueSpan!.end)]),
    [
      ['A', '1', 1, '1'],
      ['B', 'x\ny', 2, 'x\ry'],
      ['C', '3', 4, '3'],
    ],
  );
});

test('edit: only the effective value changes; style and neighbours kept', () => {
  const cases: Array<[string, string, string, string]> = [
    ['A=1\nA=2\n', 'A', '0', 'A=1\nA=0\n'],
    ["X='1' # c\n", 'X', '0', "X='0' # c\n"],
    ['X="1"\r\n', 'X', '0', 'X="0"\r\n'],
    ['X=\n', 'X', '5', 'X=5\n'],
    // python-dotenv reads `X= # c` as "# c": that is the value, and it is what is replaced.
    ['X= # c\n', 'X', '5', 'X= 5\n'],
    ['X=abc # c\n', 'X', '', "X='' # c\n"],
    ['X=abc  \n', 'X', '', 'X=  \n'],
    ['X="a\nb"\nY=1', 'X', '0', 'X="0"\nY=1'],
    ['export\tJARVIS_SELF_MODIFY_ALLOWED=1', 'JARVIS_SELF_MODIFY_ALLOWED', '0', 'export\tJARVIS_SELF_MODIFY_ALLOWED=0'],
    ['A=1\rX=1\rB=2\r', 'X', '0', 'A=1\rX=0\rB=2\r'],
    // KEY alone becomes an assignment, before its comment
    ['X\n', 'X', '1', 'X=1\n'],
    ['X #c\n', 'X', '1', 'X=1 #c\n'],
    ['X#c', 'X', '1', 'X=1 #c'],
    ['X #c', 'X', '', "X='' #c"],
    ['X', 'X', '', 'X='],
    ["'X'\n", 'X', '1', "'X'=1\n"],
    ['export X\n', 'X', '1', 'export X=1\n'],
    ['X=1\nX\n', 'X', '0', 'X=1\nX=0\n'],
    // absent: one line appended with the file's own line break
    ['', 'X', '1', 'X=1\n'],
    ['Y=2', 'X', '1', 'Y=2\nX=1\n'],
    ['Y=2\r\n', 'X', '1', 'Y=2\r\nX=1\r\n'],
    ['Y=2\r\nZ=3', 'X', '1', 'Y=2\r\nZ=3\r\nX=1\r\n'],
    ['Y=2\r', 'X', '1', 'Y=2\rX=1\r'],
    ['Y=2\n# end', 'X', '1', 'Y=2\n# end\nX=1\n'],
  ];
  for (const [src, key, value, want] of cases) {
    assert.equal(setEnvValue(src, key, value), want, JSON.stringify(src));
    assert.equal(checkedEdit(readDotenv(src), [{ key, value }]).values.get(key), value, JSON.stringify(src));
  }
  assert.equal(lineBreakOf('a\r\nb\n'), '\n');
  assert.equal(lineBreakOf('a\nb\r'), '\r');
});

test("edit: a doubt that touches the key refuses, naming the line, reason and fix; other keys' doubts do not", () => {
  const file = 'JARVIS_SELF_MODIFY_ALLOWED=1\nNOTE="\nJARVIS_SELF_MODIFY_ALLOWED=0\n"\n';
  assert.throws(
    () => checkedEdit(readDotenv(file), [{ key: 'JARVIS_SELF_MODIFY_ALLOWED', value: '0' }], '/opt/jarvis/.env'),
    (err: unknown) => {
      assert.ok(err instanceof StratamError);
      assert.equal(err.kind, 'refused');
      assert.match(err.message, /^\/opt\/jarvis\/\.env line 3: line 3 looks like an assignment/);
      assert.match(err.message, /nothing was written/);
      assert.match(err.hint!, /Close the quote on line 2/);
      assert.equal(err.detail?.line, 3);
      assert.equal(err.detail?.key, null);
      return true;
    },
  );
  const api = 'OPENAI_API_KEY=${KEY}\nJARVIS_SELF_MODIFY_ALLOWED=1\n';
  assert.equal(checkedEdit(readDotenv(api), [{ key: 'JARVIS_SELF_MODIFY_ALLOWED', value: '0' }]).text, 'OPENAI_API_KEY=${KEY}\nJARVIS_SELF_MODIFY_ALLOWED=0\n');
});

test('edit: a later key interpolating the edited one follows it, and nothing else changes', () => {
  const r = checkedEdit(readDotenv('JARVIS_SELF_MODIFY_ALLOWED=1\nJARVIS_ETERNAL_LOOP=${JARVIS_SELF_MODIFY_ALLOWED}\n'), [{ key: 'JARVIS_SELF_MODIFY_ALLOWED', value: '0' }]);
  assert.deepEqual(
    [...r.values],
    [
      ['JARVIS_SELF_MODIFY_ALLOWED', '0'],
      ['JARVIS_ETERNAL_LOOP', '0'],
    ],
  );
});

test('random bytes never crash the reader or the editor', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.from(Array.from({ length: next() % 300 }, () => next() % 256));
    const r = readDotenv(bytes);
    assert.equal(r.statements.map((s) => r.text.slice(s.span.start, s.span.end)).join(''), r.text, 'statements cover the text exactly');
    try {
      checkedEdit(r, [{ key: 'JARVIS_SELF_MODIFY_ALLOWED', value: '0' }]);
    } catch (err) {
      assert.ok(err instanceof StratamError && err.kind === 'refused', String(err));
    }
  }
});

test('identifiers per channel', () => {
  assert.equal(validateIdentifier('discord', '12345678901234567'), '12345678901234567');
  assert.throws(() => validateIdentifier('discord', '1234567890123456'));
  assert.throws(() => validateIdentifier('discord', '123456789012345678901'));
  assert.equal(validateIdentifier('telegram', '1'), '1');
  assert.throws(() => validateIdentifier('telegram', '0'));
  assert.throws(() => validateIdentifier('telegram', '-5'));
  assert.equal(validateIdentifier('email', 'a.b+c@example.co.uk'), 'a.b+c@example.co.uk');
  for (const bad of ['a@@b', 'a b@c', 'ab.c', 'a@b,c', "a'@b", 'a@b\n', '@b', 'a@', 'a${X}@b', 'a\x85@b']) assert.throws(() => validateIdentifier('email', bad), bad);
  assert.equal(validateIdentifier('sms', '+1234567'), '+1234567');
  for (const bad of ['+123456', '+1234567890123456', '+0123456789', '1234567', '+12 34567']) assert.throws(() => validateIdentifier('sms', bad), bad);
  for (const bad of ['${X}', 'a$b', '\x85', '\u009f']) assert.throws(() => assertSafeValue(bad), JSON.stringify(bad));
});

test("edit: a flag taken from the agent's environment can still be paused (its own value becomes a literal)", () => {
  const flagFromEnv = readDotenv('JARVIS_SELF_MODIFY_ALLOWED=${ON:-1}\nOPENAI_API_KEY=${KEY}\n');
  assert.deepEqual(
    flagFromEnv.doubts.map((d) => [d.kind, d.key]),
    [
      ['environment', 'JARVIS_SELF_MODIFY_ALLOWED'],
      ['environment', 'OPENAI_API_KEY'],
    ],
  );
  const paused = checkedEdit(flagFromEnv, [{ key: 'JARVIS_SELF_MODIFY_ALLOWED', value: '0' }]);
  assert.equal(paused.text, 'JARVIS_SELF_MODIFY_ALLOWED=0\nOPENAI_API_KEY=${KEY}\n');
  assert.equal(paused.values.get('JARVIS_SELF_MODIFY_ALLOWED'), '0');
  // Another doubt still stops it: the edit replaces only the flag's own value.
  const other = readDotenv('JARVIS_SELF_MODIFY_ALLOWED=${ON:-1}\nNOTE="\nJARVIS_SELF_MODIFY_ALLOWED=1\n"\n');
  assert.throws(
    () => checkedEdit(other, [{ key: 'JARVIS_SELF_MODIFY_ALLOWED', value: '0' }]),
    (e: unknown) => e instanceof StratamError && e.kind === 'refused',
  );
});
