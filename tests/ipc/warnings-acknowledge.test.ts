/**
 * warningsAcknowledge through the contract (issue 15, defect 4): one warning
 * by id, then every open one of a droplet; the answer is the warnings that
 * changed, each is pushed again (so every open console shows it), the list
 * carries `acknowledgedAt`, and the droplet state's `fabrications` (the tray
 * icon's count) drops to what is still open. The droplet is a real local one
 * on temp files.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Session } from '../../src-main/core/session/session.js';
import { bridgeEvents } from '../../src-main/ipc/event-bridge.js';
import { events, type PushedEvent } from '../../src-main/ipc/events.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { DEFAULT_ENV } from '../helpers/reference-droplet.js';
import { localProfile } from './local-profile.js';

test('warnings are acknowledged one by id and then all of a droplet; the tray count follows', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ipc-ack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'home'));
  mkdirSync(join(dir, 'opt'));
  writeFileSync(join(dir, 'opt', '.env'), DEFAULT_ENV);
  const session = new Session({ stateDir: join(dir, 'state'), watch: { breaker: false, audit: false, control: false } });
  t.after(() => session.close());
  await session.profiles.save(localProfile(dir, 'opt'));
  const h = createHandlers(session);
  assert.equal((await h.connect({ name: 'here' })).error, undefined);

  const fab = (turn: string) =>
    session.addWarning('here', { kind: 'fabrication', severity: 'critical', tier: 1, message: `claimed done in ${turn}`, detail: { key: `${turn}:1:deploy`, phrases: ['deployed'] } });
  const w1 = fab('t1');
  const w2 = fab('t2');
  const other = session.addWarning('here', { kind: 'watch-failed', severity: 'warning', tier: null, message: 'x', detail: {} });
  const fabrications = async () => (await h.trayState({})).result?.droplets.find((d) => d.name === 'here')?.fabrications;
  assert.equal(await fabrications(), 2);

  const pushed: PushedEvent[] = [];
  const stop = bridgeEvents(session, (e) => pushed.push(e));
  t.after(stop);

  const one = await h.warningsAcknowledge({ id: w1.id });
  assert.equal(one.error, undefined, one.error?.message);
  assert.deepEqual(
    one.result?.warnings.map((w) => w.id),
    [w1.id],
  );
  const at = one.result?.warnings[0]?.acknowledgedAt;
  assert.ok(at && !Number.isNaN(Date.parse(at)), 'the answer says when');
  assert.equal(await fabrications(), 1);
  const again = pushed.filter((e) => e.event === 'warning');
  assert.deepEqual(
    again.map((e) => e.event === 'warning' && [e.payload.id, e.payload.acknowledgedAt]),
    [[w1.id, at]],
    'the acknowledged copy is pushed',
  );
  assert.equal(events.warning.safeParse(again[0]?.payload).success, true);
  const listed = (await h.warningsList({ name: 'here' })).result?.warnings ?? [];
  assert.equal(listed.find((w) => w.id === w1.id)?.acknowledgedAt, at);
  assert.equal(listed.find((w) => w.id === w2.id)?.acknowledgedAt, undefined);

  // The same one again changes nothing.
  assert.deepEqual((await h.warningsAcknowledge({ id: w1.id })).result, { warnings: [] });

  const all = await h.warningsAcknowledge({ all: true, name: 'here' });
  assert.deepEqual(all.result?.warnings.map((w) => w.id).sort(), [w2.id, other.id].sort());
  assert.equal(await fabrications(), 0);
  const tray = (await h.trayState({})).result;
  assert.notEqual(tray?.icon, 'warning');
  assert.ok((await h.warningsList({})).result?.warnings.every((w) => w.acknowledgedAt));
  assert.deepEqual((await h.warningsAcknowledge({ all: true })).result, { warnings: [] });
});
