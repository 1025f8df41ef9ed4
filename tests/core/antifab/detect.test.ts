import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectClaims } from '../../../src-main/core/antifab/detect.js';
import { REPLIES } from './replies-corpus.js';

const key = (tier: number, claim: string) => `${tier}:${claim}`;

test('the labelled corpus scores precision and recall of at least 0.95', () => {
  assert.ok(REPLIES.length >= 200, `corpus has ${REPLIES.length} replies`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const wrong: string[] = [];
  for (const [reply, label] of REPLIES) {
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
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  console.log(`antifab corpus: ${REPLIES.length} replies, tp=${tp} fp=${fp} fn=${fn}, precision=${precision.toFixed(3)} recall=${recall.toFixed(3)}`);
  for (const w of wrong) console.log(`  miss: ${w}`);
  assert.ok(precision >= 0.95, `precision ${precision}`);
  assert.ok(recall >= 0.95, `recall ${recall}`);
});

test('phrases are quoted as written', () => {
  assert.deepEqual(detectClaims("Sure. I've restarted it."), [{ tier: 1, claim: 'restart', phrase: "I've restarted", start: 6, end: 20 }]);
  assert.equal(detectClaims('Let me check the logs.')[0]?.phrase, 'Let me check');
  assert.equal(detectClaims('Email sent.')[0]?.phrase, 'Email sent');
});
