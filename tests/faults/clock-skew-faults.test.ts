/**
 * Clock skew: the droplet's clock 10 minutes ahead of or behind the app's.
 * The droplet here is this machine, so the app's clock is skewed instead (the
 * same relative skew): CLI processes run under libfaketime (Debian package
 * `faketime`) with FAKETIME=-10m / +10m. What must hold:
 *   - the breaker: `check` sees the newest restarts and does not hang, `watch`
 *     counts, a trip trips, and a re-arm's `rearmed_at` is droplet time (so the
 *     restarts after it count);
 *   - Fernet TTLs: Python's rules exactly (no TTL: no time check at all; with
 *     a TTL, expired past ts+ttl, and refused more than 60 s in the future);
 *   - the audit witness: kept under one skew, verified under the other.
 */
import { runCli } from '../helpers/run-cli.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fernet, generateKey } from '../../src-main/core/vault/fernet.js';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { appendRecords } from '../core/audit/audit-helpers.js';
import { PYTHON } from '../core/vault/python-fernet.js';

const CLI = fileURLToPath(new URL('../../src-main/cli/main.js', import.meta.url));
const LIBS = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'];
const LIB = LIBS.find((p) => existsSync(p)) ?? null;
const SKEWS = [
  ['-10m', -600],
  ['+10m', 600],
] as const;

function skewEnv(faketime: string): Record<string, string> {
  if (!LIB) throw new Error('libfaketime is missing: install the Debian package `faketime` (apt-get install faketime); .ci/run does.');
  // Monotonic time stays real: timers and timeouts keep working.
  return { LD_PRELOAD: LIB, FAKETIME: faketime, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

test('the skew is real: Node under libfaketime sees its clock 10 minutes off', () => {
  for (const [ft, secs] of SKEWS) {
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(Date.now()))'], { env: { ...process.env, ...skewEnv(ft) }, encoding: 'utf8' });
    const off = (Number(r.stdout) - Date.now()) / 1000;
    assert.ok(Math.abs(off - secs) < 5, `FAKETIME=${ft}: offset ${off} s`);
  }
});

for (const [ft] of SKEWS) {
  test(`breaker with the app's clock ${ft} from the droplet's: check sees every restart without hanging, trips on the 4th, re-arm is droplet time, watch counts`, async (t) => {
    const ref = await startReferenceDroplet({ agent: true });
    t.after(() => ref.teardown());
    const env = skewEnv(ft);
    const restart = () => execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
    for (let i = 0; i < 3; i++) restart();

    const c3 = await cli([...ref.cliArgs(), '--json', 'breaker', 'check'], env);
    assert.equal(c3.code, 0, c3.stderr);
    const r3 = JSON.parse(c3.stdout) as { restarts: string[]; windowStart: string };
    assert.equal(r3.restarts.length, 3, `3 restarts seen (window from ${r3.windowStart})`);
    // The window starts an hour before droplet time, not app time.
    assert.ok(Math.abs(Date.parse(r3.windowStart) - (Date.now() - 3600_000)) < 30_000, `window start ${r3.windowStart}`);

    restart();
    const c4 = await cli([...ref.cliArgs(), '--json', 'breaker', 'check'], env);
    assert.equal(c4.code, 3, c4.stderr);
    const r4 = JSON.parse(c4.stdout) as { trippedNow: boolean; restarts: string[] };
    assert.equal(r4.trippedNow, true);
    assert.equal(r4.restarts.length, 4);
    const tripped = JSON.parse(readFileSync(join(ref.home, 'breaker.json'), 'utf8')) as { tripped_at: string };
    assert.ok(Math.abs(Date.parse(tripped.tripped_at) - Date.now()) < 30_000, `tripped_at ${tripped.tripped_at} is droplet time`);

    const before = Date.now();
    const re = await cli([...ref.cliArgs(), '--json', 'breaker', 'rearm', '--yes'], env);
    assert.equal(re.code, 0, re.stderr);
    const rearmedAt = Date.parse((JSON.parse(re.stdout) as { rearmed_at: string }).rearmed_at);
    assert.ok(rearmedAt >= before - 5000 && rearmedAt <= Date.now() + 5000, `rearmed_at ${new Date(rearmedAt).toISOString()} is droplet time`);

    // Watch (under the same skew) counts a restart after the re-arm; a check agrees.
    const watch = spawn(process.execPath, [CLI, ...ref.cliArgs(), 'breaker', 'watch'], { env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => {
      watch.kill('SIGKILL');
    });
    let out = '';
    watch.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const waitFor = async (what: string, re: RegExp) => {
      const end = Date.now() + 30_000;
      while (!re.test(out)) {
        if (Date.now() > end) throw new Error(`watch: timed out waiting for ${what}; output ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor('watching', /"kind":"watching"/);
    restart();
    await waitFor('the restart', /"kind":"restart"/);
    const ev = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.kind === 'restart');
    assert.deepEqual(
      ev.map((e) => e.count),
      [1],
      'one restart since the re-arm',
    );
    watch.kill('SIGINT');
    const after = await cli([...ref.cliArgs(), '--json', 'breaker', 'check'], env);
    assert.equal(after.code, 0, after.stderr);
    assert.equal((JSON.parse(after.stdout) as { restarts: string[] }).restarts.length, 1, 'the restart after the re-arm counts');
    t.diagnostic(`FAKETIME=${ft}: check ${c3.ms.toFixed(0)} ms (3 restarts), trip on the 4th, rearmed_at off by ${((rearmedAt - before) / 1000).toFixed(1)} s, watch counted 1 after re-arm`);
  });
}

test('Fernet TTL rules under skew match Python exactly (tokens minted 10 min ahead or behind)', () => {
  const key = generateKey();
  const now = 1_795_000_000;
  const offsets = [-600, -301, -299, -61, -60, -59, 0, 59, 60, 61, 600];
  const ttls: Array<number | null> = [null, 60, 300, 3600];
  // Python mints every token at its (skewed) time, then judges each at `now`.
  const script = String.raw`
import sys, json
from cryptography.fernet import Fernet, InvalidToken
req = json.load(sys.stdin); f = Fernet(req["key"]); out = []
for off in req["offsets"]:
    tok = f.encrypt_at_time(b"refresh-token", req["now"] + off).decode()
    row = {"token": tok, "verdicts": []}
    for ttl in req["ttls"]:
        try:
            p = f.decrypt(tok.encode()) if ttl is None else f.decrypt_at_time(tok.encode(), ttl, req["now"])
            row["verdicts"].append(p.decode())
        except InvalidToken:
            row["verdicts"].append(None)
    out.append(row)
json.dump(out, sys.stdout)`;
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify({ key, now, offsets, ttls }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Array<{ token: string; verdicts: Array<string | null> }>;
  const f = new Fernet(key);
  const mismatches: string[] = [];
  rows.forEach((row, i) => {
    ttls.forEach((ttl, j) => {
      let ours: string | null;
      try {
        ours = f.decrypt(row.token, ttl === null ? { now } : { ttl, now }).toString();
      } catch {
        ours = null;
      }
      if (ours !== row.verdicts[j]) mismatches.push(`minted ${offsets[i]} s, ttl ${ttl}: python ${row.verdicts[j] === null ? 'refuses' : 'opens'}, ours ${ours === null ? 'refuses' : 'opens'}`);
    });
  });
  assert.deepEqual(mismatches, []);
  // The facts the issue names: 10 min in the future opens without a TTL, and is refused with one.
  assert.equal(rows[offsets.indexOf(600)]!.verdicts[0], 'refresh-token');
  assert.equal(rows[offsets.indexOf(600)]!.verdicts[3], null);
  // And with the APP's clock skewed (no `now` given), a droplet token without a TTL still opens.
  const skewed = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    const { Fernet } = await import(${JSON.stringify(new URL('../../src-main/core/vault/fernet.js', import.meta.url).href)});
    const f = new Fernet(process.argv[1]);
    process.stdout.write(f.decrypt(process.argv[2]).toString());`,
      key,
      rows[0]!.token,
    ],
    { env: { ...process.env, ...skewEnv('+10m') }, encoding: 'utf8' },
  );
  assert.equal(skewed.stdout, 'refresh-token', skewed.stderr);
});

test('the audit witness kept under one skew verifies under the other', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const args = ref.cliArgs(); // its --state-dir holds the witness
  appendRecords(ref.home, 1, 50);
  const tail = await cli([...args, '--json', 'audit', 'tail', '--from-seq', '1'], skewEnv('-10m'));
  assert.equal(tail.code, 0, tail.stderr);
  assert.equal(tail.stdout.split('\n').filter((l) => l.includes('"seq"')).length, 50);
  appendRecords(ref.home, 51, 60);
  const tail2 = await cli([...args, '--json', 'audit', 'tail', '--from-seq', '1'], skewEnv('+10m'));
  assert.equal(tail2.code, 0, tail2.stderr);
  const verify = await cli([...args, '--json', 'audit', 'verify'], skewEnv('+10m'));
  assert.equal(verify.code, 0, `${verify.stdout} ${verify.stderr}`);
  const verifyBack = await cli([...args, '--json', 'audit', 'verify'], skewEnv('-10m'));
  assert.equal(verifyBack.code, 0, `${verifyBack.stdout} ${verifyBack.stderr}`);
  // And it still catches a rewrite under skew (the check can fail).
  const p = join(ref.home, 'activity.jsonl');
  const text = readFileSync(p, 'utf8').replace('"/tmp/7"', '"/tmp/X"');
  execFileSync('sh', ['-c', 'cat > "$1"', 'sh', p], { input: text });
  const caught = await cli([...args, '--json', 'audit', 'verify'], skewEnv('-10m'));
  assert.equal(caught.code, 3, `${caught.stdout} ${caught.stderr}`);
});

const cli = (args: string[], env: Record<string, string>, timeoutMs = 60_000) => runCli(args, { entry: 'transpiled', env, timeoutMs });
