import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotificationPolicy } from '../../../src-main/core/tray/notify-policy.js';
import { NOW, ago, state } from './fixtures.js';

const trip = (at: string, by = 'droplet') => ({ kind: 'breaker-tripped' as const, name: 'a', by, at, reason: '4 restarts in 60 min' });

test('each trigger notifies once; the same event again does not', () => {
  const p = new NotificationPolicy();
  const n = p.consider(trip('2026-11-28T11:00:00Z'), NOW);
  assert.equal(n?.title, 'a: breaker tripped');
  assert.match(n!.body, /droplet tripped its breaker \(4 restarts in 60 min\)/);
  assert.equal(p.consider(trip('2026-11-28T11:00:00Z'), NOW + 1000), null, 'same trip reported again (e.g. after a reconnect)');
  assert.match(p.consider(trip('2026-11-28T11:30:00Z', 'tray'), NOW)!.body, /This app tripped/, 'a new trip is a new event');
  assert.ok(p.consider({ kind: 'blocked-command-ran', name: 'a', seq: 7, detail: 'rm -rf / ran' }, NOW));
  assert.equal(p.consider({ kind: 'blocked-command-ran', name: 'a', seq: 7, detail: 'rm -rf / ran' }, NOW), null);
  assert.ok(p.consider({ kind: 'fabrication', name: 'a', tier: 1, id: 't1', phrases: ['I deployed'] }, NOW));
  assert.equal(p.consider({ kind: 'fabrication', name: 'a', tier: 1, id: 't1', phrases: ['I deployed'] }, NOW), null);
});

test('only tier-1 fabrications notify', () => {
  const p = new NotificationPolicy();
  assert.equal(p.consider({ kind: 'fabrication', name: 'a', tier: 2, id: 'x', phrases: ["I'm deploying"] }, NOW), null);
  assert.equal(p.consider({ kind: 'fabrication', name: 'a', tier: 3, id: 'y', phrases: ['Let me check'] }, NOW), null);
});

test('mute silences new events and does not replay them afterwards; unmute and expiry restore', () => {
  const p = new NotificationPolicy();
  p.mute(1, NOW);
  assert.equal(p.consider(trip('2026-11-28T11:00:00Z'), NOW + 60_000), null);
  assert.equal(p.consider(trip('2026-11-28T11:00:00Z'), NOW + 2 * 3_600_000), null, 'seen while muted: not replayed');
  assert.ok(p.consider(trip('2026-11-28T11:05:00Z'), NOW + 3_600_001), 'mute expired after 1 h');
  p.mute(24, NOW);
  assert.equal(p.mutedUntil, NOW + 24 * 3_600_000);
  p.mute(0, NOW);
  assert.equal(p.mutedUntil, null);
  assert.ok(p.consider(trip('2026-11-28T11:10:00Z'), NOW));
});

test('a connection lost for more than 2 minutes notifies once per outage', () => {
  const p = new NotificationPolicy();
  const reconnecting = { state: 'reconnecting' as const, attempt: 5, delayMs: 8000, at: ago(0), reason: 'connection lost' };
  assert.deepEqual(p.tick([state('a', { link: reconnecting, downSince: ago(119_000) })], NOW), [], 'under 2 minutes');
  const [n] = p.tick([state('a', { link: reconnecting, downSince: ago(121_000) })], NOW);
  assert.equal(n?.title, 'a: connection lost');
  assert.match(n!.body, /Still retrying/);
  assert.deepEqual(p.tick([state('a', { link: reconnecting, downSince: ago(121_000) })], NOW + 600_000), [], 'same outage, ten minutes on');
  const failed = { state: 'failed' as const, reason: 'Host key refused.', hostKeyRefused: true };
  assert.equal(p.tick([state('a', { link: failed, downSince: ago(10_000) })], NOW + 5 * 60_000).length, 1, 'a new outage notifies again');
  // Disconnected on purpose (closed) or never connected (idle): no alert.
  assert.deepEqual(p.tick([state('b', { link: { state: 'closed' }, downSince: ago(900_000) }), state('c', { link: { state: 'idle' }, downSince: null })], NOW), []);
});

test('control-plane alerts: tampering and a failed revert or trip are critical; a revert that landed is not', () => {
  const p = new NotificationPolicy();
  const t = p.consider({ kind: 'control-tampered', name: 'a', id: 'x1', detail: 'JARVIS_SELF_MODIFY_ALLOWED: 0 → 1 in /opt/jarvis/.env', reverting: true }, NOW);
  assert.equal(t?.urgency, 'critical');
  assert.match(t!.body, /0 → 1.*Hold-pause is putting the pause back/);
  assert.equal(p.consider({ kind: 'control-tampered', name: 'a', id: 'x1', detail: 'same', reverting: true }, NOW), null, 'one notification per detection');
  assert.equal(p.consider({ kind: 'hold-pause', name: 'a', id: 'r1', ok: true, detail: 'put back in 40 ms' }, NOW)?.urgency, 'normal');
  assert.equal(p.consider({ kind: 'hold-pause', name: 'a', id: 'r2', ok: false, detail: 'could not' }, NOW)?.title, 'a: hold-pause FAILED');
  assert.equal(p.consider({ kind: 'destructive-while-paused', name: 'a', seq: 9, detail: 'host_exec ran' }, NOW)?.urgency, 'critical');
  assert.equal(p.consider({ kind: 'trip-failed', name: 'a', at: ago(0), detail: 'line 3: an unclosed quote' }, NOW)?.title, 'a: the breaker could NOT be tripped');
});
