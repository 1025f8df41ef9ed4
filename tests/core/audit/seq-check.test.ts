// The seq rules of the audit feed and `audit verify` (seq-check.ts), without a droplet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeqTracker, type SeqFinding, type SeqStep } from '../../../src-main/core/audit/seq-check.js';
import type { Observation } from '../../../src-main/core/audit/witness-store.js';

/** Feed seqs through a tracker; the findings (with the seq that raised each) and the delivered seqs. */
function run(seqs: Array<number | [number, Observation]>, t = new SeqTracker()) {
  const findings: Array<[number, SeqFinding]> = [];
  const delivered: number[] = [];
  const duplicates: number[] = [];
  for (const x of seqs) {
    const [seq, obs] = Array.isArray(x) ? x : [x, null];
    const s: SeqStep = t.step(seq, obs);
    if (s.finding) findings.push([seq, s.finding]);
    if (s.deliver) delivered.push(seq);
    if (s.duplicate) duplicates.push(seq);
  }
  return { findings, delivered, duplicates, tracker: t };
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test('in order: no finding, everything delivered', () => {
  const r = run(range(1040, 1060));
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.delivered, range(1040, 1060));
  assert.equal(r.tracker.last, 1060);
});

test('a bogus 999999 then 10 normal records: one gap for the jump, ONE rollback, then the feed follows from the new baseline', () => {
  const r = run([...range(1040, 1042), 999_999, ...range(1043, 1052)]);
  assert.deepEqual(r.findings, [
    [999_999, { kind: 'gap', from: 1043, to: 999_998, missing: 998_956 }],
    [1043, { kind: 'rollback', from: 999_999, to: 1043 }],
  ]);
  assert.deepEqual(r.delivered, [...range(1040, 1042), 999_999, ...range(1043, 1052)], 'every record is still shown');
  assert.equal(r.tracker.last, 1052);
});

test('a second, separate anomaly later raises its own one finding', () => {
  const r = run([...range(1, 5), 999_999, ...range(6, 10), 500_000, ...range(11, 15)]);
  const kinds = r.findings.map(([seq, f]) => [seq, f.kind]);
  assert.deepEqual(kinds, [
    [999_999, 'gap'],
    [6, 'rollback'],
    [500_000, 'gap'],
    [11, 'rollback'],
  ]);
});

test('a jump forward (a real gap) followed by normal records: one gap, nothing per record', () => {
  const r = run([...range(1, 5), ...range(20, 40)]);
  assert.deepEqual(r.findings, [[20, { kind: 'gap', from: 6, to: 19, missing: 14 }]]);
  assert.deepEqual(r.delivered, [...range(1, 5), ...range(20, 40)]);
});

test('a plain jump back (log restored to an older seq) is one rollback, then its continuation is normal', () => {
  const r = run([...range(1, 20), ...range(7, 30)]);
  assert.deepEqual(r.findings, [[7, { kind: 'rollback', from: 20, to: 7 }]]);
  assert.equal(r.delivered.length, 20 + 24);
});

test('a repeated seq is one finding however long the run; the baseline stays; a later repeat is a new finding', () => {
  const r = run([1, 2, 3, 3, 3, 3, 4, 5, 5, 6]);
  assert.deepEqual(r.findings, [
    [3, { kind: 'repeat', seq: 3 }],
    [5, { kind: 'repeat', seq: 5 }],
  ]);
  assert.deepEqual(r.delivered, [1, 2, 3, 3, 3, 3, 4, 5, 5, 6]);
  assert.equal(r.tracker.last, 6);
});

test('a record the witness holds identically at or below the baseline is a duplicate, not an anomaly', () => {
  const r = run([1, 2, 3, [2, 'same'], [3, 'same'], 4]);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.duplicates, [2, 3]);
  assert.deepEqual(r.delivered, [1, 2, 3, 4]);
});

test('a witnessed seq with other bytes below the baseline is a rollback (the feed adds its own rewritten alert)', () => {
  const r = run([1, 2, 3, 4, [2, 'mismatch'], 3]);
  assert.deepEqual(r.findings, [[2, { kind: 'rollback', from: 4, to: 2 }]]);
  assert.deepEqual(r.delivered, [1, 2, 3, 4, 2, 3]);
});

test('a re-read skips what was delivered; a rewritten record in it is delivered but is no seq anomaly; the skip ends above it', () => {
  const t = new SeqTracker();
  run(range(1, 10), t);
  t.skipThrough = t.last;
  const r = run([1, 2, [3, 'mismatch'], 4, [5, 'same'], 10, 11, 12], t);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.delivered, [3, 11, 12]);
  assert.deepEqual(r.duplicates, [1, 2, 4, 5, 10]);
  assert.equal(t.skipThrough, null);
});

test('a re-read that finds a hole reports it as a gap, once', () => {
  const t = new SeqTracker();
  run(range(1, 10), t);
  t.skipThrough = 10;
  const r = run([...range(1, 10), ...range(15, 17)], t);
  assert.deepEqual(r.findings, [[15, { kind: 'gap', from: 11, to: 14, missing: 4 }]]);
  assert.deepEqual(r.delivered, [15, 16, 17]);
});

test('fromSeq: earlier records set the baseline but are not delivered; a hole right at the start is a gap', () => {
  const a = run(range(1, 10), new SeqTracker(5));
  assert.deepEqual(a.delivered, range(5, 10));
  assert.deepEqual(a.findings, []);
  const b = run(range(8, 10), new SeqTracker(5));
  assert.deepEqual(b.findings, [[8, { kind: 'gap', from: 5, to: 7, missing: 3 }]]);
});
