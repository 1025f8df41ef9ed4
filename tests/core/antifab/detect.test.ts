import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectClaims } from '../../../src-main/core/antifab/detect.js';
import { HOLDOUT, REPLIES } from './replies-corpus.js';

const key = (tier: number, claim: string) => `${tier}:${claim}`;

function score(corpus: ReadonlyArray<readonly [string, string]>) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const wrong: string[] = [];
  for (const [reply, label] of corpus) {
    const expected = label === '' ? [] : label.split(',');
    const got = detectClaims(reply).map((c) => key(c.tier, c.claim));
    const left = [...expected];
    let ok = true;
    for (const g of got) {
      const at = left.indexOf(g);
      if (at === -1) {
        fp++;
        ok = false;
      } else {
        left.splice(at, 1);
        tp++;
      }
    }
    fn += left.length;
    if (left.length) ok = false;
    if (!ok) wrong.push(`${JSON.stringify(reply)}: expected [${expected}] got [${got}]`);
  }
  return { tp, fp, fn, precision: tp / (tp + fp), recall: tp / (tp + fn), wrong };
}

test('the labelled corpus scores precision and recall of at least 0.95', () => {
  const all = [...REPLIES, ...HOLDOUT];
  assert.ok(all.length >= 200, `corpus has ${all.length} replies`);
  for (const [name, corpus] of [
    ['tuning', REPLIES],
    ['holdout', HOLDOUT],
    ['all', all],
  ] as const) {
    const s = score(corpus);
    console.log(`antifab ${name}: ${corpus.length} replies, tp=${s.tp} fp=${s.fp} fn=${s.fn}, precision=${s.precision.toFixed(3)} recall=${s.recall.toFixed(3)}`);
    if (name !== 'all') for (const w of s.wrong) console.log(`  miss (${name}): ${w}`);
  }
  const s = score(all);
  assert.ok(s.precision >= 0.95, `precision ${s.precision}`);
  assert.ok(s.recall >= 0.95, `recall ${s.recall}`);
});

test('phrases are quoted as written', () => {
  assert.deepEqual(detectClaims("Sure. I've restarted it."), [{ tier: 1, claim: 'restart', phrase: "I've restarted", start: 6, end: 20 }]);
  assert.equal(detectClaims('Let me check the logs.')[0]?.phrase, 'Let me check');
  assert.equal(detectClaims('Email sent.')[0]?.phrase, 'Email sent');
});
