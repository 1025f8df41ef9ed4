import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onTrayDoubleClick, pauseNotification } from '../../../src-main/core/tray/double-click.js';

test('the notification names each droplet and whether its pause read back', () => {
  const n = pauseNotification([
    { name: 'alpha', ok: true, selfModifyAllowed: false, changed: true, error: null },
    { name: 'beta', ok: true, selfModifyAllowed: false, changed: false, error: null },
  ]);
  assert.equal(n.title, 'Paused 2 droplets');
  assert.equal(n.body, 'alpha: paused (verified)\nbeta: paused (verified, was already paused)');
  const bad = pauseNotification([
    { name: 'alpha', ok: true, selfModifyAllowed: false, changed: true, error: null },
    { name: 'gamma', ok: false, selfModifyAllowed: null, changed: null, error: 'gamma is not connected.' },
  ]);
  assert.equal(bad.title, '1 of 2 droplets NOT paused');
  assert.match(bad.body, /gamma: NOT paused: gamma is not connected\./);
  assert.equal(bad.urgency, 'critical');
  assert.equal(pauseNotification([]).title, 'Nothing to pause');
});

test('double-click calls pauseAll and nothing else (it never resumes)', async () => {
  const calls: string[] = [];
  const session = new Proxy({} as { pauseAll(): Promise<never[]> }, {
    get: (_t, prop) => {
      calls.push(String(prop));
      return prop === 'pauseAll' ? async () => [] : undefined;
    },
  });
  const r = await onTrayDoubleClick(session);
  assert.deepEqual(calls, ['pauseAll']);
  assert.equal(r.notification.title, 'Nothing to pause');
});
