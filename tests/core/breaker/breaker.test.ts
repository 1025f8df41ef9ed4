import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { releaseDocker } from '../../../src-main/core/docker/docker-client.js';
import { BreakerWatcher, type TrippedEvent } from '../../../src-main/core/breaker/breaker-watcher.js';
import { checkBreaker } from '../../../src-main/core/breaker/breaker-check.js';
import { rearmBreaker, breakerStatus } from '../../../src-main/core/breaker/breaker-actions.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';

const restart = (ref: ReferenceDroplet) => execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
const loopFlag = (ref: ReferenceDroplet) => /^JARVIS_ETERNAL_LOOP=(.*)$/m.exec(ref.readEnv())?.[1];
const breakerJson = (ref: ReferenceDroplet) => JSON.parse(readFileSync(join(ref.home, 'breaker.json'), 'utf8')) as Record<string, unknown>;

async function setup(t: import('node:test').TestContext) {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  const d = await SshDroplet.connect(ref.profile(), { reconnect: true });
  t.after(async () => {
    releaseDocker(d);
    await d.close();
  });
  return { ref, d };
}

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('watch: 3 restarts do not trip, the 4th does (flag 0, breaker.json by tray, receipt, tripped event)', async (t) => {
  const { ref, d } = await setup(t);
  const w = new BreakerWatcher(d, { pollMs: 200 });
  t.after(() => w.stop());
  const restarts: Array<{ count: number }> = [];
  const tripped: TrippedEvent[] = [];
  w.on('restart', (r) => restarts.push(r));
  w.on('tripped', (e: TrippedEvent) => tripped.push(e));
  w.on('failure', (e) => assert.fail(String(e)));
  await w.start();

  for (let i = 1; i <= 3; i++) {
    restart(ref);
    await waitFor(() => restarts.length >= i);
  }
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(
    restarts.map((r) => r.count),
    [1, 2, 3],
  );
  assert.equal(tripped.length, 0);
  assert.equal(loopFlag(ref), '1');
  assert.equal(existsSync(join(ref.home, 'breaker.json')), false);

  restart(ref);
  await waitFor(() => tripped.length === 1);
  assert.equal(tripped[0]!.by, 'tray');
  assert.equal(tripped[0]!.restarts.length, 4);
  assert.equal(loopFlag(ref), '0');
  const b = breakerJson(ref);
  assert.equal(b.state, 'tripped');
  assert.equal(b.by, 'tray');
  assert.equal(b.reason, '4 restarts in 60 min');
  assert.equal((b.restarts as string[]).length, 4);
  const receipts = ref.readJsonl('operator_actions.jsonl');
  const trip = receipts.find((r) => r.tool === 'breaker_trip');
  assert.ok(trip && trip.ok === true && trip.channel === 'operator');
  // The agent was never restarted by the app: exactly our four restarts.
  const count = Number(execFileSync('docker', ['inspect', '-f', '{{.RestartCount}}', ref.container], { encoding: 'utf8' }).trim());
  assert.equal(count, 0);
});

test('check: an offline trip is caught; restarts before a re-arm do not count', async (t) => {
  const { ref, d } = await setup(t);
  for (let i = 0; i < 3; i++) restart(ref);
  const c3 = await checkBreaker(d);
  assert.equal(c3.restarts.length, 3);
  assert.equal(c3.trippedNow, false);
  assert.equal(c3.state, 'armed');

  restart(ref); // the 4th, while nothing watches
  const c4 = await checkBreaker(d);
  assert.equal(c4.trippedNow, true);
  assert.equal(c4.state, 'tripped');
  assert.equal(loopFlag(ref), '0');
  assert.equal(breakerJson(ref).by, 'tray');

  // A second check does not trip again.
  const again = await checkBreaker(d);
  assert.equal(again.trippedNow, false);
  assert.equal(ref.readJsonl('operator_actions.jsonl').filter((r) => r.tool === 'breaker_trip').length, 1);

  await assert.rejects(rearmBreaker(d, { confirmed: false }), /needs confirmation/);
  await new Promise((r) => setTimeout(r, 20));
  const rec = await rearmBreaker(d, { confirmed: true });
  assert.equal(rec.state, 'armed');
  assert.equal(loopFlag(ref), '1');
  const st = await breakerStatus(d);
  assert.equal(st.state, 'armed');
  assert.equal(st.eternalLoop, true);
  assert.equal(st.rearmedAt, rec.rearmed_at);
  assert.ok(ref.readJsonl('operator_actions.jsonl').some((r) => r.tool === 'breaker_rearm' && r.ok === true));

  // The four restarts before the re-arm no longer count; three more do not trip.
  for (let i = 0; i < 3; i++) restart(ref);
  const after = await checkBreaker(d);
  assert.equal(after.restarts.length, 3);
  assert.equal(after.trippedNow, false);
  assert.equal(loopFlag(ref), '1');
  restart(ref);
  const tripped = await checkBreaker(d);
  assert.equal(tripped.trippedNow, true);
  assert.equal(loopFlag(ref), '0');
});

test('watch notices a trip written by the droplet itself', async (t) => {
  const { ref, d } = await setup(t);
  const w = new BreakerWatcher(d, { pollMs: 200 });
  t.after(() => w.stop());
  const tripped: TrippedEvent[] = [];
  w.on('tripped', (e: TrippedEvent) => tripped.push(e));
  await w.start();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(tripped.length, 0);
  writeFileSync(
    join(ref.home, 'breaker.json'),
    JSON.stringify({
      state: 'tripped',
      tripped_at: '2026-11-28T01:00:00Z',
      reason: '4 restarts in 60 min',
      restarts: ['2026-11-28T00:20:00Z', '2026-11-28T00:30:00Z', '2026-11-28T00:40:00Z', '2026-11-28T00:50:00Z'],
      rearmed_at: null,
      by: 'droplet',
    }),
  );
  await waitFor(() => tripped.length === 1);
  assert.equal(tripped[0]!.by, 'droplet');
  assert.equal(tripped[0]!.at, '2026-11-28T01:00:00Z');
  assert.equal(w.state, 'tripped');
});
