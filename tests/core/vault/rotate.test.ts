import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { rotateVault, type RotateProgress } from '../../../src-main/core/vault/rotate.js';
import { loadKeyring, type KeyringFile } from '../../../src-main/core/vault/keyring.js';
import { Fernet, extractTimestamp } from '../../../src-main/core/vault/fernet.js';
import { verifyVault } from '../../../src-main/core/vault/verify.js';
import { PYTHON, python } from './python-fernet.js';
import { TS0, archiveLine, makeFixture, readJson } from './vault-fixture.js';

type Judged = Array<{ index: number; plain: string | null; ts: number | null }>;
const unb64 = (s: string | null) => Buffer.from(s ?? '', 'base64').toString('utf8');
const archiveTokens = (home: string) =>
  readFileSync(join(home, 'conversation_archive.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { enc: string; turn: string });

test('rotation judged by Python: new primary, timestamps kept, old key retired not deleted, mode 0600, receipt', async () => {
  const fx = makeFixture({ lines: 200, entries: 5 });
  try {
    const events: RotateProgress[] = [];
    const before = readFileSync(join(fx.home, 'conversation_archive.jsonl'), 'utf8').split('\n');
    const r = await rotateVault(fx.droplet, { onProgress: (e) => events.push(e), now: () => new Date('2026-11-28T10:00:00Z') });
    assert.equal(r.vaultEntries, 5);
    assert.equal(r.archiveTokens, 200);
    assert.equal(r.retiredKeyId, 'k-20260830');
    assert.equal(r.newKeyId, 'k-20261128');
    assert.deepEqual(r.verify, { ok: true, primary: 205, retired: 0 });

    const ring = readJson<KeyringFile>(join(fx.home, 'vault.keys'));
    assert.equal(statSync(join(fx.home, 'vault.keys')).mode & 0o777, 0o600);
    assert.equal(ring.keys.length, 2);
    assert.deepEqual(
      ring.keys.map((k) => [k.id, k.retired]),
      [
        ['k-20261128', null],
        ['k-20260830', '2026-11-28T10:00:00Z'],
      ],
    );
    assert.equal(ring.keys[1]!.key, fx.key.key, 'the old key is kept as it was');
    const keys = ring.keys.map((k) => k.key);

    const vault = readJson<{ entries: Record<string, { token: string; updated: string }> }>(join(fx.home, 'vault.json'));
    const names = Object.keys(fx.secrets);
    const vj = python<Judged>({ op: 'decrypt', keys, items: names.map((n) => vault.entries[n]!.token) });
    vj.forEach((j, i) => {
      assert.equal(j.index, 0, 'under the new primary');
      assert.equal(unb64(j.plain), fx.secrets[names[i]!]);
      assert.equal(j.ts, TS0 - 100 + i, 'original timestamp kept');
    });
    assert.equal(vault.entries.discord!.updated, '2026-11-01T00:00:00Z');

    const recs = archiveTokens(fx.home);
    const aj = python<Judged>({ op: 'decrypt', keys, items: recs.map((r) => r.enc) });
    aj.forEach((j, i) => {
      assert.equal(j.index, 0);
      assert.equal(JSON.parse(unb64(j.plain)).content, fx.contents[i]);
      assert.equal(j.ts, TS0 + i);
    });
    // Only the token bytes changed on each line.
    const after = readFileSync(join(fx.home, 'conversation_archive.jsonl'), 'utf8').split('\n');
    assert.equal(after.length, before.length);
    after.forEach((l, i) => assert.equal(l.replace(/"enc": "[^"]*"/, ''), before[i]!.replace(/"enc": "[^"]*"/, '')));
    assert.equal(statSync(join(fx.home, 'conversation_archive.jsonl')).mode & 0o777, 0o600);

    const receipts = readFileSync(join(fx.home, 'operator_actions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tool: string; ok: boolean; result: Record<string, unknown> });
    assert.equal(receipts.length, 1);
    assert.equal(receipts[0]!.tool, 'vault_rotate');
    assert.equal(receipts[0]!.ok, true);
    assert.ok(!JSON.stringify(receipts).includes(keys[0]!) && !JSON.stringify(receipts).includes(keys[1]!));

    for (const phase of ['keyring', 'vault', 'archive', 'retire', 'verify'])
      assert.ok(
        events.some((e) => e.phase === phase && e.done === e.total),
        phase,
      );
    assert.ok(!readdirSync(fx.home).some((n) => n.includes('stratam')), 'no temp, side or lock file left');

    // A second rotation retires the second key and still opens everything; Python rotates what we wrote.
    await rotateVault(fx.droplet, { now: () => new Date('2026-11-28T11:00:00Z') });
    const ring2 = readJson<KeyringFile>(join(fx.home, 'vault.keys'));
    assert.deepEqual(
      ring2.keys.map((k) => k.id),
      ['k-20261128-2', 'k-20261128', 'k-20260830'],
    );
    const py = python<string[]>({
      op: 'rotate',
      keys: ring2.keys.map((k) => k.key),
      items: archiveTokens(fx.home)
        .map((r) => r.enc)
        .slice(0, 5),
    });
    py.forEach((t, i) => assert.equal(extractTimestamp(t), TS0 + i));
  } finally {
    fx.cleanup();
  }
});

test('a line appended after the last catch-up, just before the swap, is carried over', async () => {
  const fx = makeFixture({ lines: 30 });
  try {
    const f = new Fernet(fx.key.key);
    const r = await rotateVault(fx.droplet, {
      beforeArchiveSwap: async () => appendFileSync(join(fx.home, 'conversation_archive.jsonl'), `${archiveLine(f, 900, 'late line')}\n`),
    });
    assert.equal(r.carriedLines, 1);
    const recs = archiveTokens(fx.home);
    assert.equal(recs.length, 31);
    assert.equal(recs[30]!.turn, 't_900');
    const ring = await loadKeyring(fx.droplet);
    assert.equal(JSON.parse(ring.decrypt(recs[30]!.enc).toString()).content, 'late line');
    assert.equal(ring.check(recs[30]!.enc), 'primary', 'carried lines are re-encrypted too');
    ring.destroy();
  } finally {
    fx.cleanup();
  }
});

test('a concurrent appender (open/append/close per line, Python, old key) loses no line during rotation', async () => {
  const fx = makeFixture({ lines: 8000, entries: 2 });
  try {
    const path = join(fx.home, 'conversation_archive.jsonl');
    const script = String.raw`
import sys, json, time
from cryptography.fernet import Fernet
f = Fernet(sys.argv[2].encode())
n = int(sys.argv[3])
for i in range(n):
    enc = f.encrypt(json.dumps({"content": "appended %d" % i}).encode()).decode()
    line = json.dumps({"ts": "2026-11-28T01:02:00.001Z", "turn": "app_%d" % i, "role": "user", "channel": "discord", "author": "x", "enc": enc}) + "\n"
    with open(sys.argv[1], "a") as fh:
        fh.write(line)
    if i == 0:
        print("started", flush=True)
    time.sleep(0.0005)
`;
    const N = 1500;
    const child = spawn(PYTHON, ['-c', script, path, fx.key.key, String(N)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    let rotations = 0;
    let carried = 0;
    // Keep rotating while the appender runs, so appends hit every phase.
    let running = true;
    child.once('exit', () => {
      running = false;
    });
    while (running || rotations === 0) {
      const r = await rotateVault(fx.droplet);
      carried += r.carriedLines;
      rotations++;
    }
    assert.equal(await exited, 0);
    const recs = archiveTokens(fx.home);
    const appended = recs.filter((r) => r.turn.startsWith('app_')).map((r) => r.turn);
    assert.equal(new Set(appended).size, appended.length, 'no line duplicated');
    assert.equal(appended.length, N, `every appended line present (rotations: ${rotations}, carried: ${carried})`);
    assert.equal(recs.length, 8000 + N);
    const report = await verifyVault(fx.droplet);
    assert.equal(report.ok, true);
    assert.equal(report.archive.tokens, 8000 + N);
  } finally {
    fx.cleanup();
  }
});

test('rotation stops on an unreadable token without losing readability, and the lock stays free', async () => {
  const fx = makeFixture({ lines: 10 });
  try {
    const path = join(fx.home, 'conversation_archive.jsonl');
    const other = new Fernet('A'.repeat(43) + '=');
    appendFileSync(path, `${archiveLine(other, 77, 'stranger')}\n`);
    await assert.rejects(rotateVault(fx.droplet), /line 11 of the conversation archive/);
    const ring = await loadKeyring(fx.droplet);
    for (const r of archiveTokens(fx.home).slice(0, 10)) assert.notEqual(ring.check(r.enc), 'unreadable');
    ring.destroy();
    assert.ok(!readdirSync(fx.home).some((n) => n.includes('stratam') || n.includes('lock')));
    const receipts = readFileSync(join(fx.home, 'operator_actions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ok: boolean });
    assert.equal(receipts.at(-1)!.ok, false);
  } finally {
    fx.cleanup();
  }
});
