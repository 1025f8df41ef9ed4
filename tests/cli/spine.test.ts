/**
 * The spine, end to end: the real `stratam` CLI against the reference droplet
 * (real sshd, real SFTP, real files, the stand-in agent in real Docker).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { DEFAULT_ENV, startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';

let ref: ReferenceDroplet;
before(async () => {
  ref = await startReferenceDroplet({ agent: true });
});
after(async () => {
  await ref?.teardown();
});

const cli = (...args: string[]) => runCli([...ref.cliArgs(), ...args]);
const authLines = () =>
  readFileSync(ref.sshdLog, 'utf8')
    .split('\n')
    .filter((l) => /publickey|Accepted key|userauth/i.test(l)).length;

test('status --json reports flags, trust, breaker and the verified host key', async () => {
  const r = await cli('status', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual(s.droplet, { host: '127.0.0.1', port: ref.port, user: 'root', hostKey: ref.hostFingerprint, kind: 'ssh' });
  assert.equal(s.connected, true);
  assert.equal(s.flags.selfModifyAllowed, true);
  assert.equal(s.flags.eternalLoop, true);
  assert.deepEqual(s.trust, {
    discord: { owner: '123456789012345678', trusted: ['234567890123456789'] },
    telegram: [],
    email: ['ops@example.com'],
    sms: ['+14155550100'],
  });
  assert.deepEqual(s.breaker, { state: 'armed', trippedAt: null, reason: null, restarts: [], rearmedAt: null, by: null });
  assert.equal(s.agent.name, ref.container);
  assert.equal(s.agent.state, 'running');
  assert.deepEqual(s.vault, { state: 'absent' });
  assert.equal(typeof s.sandbox.checked, 'number');
  assert.match(s.backups.error, /jarvis_backups does not exist/);
  assert.equal(s.snapshots.count, 0);
  // No secret from .env leaks into status
  assert.ok(!r.stdout.includes('sk-test-not-a-real-key'));
  const human = await cli('status');
  assert.equal(human.code, 0);
  assert.match(human.stdout, /destructive\s+allowed/);
  assert.ok(!human.stdout.includes('\x1b['), 'no colour when not a TTY');
});

test('pause changes one byte of .env, keeps the mode, leaves a receipt, and the agent is blocked next call', async () => {
  const before = ref.readEnv();
  const mode = statSync(ref.envPath).mode & 0o777;
  assert.equal(ref.agentCall('host_exec', 'docker ps').blocked, null);
  const r = await cli('pause', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).selfModifyAllowed, false);
  const after = ref.readEnv();
  assert.equal(after, before.replace('JARVIS_SELF_MODIFY_ALLOWED=1', 'JARVIS_SELF_MODIFY_ALLOWED=0'));
  assert.equal(statSync(ref.envPath).mode & 0o777, mode);
  const receipts = ref.readJsonl('operator_actions.jsonl');
  const last = receipts[receipts.length - 1]!;
  assert.equal(last.tool, 'pause');
  assert.equal(last.ok, true);
  assert.equal(last.channel, 'operator');
  assert.equal(last.trust, 'owner');
  assert.equal(last.blocked, null);
  assert.equal(typeof last.seq, 'number');
  // End to end: the agent's next destructive call is recorded as blocked by the flag.
  const rec = ref.agentCall('host_exec', 'docker ps');
  assert.equal(rec.blocked, 'flag');
  assert.equal(rec.ok, false);
  // A read tool is not gated.
  assert.equal(ref.agentCall('read_file', 'notes').blocked, null);
});

test('resume needs --yes, then allows destructive calls again', async () => {
  const no = await cli('resume');
  assert.equal(no.code, 2);
  assert.match(no.stderr, /--yes/);
  assert.match(ref.readEnv(), /JARVIS_SELF_MODIFY_ALLOWED=0/);
  const yes = await cli('resume', '--yes');
  assert.equal(yes.code, 0, yes.stderr);
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=1$/m);
  assert.equal(ref.agentCall('host_exec', 'uptime').blocked, null);
  const receipts = ref.readJsonl('operator_actions.jsonl');
  assert.equal(receipts[receipts.length - 1]!.tool, 'resume');
});

test('trust add, list and revoke per channel, with receipts and seq increasing', async () => {
  assert.equal((await cli('trust', 'add', 'telegram', '987654321')).code, 0);
  assert.equal((await cli('trust', 'add', 'sms', '+447700900123')).code, 0);
  assert.equal((await cli('trust', 'add', 'email', 'alice@example.org')).code, 0);
  assert.equal((await cli('trust', 'revoke', 'discord', '234567890123456789')).code, 0);
  const list = JSON.parse((await cli('trust', 'list', '--json')).stdout);
  assert.deepEqual(list.telegram, ['987654321']);
  assert.deepEqual(list.sms, ['+14155550100', '+447700900123']);
  assert.deepEqual(list.email, ['ops@example.com', 'alice@example.org']);
  assert.deepEqual(list.discord.trusted, []);
  // quoting style of the original lines is kept
  assert.match(ref.readEnv(), /^SMS_TRUSTED_NUMBERS='\+14155550100,\+447700900123'$/m);
  assert.match(ref.readEnv(), /^EMAIL_TRUSTED_SENDERS="ops@example.com,alice@example.org"$/m);
  const seqs = ref.readJsonl('operator_actions.jsonl').map((r) => r.seq as number);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
  );
});

test('the owner cannot be revoked: exit 3, .env untouched, refusal receipted', async () => {
  const before = ref.readEnv();
  const r = await cli('trust', 'revoke', 'discord', '123456789012345678');
  assert.equal(r.code, 3);
  assert.match(r.stderr, /owner/);
  assert.equal(ref.readEnv(), before);
  const last = ref.readJsonl('operator_actions.jsonl').at(-1)!;
  assert.equal(last.tool, 'trust_revoke');
  assert.equal(last.ok, false);
  assert.equal(last.blocked, 'trust');
});

test('injections and bad ids are refused before anything is written', async () => {
  const before = ref.readEnv();
  const receiptsBefore = ref.readJsonl('operator_actions.jsonl').length;
  const cases: Array<[string, string, RegExp]> = [
    ['telegram', '123\nJARVIS_SELF_MODIFY_ALLOWED=1', /newline|control/],
    ['discord', '12345', /snowflake/],
    ['email', 'a@b.com,evil@x.com', /email|comma|newline|quote/],
    ['email', 'bob"@x.com', /quote/],
    ['sms', '+0123456789', /E\.164/],
    ['sms', '4155550100', /E\.164/],
    ['telegram', '1234567890123456', /Telegram/],
    ['discord', '123456789012345678#x', /#|newline|quote/],
  ];
  for (const [channel, id, msg] of cases) {
    const r = await cli('trust', 'add', channel, id);
    assert.equal(r.code, 2, `${channel} ${JSON.stringify(id)}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.ok(!r.stderr.includes('\n' + 'JARVIS_SELF_MODIFY_ALLOWED=1'), 'the raw newline is never echoed');
  }
  const bad = await cli('trust', 'add', 'whatsapp', '123');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /discord, telegram, email, sms/);
  assert.equal(ref.readEnv(), before);
  assert.equal(ref.readJsonl('operator_actions.jsonl').length, receiptsBefore);
});

test('a wrong pinned host key is refused before authentication (exit 4, offered key shown)', async () => {
  const n = authLines();
  const wrong = 'SHA256:' + 'A'.repeat(43);
  const args = ref.cliArgs();
  args[args.indexOf('--fingerprint') + 1] = wrong;
  const r = await runCli([...args, 'pause']);
  assert.equal(r.code, 4);
  assert.ok(r.stderr.includes(ref.hostFingerprint), 'shows the offered fingerprint');
  assert.match(r.stderr, /before authentication/);
  assert.match(r.stderr, /ssh-keygen -lf/);
  assert.ok(!r.stderr.includes('PRIVATE KEY'));
  await new Promise((res) => setTimeout(res, 200));
  assert.equal(authLines(), n, 'sshd saw no authentication attempt');
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=1$/m);
});

test('known_hosts: unknown host refused; plain, hashed and [host]:port entries accepted; changed and @revoked refused', async () => {
  const kh = join(ref.root, 'known_hosts');
  const noPin = () => {
    const a = ref.cliArgs();
    a.splice(a.indexOf('--fingerprint'), 2);
    return [...a, '--known-hosts', kh];
  };
  writeFileSync(kh, '# empty\n');
  let n = authLines();
  let r = await runCli([...noPin(), 'status', '--json']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /unknown/);
  assert.ok(r.stderr.includes(`--fingerprint ${ref.hostFingerprint}`), 'tells how to pin');
  assert.equal(authLines(), n);

  // Several keys for the host, the right one second; plain form.
  const other =
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(ref.root, 'other'), '-C', 'x']) && readFileSync(join(ref.root, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(kh, `[127.0.0.1]:${ref.port} ${other}\n${ref.knownHostsLine()}\n`);
  r = await runCli([...noPin(), 'status', '--json']);
  assert.equal(r.code, 0, r.stderr);

  // Hashed with ssh-keygen -H
  writeFileSync(kh, `${ref.knownHostsLine()}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
  assert.match(readFileSync(kh, 'utf8'), /^\|1\|/);
  r = await runCli([...noPin(), 'status', '--json']);
  assert.equal(r.code, 0, r.stderr);

  // Changed: only another key recorded for this host
  writeFileSync(kh, `[127.0.0.1]:${ref.port} ${other}\n`);
  n = authLines();
  r = await runCli([...noPin(), 'status']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /CHANGED/);
  assert.equal(authLines(), n);

  // Revoked wins even when the key is also listed
  const [, type, key] = ref.knownHostsLine().split(' ');
  writeFileSync(kh, `${ref.knownHostsLine()}\n@revoked * ${type} ${key}\n`);
  r = await runCli([...noPin(), 'status']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /revoked/);
});

test('a passphrase-protected key works with STRATAM_KEY_PASSPHRASE and fails clearly without it', async () => {
  const enc = join(ref.root, 'enc_key');
  copyFileSync(ref.clientKey, enc);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'correct horse', '-f', enc], { stdio: 'ignore' });
  const args = ref.cliArgs();
  args[args.indexOf('--identity') + 1] = enc;
  const ok = await runCli([...args, 'status', '--json'], { env: { STRATAM_KEY_PASSPHRASE: 'correct horse' } });
  assert.equal(ok.code, 0, ok.stderr);
  const missing = await runCli([...args, 'status']);
  assert.equal(missing.code, 4);
  assert.match(missing.stderr, /passphrase/i);
  assert.ok(!missing.stderr.includes('correct horse'));
  assert.ok(!missing.stderr.includes('BEGIN OPENSSH'));
});

test('unreachable droplet: exit 4 with a hint', async () => {
  const args = ref.cliArgs();
  args[args.indexOf('--port') + 1] = '1';
  const r = await runCli([...args, 'status']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /connection refused/);
  assert.match(r.stderr, /hint/);
});

test('--local drives the same files on this machine', async () => {
  const r = await runCli([...ref.localArgs(), 'pause', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);
  const s = JSON.parse((await runCli([...ref.localArgs(), 'status', '--json'])).stdout);
  assert.equal(s.droplet.kind, 'local');
  assert.equal(s.flags.selfModifyAllowed, false);
  assert.equal(ref.readJsonl('operator_actions.jsonl').at(-1)!.tool, 'pause');
  assert.equal((await runCli([...ref.localArgs(), 'resume', '--yes'])).code, 0);
});

test('usage errors exit 2 and name the fix', async () => {
  const none = await runCli(['status']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--host|--profile|--local/);
  const unknown = await runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  const port = await runCli(['--port', 'abc', 'status']);
  assert.equal(port.code, 2);
  const fp = await runCli(['--host', 'x', '--fingerprint', 'MD5:aa:bb', 'status']);
  assert.equal(fp.code, 2);
  assert.match(fp.stderr, /SHA256/);
});

test('saved profiles: add, use, list, remove', async () => {
  const state = join(ref.root, 'state-profiles');
  const add = await runCli([...ref.cliArgs(), '--state-dir', state, 'profile', 'add', 'lab']);
  assert.equal(add.code, 0, add.stderr);
  assert.equal(statSync(join(state, 'profiles.json')).mode & 0o777, 0o600);
  const st = await runCli(['--state-dir', state, '--profile', 'lab', 'status', '--json']);
  assert.equal(st.code, 0, st.stderr);
  assert.equal(JSON.parse(st.stdout).droplet.port, ref.port);
  const list = await runCli(['--state-dir', state, 'profile', 'list']);
  assert.match(list.stdout, /lab\s+root@127\.0\.0\.1/);
  assert.equal((await runCli(['--state-dir', state, 'profile', 'remove', 'lab'])).code, 0);
  assert.equal((await runCli(['--state-dir', state, '--profile', 'lab', 'status'])).code, 2);
});

test('a .env without a trailing newline, CRLF lines and an absent key are edited without disturbing other bytes', async () => {
  writeFileSync(ref.envPath, 'A=1\r\n# c\r\nJARVIS_SELF_MODIFY_ALLOWED="1" # keep me\r\nB=2');
  assert.equal((await cli('pause')).code, 0);
  assert.equal(readFileSync(ref.envPath, 'utf8'), 'A=1\r\n# c\r\nJARVIS_SELF_MODIFY_ALLOWED="0" # keep me\r\nB=2');
  assert.equal((await cli('trust', 'add', 'telegram', '42')).code, 0);
  assert.equal(readFileSync(ref.envPath, 'utf8'), 'A=1\r\n# c\r\nJARVIS_SELF_MODIFY_ALLOWED="0" # keep me\r\nB=2\r\nTELEGRAM_TRUSTED_USER_IDS=42\r\n');
  writeFileSync(ref.envPath, DEFAULT_ENV);
});
