/**
 * The Python text facts the grammar relies on, checked against
 * /usr/bin/python3 itself: which characters are whitespace (str.isspace, the
 * same as `\s` in a str regex), and where its strict UTF-8 decoder stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { firstInvalidUtf8, isPyWhitespace } from '../../../src-main/core/flags/py-text.js';
import { PYTHON } from '../../helpers/python-dotenv.js';

const py = (script: string, input = '') => execFileSync(PYTHON, ['-I', '-c', script], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

test('whitespace: ours is exactly str.isspace() and re \\s, over every code point', () => {
  const theirs = JSON.parse(py('import json, re\nprint(json.dumps([c for c in range(0x110000) if chr(c).isspace() and re.match(r"\\s", chr(c))]))')) as number[];
  const both = JSON.parse(py('import re\nprint(all(chr(c).isspace() == bool(re.match(r"\\s", chr(c))) for c in range(0x110000)))').trim().toLowerCase()) as boolean;
  assert.equal(both, true, 'str.isspace and \\s agree in this Python');
  const ours: number[] = [];
  for (let c = 0; c < 0x10000; c++) if (isPyWhitespace(c)) ours.push(c);
  assert.deepEqual(ours, theirs);
  // The ones JavaScript's \s gets wrong, named so a regression reads clearly.
  for (const c of [0x1c, 0x1d, 0x1e, 0x1f, 0x85]) assert.ok(isPyWhitespace(c) && !/\s/.test(String.fromCharCode(c)));
  assert.ok(!isPyWhitespace(0xfeff) && /\s/.test('\ufeff'));
});

test('UTF-8: the first byte Python rejects is ours, on hand-made and random byte strings', () => {
  const samples: Buffer[] = [
    Buffer.from('plain'),
    Buffer.from('\ufeffBOM'),
    Buffer.from([0xff]),
    Buffer.from([0xc3]),
    Buffer.from([0xc3, 0x28]),
    Buffer.from([0xe2, 0x82]),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from([0xed, 0x9f, 0xbf]),
    Buffer.from([0xf4, 0x90, 0x80, 0x80]),
    Buffer.from([0xf4, 0x8f, 0xbf, 0xbf]),
    Buffer.from([0xc0, 0xaf]),
    Buffer.from([0xe0, 0x80, 0xaf]),
    Buffer.from([0xe0, 0xa0, 0x80]),
    Buffer.from([0xf0, 0x80, 0x80, 0x80]),
    Buffer.from([0xf0, 0x90, 0x80, 0x80]),
  ];
  let seed = 99;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 8;
  const biased = [0x41, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x9f, 0x90, 0x8f];
  for (let i = 0; i < 3000; i++) samples.push(Buffer.from(Array.from({ length: 1 + (next() % 8) }, () => (next() % 2 ? biased[next() % biased.length]! : next() % 256))));
  const script =
    'import sys, json\nfor line in sys.stdin:\n    b = bytes.fromhex(line.strip())\n    try:\n        b.decode("utf-8"); print(-1)\n    except UnicodeDecodeError as e:\n        print(e.start)';
  const theirs = py(script, samples.map((b) => `${b.toString('hex')}\n`).join(''))
    .trim()
    .split('\n')
    .map(Number);
  assert.deepEqual(
    samples.map((b) => firstInvalidUtf8(b)),
    theirs,
  );
});
