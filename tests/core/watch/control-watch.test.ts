import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { ControlWatch, type WatchEvent } from '../../../src-main/core/watch/control-watch.js';
import { pause, resume } from '../../../src-main/core/controls/pause.js';
import { addTrust } from '../../../src-main/core/controls/trust.js';
import { agentReads, sedEnv, until, watched } from './watch-helpers.js';

const receipts = (home: string) =>
  readFileSync(join(home, 'operator_actions.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('a flag flipped behind the app is tampering: alerted with from/to, receipted, and the reading updates at once', async (t) => {
  const w = await watched(t);
  await pause(w.droplet, 'test');
  await w.next((e) => e.kind === 'changed' && e.key === 'JARVIS_SELF_MODIFY_ALLOWED');
  const from = w.events.length;
  sedEnv(w.ref, 's/^JARVIS_SELF_MODIFY_ALLOWED=0/JARVIS_SELF_MODIFY_ALLOWED=1/');
  const e = await w.next((x) => x.kind === 'tampered', from);
  assert.deepEqual([e.file, e.what, e.key, e.from, e.to], ['env', 'flag', 'JARVIS_SELF_MODIFY_ALLOWED', '0', '1']);
  assert.equal(e.reverted, null, 'hold-pause is off: nothing will put it back');
  assert.equal(w.readings.at(-1)?.selfModify, 'allowed', 'the switch as read now, not as last set');
  await until(() => receipts(w.ref.home).some((r) => r.tool === 'tamper_detected'), 'the detection receipt');
  const rec = receipts(w.ref.home).find((r) => r.tool === 'tamper_detected')!;
  assert.deepEqual((rec.args as Record<string, unknown>).key, 'JARVIS_SELF_MODIFY_ALLOWED');
  assert.equal(agentReads(w.ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '1');
});

test("the operator's own actions are explained by their receipts, from this app or another", async (t) => {
  const w = await watched(t);
  const from = w.events.length;
  await pause(w.droplet, 'cli');
  await resume(w.droplet, 'cli');
  await addTrust(w.droplet, 'telegram', '987654321', 'cli');
  await w.next((e) => e.kind === 'changed' && e.what === 'trust', from);
  await new Promise((r) => setTimeout(r, 1500)); // past the grace, so a late verdict would show
  const seen = w.events.slice(from);
  assert.deepEqual(
    seen.filter((e) => e.kind === 'tampered'),
    [],
    JSON.stringify(seen),
  );
  const changed = seen.filter((e) => e.kind === 'changed');
  assert.ok(changed.some((e) => e.key === 'JARVIS_SELF_MODIFY_ALLOWED' && e.to === '0' && typeof e.receipt === 'number'));
  assert.ok(changed.some((e) => e.key === 'TELEGRAM_TRUSTED_USER_IDS' && e.to === '987654321'));
});

test('a trusted id added by hand, the breaker armed without a re-arm, a link in place of .env: each alerted', async (t) => {
  const w = await watched(t);
  let from = w.events.length;
  sedEnv(w.ref, 's/^TELEGRAM_TRUSTED_USER_IDS=.*/TELEGRAM_TRUSTED_USER_IDS=555/');
  const trust = await w.next((e) => e.kind === 'tampered', from);
  assert.deepEqual([trust.what, trust.key, trust.to], ['trust', 'TELEGRAM_TRUSTED_USER_IDS', '555']);

  writeFileSync(
    join(w.ref.home, 'breaker.json'),
    JSON.stringify({ state: 'tripped', tripped_at: '2026-12-01T00:00:00Z', reason: '4 restarts in 60 min', restarts: [], rearmed_at: null, by: 'droplet' }),
  );
  await w.next((e) => e.kind === 'changed' && e.file === 'breaker', from);
  from = w.events.length;
  writeFileSync(join(w.ref.home, 'breaker.json'), JSON.stringify({ state: 'armed', tripped_at: null, reason: null, restarts: [], rearmed_at: null, by: null }));
  const armed = await w.next((e) => e.kind === 'tampered', from);
  assert.deepEqual([armed.file, armed.key, armed.from, armed.to], ['breaker', 'state', 'tripped', 'armed']);

  from = w.events.length;
  const secret = join(w.ref.root, 'secret.txt');
  writeFileSync(secret, 'JARVIS_SELF_MODIFY_ALLOWED=1\n');
  rmSync(w.ref.envPath);
  symlinkSync(secret, w.ref.envPath);
  const link = await w.next((e) => e.kind === 'tampered' && e.what === 'replaced', from);
  assert.deepEqual([link.file, link.to], ['env', 'symlink']);
});

test("a truncated audit log is alerted; rotation (rename, then a new file) is the agent's right", async (t) => {
  const w = await watched(t);
  let from = w.events.length;
  appendFileSync(join(w.ref.home, 'activity.jsonl'), '{"seq":1}\n{"seq":2}\n');
  // A marker change after the append: once its alert is out, the watch has seen the longer file.
  sedEnv(w.ref, 's/^EMAIL_TRUSTED_SENDERS=.*/EMAIL_TRUSTED_SENDERS=/');
  await w.next((e) => e.kind === 'tampered' && e.key === 'EMAIL_TRUSTED_SENDERS', from);
  writeFileSync(join(w.ref.home, 'activity.jsonl'), '{"seq":1}\n'); // in place: same inode, fewer bytes
  const cut = await w.next((e) => e.kind === 'tampered' && e.what === 'truncated', from);
  assert.equal(cut.file, 'activity');
  from = w.events.length;
  renameSync(join(w.ref.home, 'activity.jsonl'), join(w.ref.home, 'activity.jsonl.1'));
  writeFileSync(join(w.ref.home, 'activity.jsonl'), '');
  // A marker change after the rotation: once it is seen, the rotation's events were judged too.
  sedEnv(w.ref, 's/^SMS_TRUSTED_NUMBERS=.*/SMS_TRUSTED_NUMBERS=/');
  await w.next((e) => e.kind === 'tampered' && e.key === 'SMS_TRUSTED_NUMBERS', from);
  assert.deepEqual(
    w.events.slice(from).filter((e) => e.kind === 'tampered' && e.file?.startsWith('activity')),
    [],
  );
});

test("a key appended to the SSH user's authorized_keys is alerted (the CLI on the droplet: --local)", async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'stratam-watch-local-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  mkdirSync(join(root, 'opt'));
  mkdirSync(join(home, '.jarvis'));
  writeFileSync(join(home, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorKeyOperatorKeyOperatorKeyOpera op@desk\n');
  writeFileSync(join(root, 'opt', '.env'), 'JARVIS_SELF_MODIFY_ALLOWED=0\n');
  const droplet = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: '~/.jarvis', jarvisRoot: join(root, 'opt') }, home);
  const events: WatchEvent[] = [];
  const watch = new ControlWatch(droplet, { via: 'test', hold: false, onEvent: (e) => events.push(e) });
  t.after(async () => {
    watch.stop();
    await watch.done;
    await droplet.close();
  });
  await watch.start();
  appendFileSync(join(home, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAgentKeyAgentKeyAgentKeyAgentKeyAgentK agent\n');
  await until(() => events.some((e) => e.kind === 'tampered'), 'the alert');
  const e = events.find((x) => x.kind === 'tampered')!;
  assert.deepEqual([e.file, e.what, e.from, e.to], ['authorized_keys', 'access', '1 line(s)', '2 line(s)']);
  assert.ok(existsSync(join(home, '.jarvis', 'operator_actions.jsonl')), 'the detection left a receipt');
});

test('a change made while the connection was down is caught when it comes back', async (t) => {
  const w = await watched(t);
  await pause(w.droplet, 'test');
  await w.next((e) => e.kind === 'changed' && e.to === '0');
  const from = w.events.length;
  await w.ref.killSshd();
  sedEnv(w.ref, 's/^JARVIS_SELF_MODIFY_ALLOWED=0/JARVIS_SELF_MODIFY_ALLOWED=1/');
  await w.ref.startSshd(w.ref.port);
  const e = await w.next((x) => x.kind === 'tampered', from, 30_000);
  assert.deepEqual([e.key, e.from, e.to], ['JARVIS_SELF_MODIFY_ALLOWED', '0', '1']);
});

test('the watch reads a missing .env the way status does: no such folder, with the --jarvis-root fix', async (t) => {
  const w = await watched(t);
  const from = w.readings.length;
  rmSync(w.ref.jarvisRoot, { recursive: true, force: true });
  await until(() => w.readings.slice(from).some((r) => r.unknown !== null), 'an unknown reading');
  const r = w.readings.at(-1)!;
  assert.equal(r.selfModify, 'unknown');
  assert.equal(r.unknown?.reason, 'no-folder');
  assert.match(r.unknown!.fix, /--jarvis-root/);
});
