import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pause, resume } from '../../../src-main/core/controls/pause.js';
import { agentReads, sedEnv, until, watched } from './watch-helpers.js';

const FLIP = 's/^JARVIS_SELF_MODIFY_ALLOWED=0/JARVIS_SELF_MODIFY_ALLOWED=1/';
const receipts = (home: string) =>
  readFileSync(join(home, 'operator_actions.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { tool: string; args: Record<string, unknown>; ok: boolean });

async function pausedAndHeld(t: import('node:test').TestContext, graceMs?: number) {
  const w = await watched(t, { hold: true, ...(graceMs ? { graceMs } : {}) });
  await pause(w.droplet, 'test');
  await w.next((e) => e.kind === 'changed' && e.key === 'JARVIS_SELF_MODIFY_ALLOWED' && e.to === '0');
  assert.equal(w.watch.holding, true);
  return w;
}

test('hold-pause: a flip to 1 with no resume receipt is put back, alerted and receipted', async (t) => {
  const w = await pausedAndHeld(t);
  const from = w.events.length;
  sedEnv(w.ref, FLIP);
  const tampered = await w.next((e) => e.kind === 'tampered', from);
  assert.equal(tampered.reverted, false, 'the alert says hold-pause is acting');
  const back = await w.next((e) => e.kind === 'reverted', from);
  assert.equal(back.reverted, true);
  assert.equal(typeof back.latencyMs, 'number');
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0', 'the agent reads paused again');
  const rs = receipts(w.ref.home);
  assert.ok(rs.some((r) => r.tool === 'tamper_detected'));
  assert.ok(rs.some((r) => r.tool === 'pause' && r.args.reason === 'hold-pause' && r.ok));
  assert.equal(w.readings.at(-1)?.selfModify, 'paused');
  // The revert is our own write: it raises nothing more.
  await new Promise((r) => setTimeout(r, 1200));
  assert.deepEqual(w.events.slice(from).filter((e) => e.kind === 'tampered').length, 1);
});

test('hold-pause: a flip hidden behind a line python-dotenv reads differently is undone by restoring the paused file', async (t) => {
  const w = await pausedAndHeld(t);
  const paused = readFileSync(w.ref.envPath);
  const from = w.events.length;
  // NOTE=" opens a multi-line value: a plain line reader sees =0 last, python-dotenv sees =1.
  writeFileSync(`${w.ref.envPath}.x`, `${paused.toString().replace('JARVIS_SELF_MODIFY_ALLOWED=0', 'JARVIS_SELF_MODIFY_ALLOWED=1')}NOTE="\nJARVIS_SELF_MODIFY_ALLOWED=0\n"\n`);
  renameSync(`${w.ref.envPath}.x`, w.ref.envPath);
  await w.next((e) => e.kind === 'reverted', from);
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0');
  assert.deepEqual(readFileSync(w.ref.envPath), paused, 'the last paused file, byte for byte');
  assert.ok(receipts(w.ref.home).some((r) => r.tool === 'pause' && r.args.restored === true));
});

test("hold-pause: a link in place of .env is replaced by the paused file; the link's target is never touched", async (t) => {
  const w = await pausedAndHeld(t);
  const target = join(w.ref.root, 'elsewhere.env');
  writeFileSync(target, 'JARVIS_SELF_MODIFY_ALLOWED=1\nSECRET=do-not-copy\n');
  const from = w.events.length;
  rmSync(w.ref.envPath);
  symlinkSync(target, w.ref.envPath);
  await w.next((e) => e.kind === 'reverted', from);
  assert.ok(lstatSync(w.ref.envPath).isFile(), 'a regular file again');
  assert.doesNotMatch(readFileSync(w.ref.envPath, 'utf8'), /do-not-copy/);
  assert.equal(readFileSync(target, 'utf8'), 'JARVIS_SELF_MODIFY_ALLOWED=1\nSECRET=do-not-copy\n');
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0');
});

test("hold-pause: a rename that looks like the app's own waits for its receipt, then is put back", async (t) => {
  const w = await pausedAndHeld(t, 400);
  const from = w.events.length;
  const fake = join(w.ref.jarvisRoot, '.env.stratam-0123456789ab.tmp');
  writeFileSync(fake, readFileSync(w.ref.envPath, 'utf8').replace('JARVIS_SELF_MODIFY_ALLOWED=0', 'JARVIS_SELF_MODIFY_ALLOWED=1'));
  renameSync(fake, w.ref.envPath);
  await w.next((e) => e.kind === 'reverted', from);
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0');
});

test("hold-pause: a resume with its receipt is the operator's and is left alone; with hold off nothing is reverted", async (t) => {
  const w = await pausedAndHeld(t);
  let from = w.events.length;
  await resume(w.droplet, 'cli');
  await w.next((e) => e.kind === 'changed' && e.to === '1', from);
  assert.equal(w.watch.holding, false, 'nothing to hold once the operator resumed');
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '1');
  assert.deepEqual(
    w.events.slice(from).filter((e) => e.kind === 'reverted' || e.kind === 'tampered'),
    [],
  );

  await pause(w.droplet, 'cli');
  await w.next((e) => e.kind === 'changed' && e.to === '0', from);
  w.watch.setHold(false);
  from = w.events.length;
  sedEnv(w.ref, FLIP);
  const e = await w.next((x) => x.kind === 'tampered', from);
  assert.equal(e.reverted, null);
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '1', 'hold off: alerted, not reverted');
});

test('hold-pause holds only what a receipt set: an unreceipted change is never adopted as the state to hold', async (t) => {
  const w = await watched(t, { hold: true });
  assert.equal(w.watch.holding, false, 'the droplet starts allowed: nothing to hold');
  let from = w.events.length;
  // Toward safety, but nobody receipted it: alerted, and not what hold-pause will now defend.
  sedEnv(w.ref, 's/^JARVIS_SELF_MODIFY_ALLOWED=1/JARVIS_SELF_MODIFY_ALLOWED=0/');
  await w.next((e) => e.kind === 'tampered', from);
  await new Promise((r) => setTimeout(r, 300)); // the detection's own receipt lands and is read
  assert.equal(w.watch.holding, false);
  from = w.events.length;
  sedEnv(w.ref, 's/^JARVIS_SELF_MODIFY_ALLOWED=0/JARVIS_SELF_MODIFY_ALLOWED=1/');
  await w.next((e) => e.kind === 'tampered', from);
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(
    w.events.slice(from).filter((e) => e.kind === 'reverted'),
    [],
  );
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '1');
});

test('hold-pause turned on while the pause had been undone puts it back at once', async (t) => {
  const w = await watched(t, { hold: false });
  await pause(w.droplet, 'test');
  await w.next((e) => e.kind === 'changed' && e.to === '0');
  let from = w.events.length;
  sedEnv(w.ref, FLIP);
  await w.next((e) => e.kind === 'tampered', from);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '1', 'hold off: not reverted');
  from = w.events.length;
  w.watch.setHold(true);
  await w.next((e) => e.kind === 'reverted', from);
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0');
});

test('hold-pause: a removed .env comes back whole (trust lists and keys too), not as a bare flag', async (t) => {
  const w = await pausedAndHeld(t);
  const paused = readFileSync(w.ref.envPath);
  const from = w.events.length;
  rmSync(w.ref.envPath);
  const back = await w.next((e) => e.kind === 'reverted', from);
  assert.match(back.detail, /restored the last paused file/);
  assert.deepEqual(readFileSync(w.ref.envPath), paused);
  assert.equal(agentReads(w.ref, 'EMAIL_TRUSTED_SENDERS'), 'ops@example.com', 'the trust lists came back with the file');
  assert.equal(agentReads(w.ref, 'JARVIS_ETERNAL_LOOP'), '1', 'the loop flag was not lost with the file');
});
