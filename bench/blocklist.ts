/**
 * Shell blocklist cost: the one-time parser load (WASM runtime + grammar) and
 * the per-command check over the test corpora (dangerous + everyday).
 * Anchor: spawning `/bin/sh -n -c CMD` (the shell's own syntax check) once.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { checkCommand } from '../src-main/core/guard/blocklist.js';
import { BENIGN, DANGEROUS } from '../tests/core/guard/corpus.js';
import { median, ms, report } from './stats.js';

const t0 = performance.now();
await checkCommand('true');
const load = performance.now() - t0;

const all = [...DANGEROUS, ...BENIGN];
const per: number[] = [];
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  for (const c of all) await checkCommand(c);
  per.push((performance.now() - t) / all.length);
}
const anchor: number[] = [];
for (let r = 0; r < 20; r++) {
  const t = performance.now();
  spawnSync('/bin/sh', ['-n', '-c', 'docker restart jarvis']);
  anchor.push(performance.now() - t);
}
report({ benchmark: 'blocklist parser load (first check)', figure: ms(load), anchor: 'none', ratio: '-', goal: 'once per process', met: null });
report({
  benchmark: 'blocklist check per command',
  figure: `${ms(median(per))} (median over ${all.length} corpus commands x5)`,
  anchor: `${ms(median(anchor))} spawn of sh -n`,
  ratio: `${(median(per) / median(anchor)).toFixed(3)}x`,
  goal: 'well under a process spawn',
  met: median(per) < median(anchor),
});
