/**
 * Faults around the kill switch: sshd killed in the middle of a pause, and a
 * full disk during the .env write. What must hold: the pause either completes
 * and is verified, or is reported failed; the .env is never half-written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pause } from '../../src-main/core/controls/pause.js';
import { SshDroplet } from '../../src-main/core/droplet/ssh-droplet.js';
import { StratamError } from '../../src-main/core/errors.js';
import { DEFAULT_ENV, startReferenceDroplet } from '../helpers/reference-droplet.js';
import { runCli } from '../helpers/run-cli.js';

const PAUSED = DEFAULT_ENV.replace('JARVIS_SELF_MODIFY_ALLOWED=1', 'JARVIS_SELF_MODIFY_ALLOWED=0');

test('sshd killed at random moments during a pause: completed-and-verified or reported failed, never half-written', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  let completed = 0;
  let failed = 0;
  for (let i = 0; i < 20; i++) {
    writeFileSync(ref.envPath, DEFAULT_ENV);
    if (i > 0) await ref.startSshd(ref.port);
    const d = await SshDroplet.connect(ref.profile());
    const delay = (i * 7) % 40; // spread the kill over the whole operation
    const killer = new Promise<void>((resolve, reject) =>
      setTimeout(() => {
        ref.killSshd().then(resolve, reject);
      }, delay),
    );
    let outcome: 'ok' | 'failed';
    try {
      const r = await pause(d, 'fault-test');
      assert.equal(r.verified, true);
      outcome = 'ok';
    } catch (err) {
      outcome = 'failed';
      assert.ok(err instanceof Error && err.message.length > 0, 'a failure says something');
    }
    await killer;
    await d.close();
    const env = readFileSync(ref.envPath, 'utf8');
    assert.ok(env === DEFAULT_ENV || env === PAUSED, `half-written .env after kill at ${delay} ms: ${JSON.stringify(env)}`);
    if (outcome === 'ok') {
      completed++;
      assert.equal(env, PAUSED, 'a pause reported done is done');
    } else failed++;
  }
  assert.equal(completed + failed, 20);
  t.diagnostic(`completed ${completed}, reported failed ${failed}`);
});

test('the CLI reports a dropped connection during pause as a failure with a non-zero exit', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const p = runCli([...ref.cliArgs(), 'pause']);
  await new Promise((r) => setTimeout(r, 60));
  await ref.killSshd();
  const r = await p;
  const env = readFileSync(ref.envPath, 'utf8');
  if (r.code === 0) assert.equal(env, PAUSED);
  else {
    assert.ok([1, 4].includes(r.code), `exit ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, /stratam: /);
    assert.ok(env === DEFAULT_ENV || env === PAUSED);
  }
});

test('droplet disk full during a .env write: the original stays intact, with a clear error', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  // Put jarvisRoot on a tiny tmpfs, then fill it so the temp copy cannot be written.
  const mnt = join(ref.root, 'small');
  mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt]);
  try {
    const env = join(mnt, '.env');
    writeFileSync(env, DEFAULT_ENV, { mode: 0o640 });
    try {
      writeFileSync(join(mnt, 'filler'), Buffer.alloc(64 * 1024));
    } catch {
      /* ENOSPC: the disk is now full, as intended */
    }
    const r = await runCli([...ref.cliArgs(), '--env-file', env, 'pause']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /original is unchanged/);
    assert.match(r.stderr, /disk space/);
    assert.equal(readFileSync(env, 'utf8'), DEFAULT_ENV);
    assert.deepEqual(
      readdirSync(mnt).filter((n) => n.includes('stratam')),
      [],
      'no temp file left behind',
    );
    // the refusal still left a receipt on the (other, not full) jarvis home
    const last = ref.readJsonl('operator_actions.jsonl').at(-1)!;
    assert.equal(last.tool, 'pause');
    assert.equal(last.ok, false);
  } finally {
    execFileSync('umount', ['-l', mnt]);
  }
});

test('a StratamError never carries key material (the link zeroes its key copy on close)', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const key = readFileSync(ref.clientKey, 'utf8');
  const body = key.split('\n').slice(1, -2).join('');
  const args = ref.cliArgs();
  args[args.indexOf('--fingerprint') + 1] = 'SHA256:' + 'B'.repeat(43);
  const r = await runCli([...args, '--json', 'pause']);
  assert.equal(r.code, 4);
  for (const out of [r.stdout, r.stderr]) {
    assert.ok(!out.includes(body.slice(0, 40)), 'no private key bytes in output');
    assert.ok(!out.includes('PRIVATE KEY'));
  }
  assert.ok(StratamError);
});
