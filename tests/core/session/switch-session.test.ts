/**
 * The session's view of the switch (issue 13, "Never claim a state that was
 * not read" and "A control-plane watch"): reads are numbered and the newest
 * wins, a flag change seen by the watch is on the state at once (long before
 * the periodic refresh), hold-pause engages after the app's pause and can be
 * turned off per droplet, and a missing .env is unknown, never paused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { initialState, withRead, type DropletState } from '../../../src-main/core/session/droplet-state.js';
import { dropletIcon, describeDroplet } from '../../../src-main/core/tray/tray-state.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { connectedSession } from './session-helpers.js';
import { agentReads, until } from '../watch/watch-helpers.js';

const paused = { selfModify: 'paused', eternalLoop: 'armed', unknown: null } as const;
const allowed = { selfModify: 'allowed', eternalLoop: 'armed', unknown: null } as const;

test('reads are numbered: an older read never replaces a newer one', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  const s0: DropletState = initialState('d');
  const s2 = withRead(s0, 2, { switch: paused }, now)!;
  assert.equal(s2.selfModifyAllowed, false);
  assert.equal(withRead(s2, 1, { switch: allowed }, now), null, 'read 1 started before read 2: dropped');
  assert.equal(withRead(s2, 2, { switch: allowed }, now), null, 'the same read twice: dropped');
  const s3 = withRead(s2, 3, { switch: { selfModify: 'unknown', eternalLoop: 'unknown', unknown: { reason: 'no-file', detail: 'x', fix: 'y' } } }, now)!;
  assert.equal(s3.selfModifyAllowed, null, 'unknown is neither paused nor allowed');
  assert.equal(s3.readSeq, 3);
});

test('session: the watch puts a flag change on the state at once; hold-pause reverts a tamper; off per droplet', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  // No periodic refresh for 10 minutes: whatever reaches the state comes from the watch.
  const { session, warnings, notes } = await connectedSession(t, ref, { refreshMs: 10 * 60_000, watch: { breaker: false, fabrication: false, audit: false } });
  const state = () => session.stateOf('reference')!;
  assert.equal(state().switch?.selfModify, 'allowed');
  assert.deepEqual(state().hold, { enabled: true, active: false });

  await session.pause('reference');
  await until(() => state().hold.active, "hold-pause to engage after the app's pause");
  const before = state().readSeq;
  execFileSync('sed', ['-i', 's/^JARVIS_SELF_MODIFY_ALLOWED=0/JARVIS_SELF_MODIFY_ALLOWED=1/', ref.envPath]);
  await until(() => warnings.some((w) => w.kind === 'hold-pause' && w.severity === 'info'), 'the revert');
  assert.ok(warnings.some((w) => w.kind === 'control-tampered' && w.severity === 'critical' && w.detail.key === 'JARVIS_SELF_MODIFY_ALLOWED'));
  assert.ok(
    notes.some((n) => n.key.startsWith('tamper:reference:') && n.urgency === 'critical'),
    'the tray is told',
  );
  assert.equal(state().switch?.selfModify, 'paused');
  assert.ok(state().readSeq > before + 1, 'the tampered reading and the revert were each a numbered read');
  assert.equal(agentReads(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0');

  await session.setHoldPause('reference', false);
  assert.equal((await session.profiles.get('reference')).holdPause, false, 'saved with the profile');
  assert.deepEqual(state().hold, { enabled: false, active: false });
  const n = warnings.length;
  execFileSync('sed', ['-i', 's/^JARVIS_SELF_MODIFY_ALLOWED=0/JARVIS_SELF_MODIFY_ALLOWED=1/', ref.envPath]);
  await until(() => state().switch?.selfModify === 'allowed', 'the flip to be on the state (no refresh for 10 min)');
  assert.equal(dropletIcon(state(), Date.now()), 'armed');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(agentReads(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '1', 'hold off: alerted only');
  assert.deepEqual(
    warnings.slice(n).map((w) => w.kind),
    ['control-tampered'],
  );

  rmSync(ref.envPath);
  await until(() => state().switch?.selfModify === 'unknown', 'a removed .env to read as unknown');
  assert.equal(state().selfModifyAllowed, null);
  assert.equal(dropletIcon(state(), Date.now()), 'warning');
  assert.match(describeDroplet(state(), Date.now()), /UNKNOWN/);
});
