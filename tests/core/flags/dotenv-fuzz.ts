/**
 * Generated .env files for the differential fuzz: a seeded PRNG (a failure is
 * replayed from its seed and index) over a dotenv-ish alphabet weighted
 * towards what the grammar finds hard: quotes, backslashes, every line break,
 * `#`, `=`, `export` with odd spacing, `${`, the flag keys, the whitespace
 * Python and JavaScript disagree on, and now and then bytes that are not
 * UTF-8 or a NUL.
 */
import type { Case } from './parity.js';

import { mulberry32 } from '../../helpers/prng.js';

const F = 'JARVIS_SELF_MODIFY_ALLOWED';
const KEYS = [F, F, F, 'JARVIS_ETERNAL_LOOP', 'DISCORD_TRUSTED_USER_IDS', 'EMAIL_TRUSTED_SENDERS', 'NOTE', 'A', 'X', 'OPENAI_API_KEY'];
const SPACES = ['', '', '', ' ', '\t', '  ', '\u00a0', '\x0b', '\x0c', '\x1c', '\x85', '\u2028', '\u3000', '\ufeff'];
const BREAKS = ['\n', '\n', '\n', '\n', '\r\n', '\r\n', '\r', ''];
const HARD = [
  '"',
  '"',
  "'",
  "'",
  '\\',
  '\\',
  '\\"',
  "\\'",
  '\\\\',
  '\\n',
  '\r',
  '\n',
  '\r\n',
  '#',
  ' #',
  ' # c',
  '=',
  '=',
  'export ',
  'export\t',
  'export',
  '\t',
  ' ',
  '${',
  '}',
  ':-',
  '${X}',
  '${A}',
  `\${${F}}`,
  '${A:-1}',
  '${X:-0}',
  '${}',
  '$',
  '1',
  '1',
  '0',
  'x',
  ',',
  ...SPACES.filter(Boolean),
  ...KEYS,
];
const EXOTIC: number[][] = [[0x00], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xc0, 0xaf], [0xf0, 0x9f, 0x98, 0x80]];
const ENVIRONMENTS: Array<Record<string, string>> = [{}, { X: '1', A: '1', [F]: '1' }, { X: '0', JARVIS_ETERNAL_LOOP: '1' }];

export function generateCase(rand: () => number, name: string): Case {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const soup = (min: number, max: number) => Array.from({ length: min + int(max - min + 1) }, () => pick(HARD)).join('');

  const valueOf = (key: string): string => {
    const kind = rand();
    // The flag mostly reads 1 or 0, so "never off while python-dotenv reads 1" is tried often.
    if (key.includes(F) && kind < 0.5) return pick(['1', '1', '1', '0', '"1"', "'1'", '${X}', '1 # on']);
    if (kind < 0.35) return pick(['1', '0', '1', 'x', '', '234567890123456789', 'a@b.c']) + (rand() < 0.2 ? soup(0, 2) : '');
    if (kind < 0.55) return `"${soup(0, 4)}${rand() < 0.92 ? '"' : ''}`;
    if (kind < 0.75) return `'${soup(0, 4)}${rand() < 0.92 ? "'" : ''}`;
    if (kind < 0.85) return `"${pick(['', 'x', '1'])}${pick(BREAKS)}${rand() < 0.5 ? `${pick(KEYS)}=${pick(['0', '1'])}` : 'text'}${pick(BREAKS)}"`;
    return soup(0, 3);
  };
  const statement = (): string => {
    const lead = pick(['', '', '', '', ' ', '\t', 'export ', 'export\t', '  export  ', pick(SPACES)]);
    const key = rand() < 0.08 ? `'${pick(KEYS)}'` : pick(KEYS);
    const eq = rand() < 0.92 ? '=' : '';
    const tail = pick(['', '', '', ' # c', '#c', ' ', '\t#x', pick(SPACES)]);
    return `${lead}${key}${pick(SPACES)}${eq}${pick(SPACES)}${eq ? valueOf(key) : ''}${tail}`;
  };

  let s = '';
  const lines = int(12);
  for (let i = 0; i < lines; i++) {
    const roll = rand();
    if (roll < 0.72) s += statement();
    else if (roll < 0.9) s += pick(['', '# note', '  # x=1', `#${F}=1`]);
    else s += soup(1, 6);
    s += pick(BREAKS);
  }
  let bytes = Buffer.from(s, 'utf8');
  if (rand() < 0.04) {
    const at = int(bytes.length + 1);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(EXOTIC)), bytes.subarray(at)]);
  }
  const env = pick(ENVIRONMENTS);
  return { name, bytes, ...(Object.keys(env).length ? { env } : {}) };
}

export function* generateCases(seed: number, count: number): Generator<Case> {
  const rand = mulberry32(seed);
  for (let i = 0; i < count; i++) yield generateCase(rand, `seed ${seed} #${i}`);
}
