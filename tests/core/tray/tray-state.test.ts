import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateIcon, dropletIcon } from '../../../src-main/core/tray/tray-state.js';
import { NOW, ago, state } from './fixtures.js';

test('one droplet: each status value maps to its icon', () => {
  assert.equal(dropletIcon(state('a'), NOW), 'armed');
  assert.equal(dropletIcon(state('a', { selfModifyAllowed: false }), NOW), 'paused');
  assert.equal(dropletIcon(state('a', { breaker: 'tripped' }), NOW), 'tripped');
  assert.equal(dropletIcon(state('a', { fabrications: 1 }), NOW), 'warning');
  assert.equal(dropletIcon(state('a', { link: { state: 'reconnecting', attempt: 2, delayMs: 1000, at: ago(0), reason: 'lost' } }), NOW), 'disconnected');
});

test('unknown is never shown as safe', () => {
  assert.equal(dropletIcon(state('a', { checkedAt: null }), NOW), 'disconnected', 'flags never read');
  assert.equal(dropletIcon(state('a', { checkedAt: ago(3 * 60_000) }), NOW), 'disconnected', 'stale read');
  assert.equal(dropletIcon(state('a', { selfModifyAllowed: null }), NOW), 'disconnected');
  assert.equal(dropletIcon(state('a', { breaker: 'unreadable' }), NOW), 'warning');
  assert.equal(dropletIcon(state('a', { breaker: null }), NOW), 'warning');
  // A tripped breaker outranks a fabrication warning and a pause on the same droplet.
  assert.equal(dropletIcon(state('a', { breaker: 'tripped', fabrications: 2, selfModifyAllowed: false }), NOW), 'tripped');
});

test('several droplets: the most severe state wins, and the tooltip names each', () => {
  const armed = state('alpha');
  const paused = state('beta', { selfModifyAllowed: false });
  const down = state('gamma', { link: { state: 'failed', reason: 'refused', hostKeyRefused: false } });
  const warn = state('delta', { fabrications: 1 });
  const trip = state('eps', { breaker: 'tripped' });
  assert.equal(aggregateIcon([armed], NOW).icon, 'armed');
  assert.equal(aggregateIcon([armed, paused], NOW).icon, 'paused');
  assert.equal(aggregateIcon([armed, paused, down], NOW).icon, 'disconnected');
  assert.equal(aggregateIcon([down, warn, paused], NOW).icon, 'warning');
  assert.equal(aggregateIcon([warn, trip, armed], NOW).icon, 'tripped');
  const t = aggregateIcon([armed, paused, down, warn], NOW).tooltip;
  assert.match(t, /alpha: armed/);
  assert.match(t, /beta: paused/);
  assert.match(t, /gamma: connection failed/);
  assert.match(t, /delta: 1 fabrication warning/);
});

test('no droplet at all shows disconnected', () => {
  assert.deepEqual(aggregateIcon([], NOW).icon, 'disconnected');
});
