// The escaper (src-main/cli/terminal-safe.ts) and the one place output is written (src-main/cli/output.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { escapeField, escapeJsonLines, escapeStream, escapeText, safeJson } from '../../src-main/cli/terminal-safe.js';
import { Output } from '../../src-main/cli/output.js';
import { describeUnsafe } from '../helpers/terminal-check.js';

test('C0, DEL and C1 controls are shown, not sent: CSI, OSC 52, CR, LF, backspace, C1 CSI', () => {
  assert.equal(escapeField('\x1b[2J\x1b[H'), '\\x1b[2J\\x1b[H');
  assert.equal(escapeField('\x1b]52;c;cm0gLXJmIH4=\x07'), '\\x1b]52;c;cm0gLXJmIH4=\\x07');
  assert.equal(escapeField('ok\rFORGED'), 'ok\\rFORGED');
  assert.equal(escapeField('a\nb\tc'), 'a\\nb\\tc');
  assert.equal(escapeField('abc\b\b\bxyz'), 'abc\\x08\\x08\\x08xyz');
  assert.equal(escapeField('\x00\x7f\x85\x9b2J\x9d'), '\\x00\\x7f\\x85\\x9b2J\\x9d');
});

test('bidi controls, separators and invisible format characters are shown by code point', () => {
  const bidi = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c';
  assert.equal(escapeField(bidi), '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c');
  assert.equal(escapeField('a\u2028b\u2029c'), 'a\\u2028b\\u2029c');
  assert.equal(escapeField('12\u200b34\ufeff\u00ad\u2060'), '12\\u200b34\\ufeff\\xad\\u2060');
  // Tag characters smuggle invisible ASCII; supplementary variation selectors can carry hidden bytes.
  assert.equal(escapeField('x\u{e0041}\u{e007f}\u{e0100}'), 'x\\u{e0041}\\u{e007f}\\u{e0100}');
  assert.equal(escapeField('\u3164\u115f'), '\\u3164\\u115f');
});

test('lone surrogates (invalid UTF-16) are shown; valid pairs, emoji with ZWJ, and other scripts are kept', () => {
  assert.equal(escapeField('a\ud800b\udc00c'), 'a\\ud800b\\udc00c');
  assert.equal(escapeField('😀'.slice(0, 1)), '\\ud83d');
  for (const ok of ['😀', '👩‍💻', 'café', 'مرحبا', 'नमस्ते', 'می‌خواهم', '日本語', 'ok ✓ ← →', '❤️']) assert.equal(escapeField(ok), ok);
});

test('escapeText keeps only its line breaks, escapeStream its line breaks and tabs; both are idempotent on escaped text', () => {
  assert.equal(escapeText('line 1\nline\r2\t\x1b'), 'line 1\nline\\r2\\t\\x1b');
  assert.equal(escapeStream('col\tcol\nx\x1b[31m'), 'col\tcol\nx\\x1b[31m');
  const once = escapeField('\x1b\u202e\n\ud800');
  assert.equal(escapeText(once), once);
  assert.equal(escapeField(once), once);
});

test('every code point from U+0000 to U+FFFF (and the tag block): nothing unsafe survives escapeField', () => {
  let all = '';
  for (let cp = 0; cp <= 0xffff; cp++) all += String.fromCharCode(cp);
  for (let cp = 0xe0000; cp <= 0xe01ef; cp++) all += String.fromCodePoint(cp);
  assert.equal(describeUnsafe(escapeField(all)), null);
  assert.equal(describeUnsafe(escapeText(all), { lines: true }), null);
});

test('safeJson: the same value after JSON.parse, with no raw control, bidi or format character', () => {
  const nasty = { tool: 'read\x1b[2J\u009b31m', args: { cmd: 'a\u202eb\u2028c\u2066', z: 'x\u{e0041}\ud800' }, n: [1, '\u200b'], ok: '👩‍💻' };
  const text = safeJson(nasty);
  assert.equal(describeUnsafe(text), null);
  assert.deepEqual(JSON.parse(text), nasty);
  assert.ok(text.includes('\\u202e') && text.includes('\\u009b') && text.includes('\\udb40\\udc41'), text);
  assert.ok(text.includes('👩‍💻'), 'a ZWJ emoji stays as it is');
});

test('escapeJsonLines: records as the agent wrote them stay valid JSON with the same value on a terminal', () => {
  const line = `{"seq":1,\r"tool":"x\u009b2J\u202e"}\n{"seq":2}\n`;
  const out = escapeJsonLines(line);
  assert.equal(describeUnsafe(out, { lines: true }), null);
  const [a, b] = out.trimEnd().split('\n');
  // Parsed as it stands: a CR between tokens became a space, not an escape that is not JSON there.
  assert.deepEqual(JSON.parse(a as string), { seq: 1, tool: 'x\u009b2J\u202e' });
  assert.deepEqual(JSON.parse(b as string), { seq: 2 });
  // A raw control inside a string (not JSON as written) is shown as its escape, and the line then parses.
  const inside = escapeJsonLines('{"tool":"a\u001b[2Jb","q":"\\"\u0007"}\n');
  assert.equal(describeUnsafe(inside, { lines: true }), null);
  assert.deepEqual(JSON.parse(inside), { tool: 'a\u001b[2Jb', q: '"\u0007' });
});

/** An Output writing into buffers; `tty` makes the streams look like a terminal. */
function capture(tty: boolean, json = false) {
  const mk = () => Object.assign(new PassThrough(), { isTTY: tty }) as unknown as NodeJS.WriteStream & PassThrough;
  const stdout = mk();
  const stderr = mk();
  const chunks: { out: Buffer[]; err: Buffer[] } = { out: [], err: [] };
  stdout.on('data', (c: Buffer) => chunks.out.push(c));
  stderr.on('data', (c: Buffer) => chunks.err.push(c));
  const saved = process.env.NO_COLOR;
  delete process.env.NO_COLOR;
  try {
    const out = new Output({ json, stdout, stderr });
    return { out, text: () => Buffer.concat(chunks.out).toString(), err: () => Buffer.concat(chunks.err).toString(), bytes: () => Buffer.concat(chunks.out) };
  } finally {
    if (saved !== undefined) process.env.NO_COLOR = saved;
  }
}

test('Output on a terminal: our colours become SGR, droplet text can make none (ESC, a forged marker, NUL)', () => {
  const { out, text } = capture(true);
  out.line(`${out.c.red('TRIPPED')} reason: ${'x\x1b[32mgreen\x1b[0m\x00ab:31\x00'}`);
  assert.equal(text(), '\x1b[31mTRIPPED\x1b[39m reason: x\\x1b[32mgreen\\x1b[0m\\x00ab:31\\x00\n');
});

test('Output.table: a value with a newline, CR or bidi override stays in its row; colours survive', () => {
  const { out, text } = capture(true);
  out.result({}, () =>
    out.table([
      ['telegram', '111\ntrust sms     +1999\r\u202e'],
      ['breaker', out.c.red('TRIPPED')],
    ]),
  );
  assert.equal(text(), 'telegram  111\\ntrust sms     +1999\\r\\u202e\nbreaker   \x1b[31mTRIPPED\x1b[39m\n');
});

test('Output without a terminal: no colour, and the same escaping', () => {
  const { out, text } = capture(false);
  out.warn('ignored');
  out.result({}, () => `${out.c.red('x')} ${out.field('a\nb')}\n${'\x1b]52;c;AA==\x07'}`);
  assert.equal(text(), 'x a\\nb\n\\x1b]52;c;AA==\\x07\n');
});

test('Output --json: result and event are safe JSON with the exact values', () => {
  const { out, text } = capture(true, true);
  const v = { reason: '4 restarts\x1b[2J\u202e', ids: ['1\n2'] };
  out.result(v, () => 'unused');
  out.event(v);
  const lines = text().trimEnd().split('\n');
  assert.equal(lines.length, 2);
  for (const l of lines) {
    assert.equal(describeUnsafe(l), null);
    assert.deepEqual(JSON.parse(l), v);
  }
});

test('Output.commandOut: exact bytes into a pipe; on a terminal decoded across chunks, controls escaped, lines and tabs kept', () => {
  const raw = Buffer.concat([Buffer.from('a\tb\n\x1b[2J caf'), Buffer.from([0xc3]), Buffer.from([0xa9]), Buffer.from(' \u202e\r\n')]);
  const pipe = capture(false);
  pipe.out.commandOut(raw.subarray(0, 13));
  pipe.out.commandOut(raw.subarray(13));
  assert.deepEqual(pipe.bytes(), raw);

  const term = capture(true);
  // Split inside the two-byte é: the decoder must join it, not show two replacement characters.
  const cut = raw.indexOf(0xc3) + 1;
  term.out.commandOut(raw.subarray(0, cut));
  term.out.commandOut(raw.subarray(cut));
  assert.equal(term.text(), 'a\tb\n\\x1b[2J café \\u202e\\r\n');
  term.out.commandOut(Buffer.from('oops\x1b[31m\n'), 'err');
  assert.equal(term.err(), 'oops\\x1b[31m\n');
});
