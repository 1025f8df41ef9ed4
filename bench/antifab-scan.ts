/**
 * Fabrication detector speed.
 *  - throughput: MB/s of realistic reply text (the labelled test corpus,
 *    repeated to ~16 MB) through detectClaims. Anchor: one pass that only
 *    reads every char code (the floor for any tokenizer in JS). Goal >= 50 MB/s.
 *  - adversarial: the worst of several hostile 1 MB replies (no punctuation,
 *    unpaired quotes and backticks, endless aux chains, one giant word, code
 *    fences, random bytes). Goal < 100 ms each.
 */
import { performance } from 'node:perf_hooks';
import { detectClaims } from '../src-main/core/antifab/detect.js';
import { REPLIES } from '../tests/core/antifab/replies-corpus.js';
import { median, ms, report } from './stats.js';

const RUNS = 5;
const parts: string[] = [];
let size = 0;
while (size < 16 * 1024 * 1024) {
  for (const [r] of REPLIES) {
    parts.push(r);
    size += r.length + 1;
  }
}
const replies = parts;
const bytes = Buffer.byteLength(replies.join('\n'));

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

let sink = 0;
const scanTimes: number[] = [];
const anchorTimes: number[] = [];
for (let r = 0; r < RUNS; r++) {
  scanTimes.push(
    time(() => {
      for (const reply of replies) sink += detectClaims(reply).length;
    }),
  );
  anchorTimes.push(
    time(() => {
      for (const reply of replies) for (let i = 0; i < reply.length; i++) sink += reply.charCodeAt(i) === 32 ? 1 : 0;
    }),
  );
}
const mbps = (t: number) => bytes / 1e6 / (t / 1000);
const scan = mbps(median(scanTimes));
const anchor = mbps(median(anchorTimes));
report({
  benchmark: 'antifab scan throughput',
  figure: `${scan.toFixed(1)} MB/s (${(bytes / 1e6).toFixed(1)} MB, ${replies.length} replies, median of ${RUNS})`,
  anchor: `${anchor.toFixed(0)} MB/s char-code pass`,
  ratio: `${(scan / anchor).toFixed(3)}x`,
  goal: '>= 50 MB/s',
  met: scan >= 50,
});

const MB = 1024 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
const hostile: Record<string, string> = {
  'no punctuation': fill('I restarted '),
  'unpaired quotes': fill('"`“'),
  'aux chain': `I ${fill('have been ')}restarted`,
  'let me': fill('let me '),
  'one word': fill('a'),
  fences: fill('```\n'),
  'block quotes': fill('> I deployed\n'),
  contractions: fill("I've n't 're "),
  'random bytes': Array.from({ length: MB }, () => String.fromCharCode(rnd() % 256)).join(''),
  'random words': Array.from({ length: MB / 8 }, () => ['I', 'restarted', 'let', 'me', 'not', 'if', ',', '"', 'and', '?'][rnd() % 10]).join(' '),
};
let worst = 0;
let worstName = '';
for (const [name, text] of Object.entries(hostile)) {
  const t = median(Array.from({ length: 3 }, () => time(() => (sink += detectClaims(text).length))));
  process.stdout.write(`  ${name.padEnd(16)} ${ms(t)}\n`);
  if (t > worst) {
    worst = t;
    worstName = name;
  }
}
report({
  benchmark: 'antifab 1 MB adversarial reply',
  figure: `${ms(worst)} worst (${worstName})`,
  anchor: `${ms((MB / 1e6 / anchor) * 1000)} char-code pass over 1 MB`,
  ratio: `${(worst / ((MB / 1e6 / anchor) * 1000)).toFixed(0)}x`,
  goal: '< 100 ms',
  met: worst < 100,
});
if (sink === -1) process.stdout.write('unreachable\n');
