import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartCounter } from '../../../src-main/core/breaker/restart-window.js';

const ev = (Action: string, s: number) => ({ Action, timeNano: s * 1e9 });

test('a start after a gap counts even with its die lost (a restarted daemon never sends it)', () => {
  const c = new RestartCounter();
  assert.equal(c.feed(ev('start', 1)), null, 'the first start is not a restart');
  c.assumeStopped();
  assert.equal(c.feed(ev('start', 10)), 10_000);
  // and the usual rule carries on
  assert.equal(c.feed(ev('die', 20)), null);
  assert.equal(c.feed(ev('start', 21)), 21_000);
  assert.equal(c.feed(ev('restart', 21.1)), null);
});

test('a gap that cuts a docker restart between its start and restart events counts it once', () => {
  const c = new RestartCounter();
  c.feed(ev('start', 1));
  assert.equal(c.feed(ev('die', 5)), null);
  assert.equal(c.feed(ev('start', 6)), 6000);
  c.assumeStopped();
  assert.equal(c.feed(ev('restart', 6.01)), null, 'the replayed restart of the same cycle');
  assert.equal(c.feed(ev('die', 30)), null);
  assert.equal(c.feed(ev('start', 31)), 31_000);
});

test('without a gap a start with no die is still the first start, not a restart', () => {
  const c = new RestartCounter();
  assert.equal(c.feed(ev('start', 1)), null);
  assert.equal(c.feed(ev('start', 2)), null);
});
