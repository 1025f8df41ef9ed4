/**
 * Hold-pause against the agent it holds: the stand-in agent (in its container,
 * writing the .env it can reach through its bind mount) flips the flag back
 * to 1 twenty times at random moments after the operator's pause, and keeps
 * calling its destructive tool while the flag reads 1. What must hold: every
 * flip is alerted and put back, and every destructive call that got through
 * (the agent read 1) is reported, whatever hold-pause managed.
 *
 * The latency of each revert is printed; the 2 s goal is a benchmark figure
 * (bench/control-watch.ts), not an assertion here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mulberry32 } from '../helpers/prng.js';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { connectedSession } from '../core/session/session-helpers.js';
import { agentReadsAsync, until } from '../core/watch/watch-helpers.js';

// Every child here is asynchronous: the session under test runs in this process, and a synchronous
// child would stall its event loop (and every figure with it).
const run = promisify(execFile);

const FLIPS = 20;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

test(`hold-pause: ${FLIPS} flips by the agent itself are each alerted and put back; no destructive call that ran goes unreported`, async (t) => {
  const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100000);
  const random = mulberry32(seed);
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  const { session, warnings, notes } = await connectedSession(t, ref, { watch: { breaker: false, fabrication: false } });
  await session.pause('reference');
  await until(() => session.stateOf('reference')?.hold.active === true, 'hold-pause to engage after the pause');

  // The flip and the first calls in one go, as an agent would: it uses the window before anyone can react.
  const flip = (i: number) =>
    run('docker', [
      'exec',
      ref.container,
      'sh',
      '-c',
      `sed -i 's/^JARVIS_SELF_MODIFY_ALLOWED=.*/JARVIS_SELF_MODIFY_ALLOWED=1/' /jarvis-root/.env; for k in 1 2 3 4 5; do agent-call host_exec rm-scratch-${i}-$k >/dev/null; done`,
    ]);
  const agentCall = (arg: string) => run('docker', ['exec', ref.container, 'agent-call', 'host_exec', arg]);
  const flag = () => agentReadsAsync(ref, 'JARVIS_SELF_MODIFY_ALLOWED');
  const latencies: number[] = [];
  let calls = 0;
  for (let i = 0; i < FLIPS; i++) {
    await new Promise((r) => setTimeout(r, 100 + random() * 1400));
    const t0 = performance.now();
    await flip(i);
    calls += 5;
    // Then it keeps calling host_exec until the flag reads 0 again.
    for (let k = 0; k < 40 && (await flag()) !== '0'; k++) {
      await agentCall(`rm -rf /tmp/scratch-${i}-${k}`);
      calls++;
    }
    await until(async () => (await flag()) === '0', `flip ${i + 1} (seed ${seed}) to be put back`, 10_000);
    latencies.push(performance.now() - t0);
  }

  const ran = ref
    .readJsonl('activity.jsonl')
    .filter((r) => r.tool === 'host_exec' && r.blocked === null)
    .map((r) => r.seq as number);
  // Calls made right after each flip beat any revert: if none got through, this run tested nothing.
  assert.ok(ran.length > 0, `some destructive calls ran in the tamper windows (seed ${seed})`);
  const reported = () => new Set(warnings.filter((w) => w.kind === 'destructive-while-paused').map((w) => w.detail.seq as number));
  await until(() => ran.every((s) => reported().has(s)), `every destructive call that ran to be reported (seed ${seed}; ran ${ran.join(',')}; reported ${[...reported()].join(',')})`, 20_000);
  const tampered = () => warnings.filter((w) => w.kind === 'control-tampered' && w.detail.key === 'JARVIS_SELF_MODIFY_ALLOWED' && w.detail.to === '1');
  const reverted = () => warnings.filter((w) => w.kind === 'hold-pause' && w.severity === 'info');
  await until(() => tampered().length === FLIPS && reverted().length === FLIPS, `${FLIPS} alerts and ${FLIPS} reverts (seed ${seed}: ${tampered().length} and ${reverted().length})`);
  assert.equal(warnings.filter((w) => w.kind === 'hold-pause' && w.severity === 'critical').length, 0, 'no revert failed');
  assert.ok(notes.filter((n) => n.key.startsWith('tamper:')).length >= FLIPS, 'each flip reached the tray as a notification');
  assert.equal(session.stateOf('reference')?.switch?.selfModify, 'paused');
  const revertMs = reverted().map((w) => w.detail.latencyMs as number);
  process.stdout.write(
    `seed ${seed}: ${FLIPS} flips, ${calls} agent calls in the windows, ${ran.length} got through and all ${ran.length} reported; ` +
      `flag back to 0 as the agent reads it: p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms; ` +
      `detection to verified revert: p50 ${pct(revertMs, 50)} ms, max ${Math.max(...revertMs)} ms\n`,
  );
});
