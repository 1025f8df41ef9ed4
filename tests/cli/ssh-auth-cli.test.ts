/**
 * Issue 15, defects 11 and 12, through the real CLI against a real sshd:
 *   - `--identity key.pub` spun at full CPU ignoring SIGINT; a stale
 *     SSH_AUTH_SOCK printed an error and then spun. Both must end at once
 *     with the cause.
 *   - a wrong --user or a key missing from authorized_keys read "Could not
 *     reach ... over SSH", and the client offered the same key until sshd's
 *     MaxAuthTries cut it off (six failures in sshd's log per run). The
 *     message must name the user and the refused key, and sshd's log must
 *     show at most one failure per key.
 * Each run has a deadline: a spin shows up as runCli's "did not finish".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { runCli } from '../helpers/run-cli.js';

const DEADLINE_MS = 30_000;

const fingerprintOf = (pub: string) => execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub], { encoding: 'utf8' }).split(' ')[1] ?? '';

function keygen(path: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stratam-test-other', '-f', path], { stdio: 'ignore' });
  return fingerprintOf(`${path}.pub`);
}

/** The droplet's CLI flags with another --user/--identity (or none: the agent's keys). */
function argsFor(ref: ReferenceDroplet, over: { user?: string; identity?: string | null }): string[] {
  const a = ref.cliArgs();
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--user') {
      const v = a[++i]!;
      out.push('--user', over.user ?? v);
    } else if (a[i] === '--identity') {
      const v = a[++i]!;
      if (over.identity !== null) out.push('--identity', over.identity ?? v);
    } else out.push(a[i]!);
  }
  return out;
}

/** sshd's "Failed publickey" lines written since `from` (a byte offset), per key fingerprint. */
function failuresSince(ref: ReferenceDroplet, from: number): Map<string, number> {
  const text = readFileSync(ref.sshdLog).subarray(from).toString('utf8');
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/Failed publickey for .* (SHA256:[A-Za-z0-9+/]+)/g)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  return counts;
}

const logSize = (ref: ReferenceDroplet) => (existsSync(ref.sshdLog) ? readFileSync(ref.sshdLog).length : 0);

test('--identity with a public key fails at once (exit 2) and names the private key to use', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const r = await runCli([...argsFor(ref, { identity: `${ref.clientKey}.pub` }), 'status'], { timeoutMs: DEADLINE_MS });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--identity \S+client_key\.pub is a public key \(ed25519 SHA256:/);
  assert.ok(r.stderr.includes(`hint: Pass --identity ${ref.clientKey} (the same name without .pub).`), r.stderr);
  assert.doesNotMatch(readFileSync(ref.sshdLog, 'utf8'), /Failed publickey|Accepted publickey/, 'refused before any connection');
});

test('a stale SSH_AUTH_SOCK fails at once (exit 4) with the cause: missing socket, and a socket nobody listens on', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const dir = mkdtempSync(join(tmpdir(), 'stratam-agent-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const gone = await runCli([...argsFor(ref, { identity: null }), 'status'], { timeoutMs: DEADLINE_MS, env: { SSH_AUTH_SOCK: join(dir, 'gone.sock') } });
  assert.equal(gone.code, 4, gone.stderr);
  assert.match(gone.stderr, /The ssh-agent at \S+gone\.sock \(SSH_AUTH_SOCK\) cannot be used: it does not exist\./);
  assert.match(gone.stderr, /hint: .*ssh-agent.*--identity/);

  // A socket file left behind by an agent that died: bound, never listening.
  const dead = join(dir, 'dead.sock');
  execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', dead]);
  const refused = await runCli([...argsFor(ref, { identity: null }), 'status'], { timeoutMs: DEADLINE_MS, env: { SSH_AUTH_SOCK: dead } });
  assert.equal(refused.code, 4, refused.stderr);
  assert.match(refused.stderr, /cannot be used: nothing listens there \(connection refused\)\./);
  assert.doesNotMatch(readFileSync(ref.sshdLog, 'utf8'), /Failed publickey|Accepted publickey/);
});

test('a wrong --user and a key not in authorized_keys: the user and key are named, each key is offered once', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const clientFp = fingerprintOf(`${ref.clientKey}.pub`);

  // A user sshd does not know: it says so only as "Invalid user", but must not see MaxAuthTries of offers.
  let from = logSize(ref);
  const invalid = await runCli([...argsFor(ref, { user: 'stratam-no-such-user' }), 'status'], { timeoutMs: DEADLINE_MS });
  assert.equal(invalid.code, 4, invalid.stderr);
  assert.ok(invalid.stderr.includes(`user stratam-no-such-user refused key ${clientFp} (ed25519) from ${ref.clientKey}`), invalid.stderr);
  assert.doesNotMatch(invalid.stderr, /Could not reach/);
  assert.match(invalid.stderr, /hint: Check --user/);
  await waitFor(() => /Connection closed by invalid user stratam-no-such-user/.test(readFileSync(ref.sshdLog).subarray(from).toString()));
  assert.doesNotMatch(readFileSync(ref.sshdLog).subarray(from).toString(), /maximum authentication attempts|Too many authentication failures/);
  assert.ok((failuresSince(ref, from).get(clientFp) ?? 0) <= 1);

  // A user that exists but does not hold this key (nobody cannot even read the droplet's authorized_keys).
  from = logSize(ref);
  const wrongUser = await runCli([...argsFor(ref, { user: 'nobody' }), 'status'], { timeoutMs: DEADLINE_MS });
  assert.equal(wrongUser.code, 4, wrongUser.stderr);
  assert.ok(wrongUser.stderr.includes(`user nobody refused key ${clientFp} (ed25519) from ${ref.clientKey}`), wrongUser.stderr);
  await waitForLog(ref, from, clientFp);
  assert.deepEqual([...failuresSince(ref, from)], [[clientFp, 1]], "one failure in sshd's log, not MaxAuthTries of them");

  const dir = mkdtempSync(join(tmpdir(), 'stratam-key-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const other = join(dir, 'id_other');
  const otherFp = keygen(other);
  from = logSize(ref);
  const notAuthorized = await runCli([...argsFor(ref, { identity: other }), 'status'], { timeoutMs: DEADLINE_MS });
  assert.equal(notAuthorized.code, 4, notAuthorized.stderr);
  assert.ok(notAuthorized.stderr.includes(`user root refused key ${otherFp} (ed25519) from ${other}`), notAuthorized.stderr);
  assert.ok(notAuthorized.stderr.includes(`${other}.pub is in ~root/.ssh/authorized_keys`), notAuthorized.stderr);
  await waitForLog(ref, from, otherFp);
  assert.deepEqual([...failuresSince(ref, from)], [[otherFp, 1]]);
});

test('with an ssh-agent: each agent key is offered once, then the client stops; the authorized one logs in', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const dir = mkdtempSync(join(tmpdir(), 'stratam-agent-'));
  const sock = join(dir, 'agent.sock');
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  t.after(() => {
    agent.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await waitFor(() => existsSync(sock));
  const a = join(dir, 'id_a');
  const b = join(dir, 'id_b');
  const fps = [keygen(a), keygen(b)];
  execFileSync('ssh-add', ['-q', a, b], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });

  const from = logSize(ref);
  const refused = await runCli([...argsFor(ref, { identity: null }), 'status'], { timeoutMs: DEADLINE_MS, env: { SSH_AUTH_SOCK: sock } });
  assert.equal(refused.code, 4, refused.stderr);
  assert.ok(refused.stderr.includes(`user root refused keys ${fps[0]} (ed25519), ${fps[1]} (ed25519) from the ssh-agent at ${sock}`), refused.stderr);
  await waitForLog(ref, from, fps[1]!);
  assert.deepEqual(new Map([...failuresSince(ref, from)].sort()), new Map(fps.map((f) => [f, 1] as [string, number]).sort()), 'each agent key refused once');

  execFileSync('ssh-add', ['-q', ref.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
  const ok = await runCli([...argsFor(ref, { identity: null }), 'status', '--json'], { timeoutMs: DEADLINE_MS, env: { SSH_AUTH_SOCK: sock } });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(readFileSync(ref.sshdLog, 'utf8'), /Accepted publickey for root/);
});

/** sshd writes its log line as it refuses; the client may have exited a moment before. */
async function waitForLog(ref: ReferenceDroplet, from: number, fp: string): Promise<void> {
  await waitFor(() => (failuresSince(ref, from).get(fp) ?? 0) > 0 && /Connection closed|Disconnected|disconnect/i.test(readFileSync(ref.sshdLog).subarray(from).toString()));
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
