import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { parseDotenv, parseEnvLines, setEnvValue } from '../../../src-main/core/flags/dotenv.js';
import { validateIdentifier } from '../../../src-main/core/flags/identifiers.js';

test('parse: quotes, export, inline comments, last assignment wins', () => {
  const m = parseDotenv('A=1\nexport B = two \nC="x # not a comment"\nD=\'y\'\nE=val # note\nA=3\n#F=9\n  G=\n');
  assert.equal(m.get('A'), '3');
  assert.equal(m.get('B'), 'two');
  assert.equal(m.get('C'), 'x # not a comment');
  assert.equal(m.get('D'), 'y');
  assert.equal(m.get('E'), 'val');
  assert.equal(m.has('F'), false);
  assert.equal(m.get('G'), '');
});

test('edit: only the effective value changes; style and neighbours kept', () => {
  assert.equal(setEnvValue('A=1\nA=2\n', 'A', '0'), 'A=1\nA=0\n');
  assert.equal(setEnvValue("X='1' # c\n", 'X', '0'), "X='0' # c\n");
  assert.equal(setEnvValue('X=\n', 'X', '5'), 'X=5\n');
  assert.equal(setEnvValue('X= # c\n', 'X', '5'), 'X=5 # c\n');
  assert.equal(setEnvValue('', 'X', '1'), 'X=1\n');
  assert.equal(setEnvValue('Y=2', 'X', '1'), 'Y=2\nX=1\n');
  assert.equal(setEnvValue('Y=2\r\n', 'X', '1'), 'Y=2\r\nX=1\r\n');
});

const KEYS = ['JARVIS_SELF_MODIFY_ALLOWED', 'JARVIS_ETERNAL_LOOP', 'DISCORD_TRUSTED_USER_IDS', 'OTHER', 'A_B'];
const pieces = ['#', ' ', '\t', '=', '"', "'", '\r\n', '\n', 'export ', 'x', '1', '0', ',', 'é', '\u0001', ...KEYS];

function randomEnv(): string {
  let s = '';
  const n = randomInt(0, 40);
  for (let i = 0; i < n; i++) {
    if (randomInt(0, 3) === 0) s += `${KEYS[randomInt(0, KEYS.length)]}=${pieces[randomInt(0, pieces.length)]}\n`;
    else s += pieces[randomInt(0, pieces.length)];
  }
  return s;
}

test('round-trip fuzz: after an edit, the key reads back, every other line is byte-identical, and other keys keep their values', () => {
  for (let i = 0; i < 3000; i++) {
    const src = randomEnv();
    const key = KEYS[randomInt(0, KEYS.length)]!;
    const value = ['0', '1', '', '123456789012345678,234567890123456789'][randomInt(0, 4)]!;
    const out = setEnvValue(src, key, value);
    const after = parseDotenv(out);
    assert.equal(after.get(key), value, JSON.stringify({ src, key, value, out }));
    const before = parseDotenv(src);
    for (const [k, v] of before) if (k !== key) assert.equal(after.get(k), v, JSON.stringify({ src, key, out }));
    // Lines other than the edited one (or an appended one) are unchanged
    const a = parseEnvLines(src);
    const b = parseEnvLines(out);
    let diffs = 0;
    for (let j = 0; j < a.length; j++) if (a[j]!.text + a[j]!.eol !== (b[j]?.text ?? '') + (b[j]?.eol ?? '')) diffs++;
    assert.ok(diffs <= 1, JSON.stringify({ src, out }));
    // Editing to the same value again is a no-op
    assert.equal(setEnvValue(out, key, value), out);
  }
});

test('fuzz: random bytes never crash the parser', () => {
  for (let i = 0; i < 2000; i++) parseDotenv(randomBytes(randomInt(0, 300)).toString('utf8'));
});

test('identifiers per channel', () => {
  assert.equal(validateIdentifier('discord', '12345678901234567'), '12345678901234567');
  assert.throws(() => validateIdentifier('discord', '1234567890123456'));
  assert.throws(() => validateIdentifier('discord', '123456789012345678901'));
  assert.equal(validateIdentifier('telegram', '1'), '1');
  assert.throws(() => validateIdentifier('telegram', '0'));
  assert.throws(() => validateIdentifier('telegram', '-5'));
  assert.equal(validateIdentifier('email', 'a.b+c@example.co.uk'), 'a.b+c@example.co.uk');
  for (const bad of ['a@@b', 'a b@c', 'ab.c', 'a@b,c', "a'@b", 'a@b\n', '@b', 'a@']) assert.throws(() => validateIdentifier('email', bad), bad);
  assert.equal(validateIdentifier('sms', '+1234567'), '+1234567');
  for (const bad of ['+123456', '+1234567890123456', '+0123456789', '1234567', '+12 34567']) assert.throws(() => validateIdentifier('sms', bad), bad);
});
