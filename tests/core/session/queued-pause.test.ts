/**
 * A Pause pressed while the link is down (issue 17, "The console in every
 * state"): the session says at once that it is queued, writes nothing while
 * the link is down, applies it first when the link is back (receipt and
 * read-back) and says it was applied. Resume is never queued. Real sshd,
 * really killed.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { SessionEvent } from '../../../src-main/core/session/session-events.js';
import { Session } from '../../../src-main/core/session/session.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';
import { until } from '../audit/audit-helpers.js';

const FAST = { baseMs: 100, maxMs: 400, maxAttempts: 1000 };
type Queued = Extract<SessionEvent, { type: 'pauseQueue' }>;
const selfModify = (ref: ReferenceDroplet) => /^JARVIS_SELF_MODIFY_ALLOWED=(.*)$/m.exec(ref.readEnv())?.[1];
const pauseReceipts = (ref: ReferenceDroplet) => ref.readJsonl('operator_actions.jsonl').filter((r) => r.tool === 'pause');

async function downSession(t: TestContext) {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const session = new Session({ stateDir: join(ref.root, 'app'), backoff: FAST, refreshMs: 60_000 });
  const events: SessionEvent[] = [];
  session.on('event', (e: SessionEvent) => events.push(e));
  t.after(() => session.close());
  await session.profiles.save(ref.profile());
  await session.connect('reference');
  assert.equal(selfModify(ref), '1');
  await ref.killSshd();
  await until('the link to notice', () => session.stateOf('reference')?.link.state !== 'connected', 20_000);
  return { ref, session, events, queued: () => events.filter((e): e is Queued => e.type === 'pauseQueue') };
}

test('a Pause while the link is down is queued at once, applied first on reconnect with its receipt, and said to be applied', async (t) => {
  const { ref, session, events, queued } = await downSession(t);
  let settled = false;
  const first = session.pause('reference');
  void first.finally(() => (settled = true)).catch(() => undefined);
  const second = session.pause('reference');
  await until('the queued event', () => queued().length >= 2, 2_000);
  assert.deepEqual(
    queued().map((e) => e.phase),
    ['queued', 'queued'],
  );
  assert.match(queued()[0]!.message, /will be applied on reconnect/);
  // Nothing is written while the link is down, and the call has not answered yet.
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(settled, false);
  assert.equal(selfModify(ref), '1');
  assert.equal(pauseReceipts(ref).length, 0);

  const linkBack = () => events.findIndex((e) => e.type === 'link' && e.link.state === 'connected');
  await ref.startSshd(ref.port);
  const [r1, r2] = await Promise.all([first, second]);
  assert.equal(r1.selfModifyAllowed, false);
  assert.deepEqual(r2, r1, 'the second press joined the first');
  assert.equal(selfModify(ref), '0');
  const receipts = pauseReceipts(ref);
  assert.equal(receipts.length, 1, 'one write for both presses');
  assert.equal((receipts[0]!.args as { queuedAt?: string }).queuedAt, queued()[0]!.at);
  const applied = queued().find((e) => e.phase === 'applied');
  assert.ok(applied, 'the applied event');
  assert.match(applied.message, /applied on reconnect: JARVIS_SELF_MODIFY_ALLOWED=0 read back/);
  assert.ok(linkBack() >= 0 && linkBack() < events.indexOf(applied), 'applied after the link came back');
  assert.equal(session.stateOf('reference')?.switch?.selfModify, 'paused');
  // The control watch, restarting as the link came back, takes the pause for what it is: receipted, not tampering.
  await new Promise((r) => setTimeout(r, 2500));
  const alarms = events.filter((e) => e.type === 'warning' && e.warning.kind === 'control-tampered');
  assert.deepEqual(alarms, [], 'no tamper alert for the queued pause');
  // Once connected, a pause is direct again: no queue event.
  const n = queued().length;
  await session.pause('reference');
  assert.equal(queued().length, n);
});

test('Resume is never queued, and a queued Pause dropped by a disconnect says so and writes nothing', async (t) => {
  const { ref, session, queued } = await downSession(t);
  await assert.rejects(session.resume('reference', true), /Resume was not sent, and it is never queued/);
  assert.equal(queued().length, 0);

  const p = session.pause('reference');
  const outcome = p.then(
    () => 'applied',
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  await until('queued', () => queued().length === 1, 2_000);
  await session.disconnect('reference');
  assert.match(await outcome, /was not applied: the droplet was disconnected\. Nothing was written\./);
  assert.deepEqual(
    queued().map((e) => e.phase),
    ['queued', 'failed'],
  );
  await ref.startSshd(ref.port);
  assert.equal(selfModify(ref), '1');
  assert.equal(pauseReceipts(ref).length, 0);
});
