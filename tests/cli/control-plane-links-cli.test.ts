/**
 * Issue 13, reproduction 2: control-plane files are regular files, never
 * followed (contract v2). The real `stratam` CLI against the reference
 * droplet (real sshd, real SFTP), with real links and FIFOs put where the
 * agent could put them: every action is refused (exit 3) naming the path, or
 * for a fail-safe pause runs and says why it left no receipt; neither the
 * link nor its target changes; no secret reaches a regular file, the
 * terminal or a receipt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { DEFAULT_ENV, startReferenceDroplet, type ReferenceDroplet, type ReferenceDropletOptions } from '../helpers/reference-droplet.js';

/** A file the SSH user can read and the agent cannot: what a link would exfiltrate. It reads as a valid .env. */
const SECRET = 'JARVIS_SELF_MODIFY_ALLOWED=1\nSTRIPE_LIVE_KEY=sk_live_TOPSECRET_51Hx\n';
const MARK = 'TOPSECRET';

async function droplet(t: import('node:test').TestContext, opts: ReferenceDropletOptions = {}) {
  const ref = await startReferenceDroplet(opts);
  t.after(() => ref.teardown());
  const secret = join(ref.root, 'operator-secret.env');
  writeFileSync(secret, SECRET, { mode: 0o600 });
  const cli = (...args: string[]) => runCli([...ref.cliArgs(), ...args], { timeoutMs: 30_000 });
  return { ref, secret, cli };
}

/** Replace a control file by a symlink to `target` (as `ln -sf` by the agent would). */
function linkInPlace(path: string, target: string): void {
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

function assertLinkIntact(path: string, target: string, targetBytes: string): void {
  assert.ok(lstatSync(path).isSymbolicLink(), `${path} is still the link (no regular file was put in its place)`);
  assert.equal(readlinkSync(path), target);
  assert.equal(readFileSync(target, 'utf8'), targetBytes, 'the link target is byte-identical');
}

function assertRefusedNaming(r: { code: number; stdout: string; stderr: string }, path: string, what: RegExp): void {
  assert.equal(r.code, 3, r.stderr);
  assert.ok(r.stderr.includes(path), r.stderr);
  assert.match(r.stderr, what);
  assert.ok(!r.stdout.includes(MARK) && !r.stderr.includes(MARK), 'no byte of the target reaches the terminal');
}

test('.env a symlink to a secret file: pause, resume, trust add and breaker rearm are refused (exit 3); link and target unchanged; no secret in any receipt', async (t) => {
  const { ref, secret, cli } = await droplet(t);
  linkInPlace(ref.envPath, secret);
  for (const args of [['pause'], ['resume', '--yes'], ['trust', 'add', 'telegram', '987654321'], ['breaker', 'rearm', '--yes']]) {
    const r = await cli(...args);
    assertRefusedNaming(r, ref.envPath, /symbolic link/);
    assertLinkIntact(ref.envPath, secret, SECRET);
  }
  const receipts = ref.readJsonl('operator_actions.jsonl');
  assert.deepEqual(
    receipts.map((r) => [r.tool, r.ok]),
    [
      ['pause', false],
      ['resume', false],
      ['trust_add', false],
      ['breaker_rearm', false],
    ],
  );
  assert.ok(!readFileSync(join(ref.home, 'operator_actions.jsonl'), 'utf8').includes(MARK));
});

test('the automatic breaker trip (breaker check after 4 restarts) is refused at a linked .env: nothing is copied, breaker.json is not written', async (t) => {
  const { ref, secret, cli } = await droplet(t, { agent: true });
  for (let i = 0; i < 4; i++) execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  linkInPlace(ref.envPath, secret);
  const r = await cli('breaker', 'check');
  assertRefusedNaming(r, ref.envPath, /symbolic link/);
  assertLinkIntact(ref.envPath, secret, SECRET);
  assert.equal(existsSync(join(ref.home, 'breaker.json')), false, 'the loop flag goes first; breaker.json is only written after it landed');
  const trip = ref.readJsonl('operator_actions.jsonl').find((x) => x.tool === 'breaker_trip');
  assert.equal(trip?.ok, false);
});

test('a FIFO in place of .env: pause is refused at once (no hang), the FIFO stays', async (t) => {
  const { ref, cli } = await droplet(t);
  rmSync(ref.envPath);
  execFileSync('mkfifo', [ref.envPath]);
  const r = await cli('pause');
  assertRefusedNaming(r, ref.envPath, /FIFO/);
  assert.ok(lstatSync(ref.envPath).isFIFO());
});

test('vault rotate is refused when the archive, vault.json or vault.keys is a symlink: nothing rotated, the target unchanged', async (t) => {
  const { ref, cli } = await droplet(t);
  assert.equal((await cli('vault', 'init')).code, 0);
  const keys = join(ref.home, 'vault.keys');
  const keysBefore = readFileSync(keys, 'utf8');
  // Lines that are not records are copied through a rewrite untouched: through a link, the secret would land in the agent's archive.
  const cases: Array<[string, string]> = [
    ['conversation_archive.jsonl', `{"note": "${MARK} archive"}\n`],
    ['vault.json', `{"version": 1, "entries": {}, "leak": "${MARK} vault"}\n`],
  ];
  for (const [name, body] of cases) {
    const path = join(ref.home, name);
    const target = join(ref.root, `target-${name}`);
    writeFileSync(target, body, { mode: 0o600 });
    const moved = `${path}.real`;
    if (existsSync(path)) renameSync(path, moved);
    symlinkSync(target, path);
    const r = await cli('vault', 'rotate', '--yes');
    assertRefusedNaming(r, path, /symbolic link/);
    assertLinkIntact(path, target, body);
    assert.equal(readFileSync(keys, 'utf8'), keysBefore, `${name}: the keyring was not rotated`);
    rmSync(path);
    if (existsSync(moved)) renameSync(moved, path);
  }
  // The keyring itself: a link to a keyring kept elsewhere is not rotated through, nor replaced.
  const realKeys = join(ref.root, 'vault.keys.elsewhere');
  renameSync(keys, realKeys);
  symlinkSync(realKeys, keys);
  const r = await cli('vault', 'rotate', '--yes');
  assertRefusedNaming(r, keys, /symbolic link/);
  assertLinkIntact(keys, realKeys, keysBefore);
  assert.deepEqual(
    ref
      .readJsonl('operator_actions.jsonl')
      .filter((x) => x.tool === 'vault_rotate')
      .map((x) => x.ok),
    [false, false, false],
  );
});

test('the receipts file a symlink to a writable file: nothing is appended through it; resume and trust are not run; a pause still lands and says it has no receipt', async (t) => {
  const { ref, cli } = await droplet(t);
  const victim = join(ref.root, 'authorized_keys-like');
  const victimBytes = 'ssh-ed25519 AAAAC3Nza-operator-key ops@laptop\n';
  writeFileSync(victim, victimBytes, { mode: 0o600 });
  const receipts = join(ref.home, 'operator_actions.jsonl');
  linkInPlace(receipts, victim);
  const env = ref.readEnv();

  for (const args of [
    ['resume', '--yes'],
    ['trust', 'add', 'telegram', '987654321'],
  ]) {
    const r = await cli(...args);
    assertRefusedNaming(r, receipts, /was not run, because its receipt could not be written/);
    assert.equal(ref.readEnv(), env, `${args[0]}: .env untouched (the action never ran)`);
  }
  // A shell command that could not be receipted never runs either (the flag is 1 here, so only the receipt stops it).
  const ran = join(ref.root, 'exec-ran');
  const x = await cli('exec', '--', `touch ${ran}`);
  assertRefusedNaming(x, receipts, /host_exec was not run, because its receipt could not be written/);
  assert.equal(existsSync(ran), false, 'the command did not run');
  // Pause only takes power away: refusing it would let a link here keep the agent unpaused.
  const p = await cli('pause');
  assert.equal(p.code, 1, p.stderr);
  assert.match(p.stderr, /pause ran, but no receipt was written/);
  assert.ok(p.stderr.includes(receipts));
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);
  assertLinkIntact(receipts, victim, victimBytes);
});

test("activity.jsonl a symlink or a FIFO: audit tail shows a critical alert and never the target's bytes; audit verify refuses", async (t) => {
  const { ref, cli } = await droplet(t, {
    activity: `${JSON.stringify({ seq: 1, ts: '2026-11-28T01:02:03Z', turn: 't_1', channel: 'discord', trust: 'owner', tool: 'read_file', args: {}, result: 'ok', ok: true, elapsed_ms: 1, blocked: null })}\n`,
  });
  const activity = join(ref.home, 'activity.jsonl');
  // The witness learns seq 1 first, so verify has something to compare.
  assert.equal((await cli('audit', 'tail', '--json')).code, 0);
  const target = join(ref.root, 'records-elsewhere.jsonl');
  const targetBytes = `${JSON.stringify({ seq: 2, ts: '2026-11-28T01:02:04Z', turn: 't_2', channel: 'discord', trust: 'owner', tool: 'read_file', args: { secret: MARK }, result: MARK, ok: true, elapsed_ms: 1, blocked: null })}\n`;
  writeFileSync(target, targetBytes);
  renameSync(activity, `${activity}.1`);
  symlinkSync(target, activity);

  const tail = await cli('audit', 'tail', '--json', '--from-seq', '1');
  assert.equal(tail.code, 0, tail.stderr);
  assert.ok(!tail.stdout.includes(MARK), 'no record of the link target is delivered');
  const items = tail.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    items.filter((i) => 'seq' in i).map((i) => i.seq),
    [1],
    'the rotated regular file is still read',
  );
  const alerts = items.filter((i) => i.kind === 'alert');
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.severity, 'critical');
  assert.equal(alerts[0]!.reason, 'not-regular-file');
  assert.equal(alerts[0]!.path, activity);
  assert.equal(alerts[0]!.file_type, 'symlink');

  const human = await cli('audit', 'tail');
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /ALERT \(critical\) not-regular-file/);
  assert.ok(!human.stdout.includes(MARK));

  const verify = await cli('audit', 'verify');
  assertRefusedNaming(verify, activity, /symbolic link/);
  assertLinkIntact(activity, target, targetBytes);

  rmSync(activity);
  execFileSync('mkfifo', [activity]);
  const fifo = await cli('audit', 'tail', '--json');
  assert.equal(fifo.code, 0, fifo.stderr);
  assert.ok(
    fifo.stdout.split('\n').some((l) => l.includes('"not-regular-file"') && l.includes('"fifo"')),
    fifo.stdout,
  );
  assert.ok(lstatSync(activity).isFIFO());
});

test('.jarvis_self_history a symlink: snapshots is refused naming it; linked entries in the real folder are reported, never followed or counted', async (t) => {
  const { ref, cli } = await droplet(t);
  const hist = join(ref.jarvisRoot, '.jarvis_self_history');
  const elsewhere = join(ref.root, 'history-elsewhere');
  mkdirSync(join(elsewhere, '20261201T040000Z-fake', 'tree'), { recursive: true });
  writeFileSync(join(elsewhere, '20261201T040000Z-fake', 'tree', 'main.py'), `# ${MARK}\n`);
  rmSync(hist, { recursive: true });
  symlinkSync(elsewhere, hist);
  const r = await cli('snapshots', '--json');
  assertRefusedNaming(r, hist, /symbolic link, not a folder/);

  rmSync(hist);
  mkdirSync(join(hist, '20261130T010000Z-real', 'tree'), { recursive: true });
  symlinkSync(join(elsewhere, '20261201T040000Z-fake'), join(hist, '20261201T040000Z-fake'));
  const ok = await cli('snapshots', '--json');
  assert.equal(ok.code, 0, ok.stderr);
  const listing = JSON.parse(ok.stdout) as { snapshots: Array<{ name: string }>; links: string[]; warning: string };
  assert.deepEqual(
    listing.snapshots.map((s) => s.name),
    ['20261130T010000Z-real'],
  );
  assert.deepEqual(listing.links, ['20261201T040000Z-fake']);
  assert.match(listing.warning, /symbolic link/);
});

test('export stops at a linked rotated log (exit 3, naming it) and leaves no file', async (t) => {
  const { ref, secret, cli } = await droplet(t);
  const rotated = join(ref.home, 'activity.jsonl.2');
  symlinkSync(secret, rotated);
  const out = join(ref.root, 'export.json');
  const r = await cli('export', '--out', out);
  assertRefusedNaming(r, rotated, /symbolic link/);
  assert.equal(existsSync(out), false);
  assert.equal(readFileSync(secret, 'utf8'), SECRET);
});

test('control: with regular files the same commands succeed (the refusals above are about links, not the commands)', async (t) => {
  const { ref, cli } = await droplet(t);
  assert.equal(ref.readEnv(), DEFAULT_ENV);
  for (const args of [['pause'], ['resume', '--yes'], ['trust', 'add', 'telegram', '987654321'], ['snapshots']]) {
    const r = await cli(...args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  assert.deepEqual(
    ref.readJsonl('operator_actions.jsonl').map((r) => [r.tool, r.ok]),
    [
      ['pause', true],
      ['resume', true],
      ['trust_add', true],
    ],
  );
});
