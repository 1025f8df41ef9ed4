import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { StratamError } from '../../../src-main/core/errors.js';
import { Fernet, generateKey } from '../../../src-main/core/vault/fernet.js';
import { type KeyRecord, type KeyringFile, loadKeyring, parseKeyring, serializeKeyring } from '../../../src-main/core/vault/keyring.js';
import { verifyVault } from '../../../src-main/core/vault/verify.js';
import { purgeRetiredKeys } from '../../../src-main/core/vault/purge.js';
import { vaultStatus } from '../../../src-main/core/vault/status.js';
import { initVault } from '../../../src-main/core/vault/init.js';
import { archiveLine, makeFixture, readJson, snapshotDir } from './vault-fixture.js';

test('verify finds a corrupt vault entry and archive lines, and changes nothing', async () => {
  const fx = makeFixture({ lines: 40, entries: 4 });
  try {
    const vp = join(fx.home, 'vault.json');
    const v = readJson<{ version: 1; entries: Record<string, { token: string; updated: string }> }>(vp);
    const t = v.entries.telegram!.token;
    v.entries.telegram!.token = t.slice(0, 40) + (t[40] === 'A' ? 'B' : 'A') + t.slice(41);
    writeFileSync(vp, JSON.stringify(v), { mode: 0o600 });
    const ap = join(fx.home, 'conversation_archive.jsonl');
    const lines = readFileSync(ap, 'utf8').split('\n');
    lines[6] = lines[6]!.replace(/"enc": "gAAAAA(.)/, (_m, c: string) => `"enc": "gAAAAA${c === 'x' ? 'y' : 'x'}`);
    lines[20] = archiveLine(new Fernet(generateKey()), 20, 'under a key we do not have');
    lines[30] = lines[30]!.slice(0, lines[30]!.indexOf('"enc"') + 30); // a whole line cut short: a lost record
    writeFileSync(ap, lines.join('\n'), { mode: 0o600 });
    const before = snapshotDir(fx.home);

    const r = await verifyVault(fx.droplet);
    assert.equal(r.ok, false);
    assert.deepEqual(r.vault.badEntries, ['telegram']);
    assert.deepEqual(r.archive.badLines, [7, 21, 31]);
    assert.equal(r.archive.badCount, 3);
    assert.equal(r.vault.primary, 3);
    assert.equal(r.archive.primary, 37);
    assert.deepEqual(snapshotDir(fx.home), before, 'every file byte-identical, same mode and mtime, nothing added');
    assert.ok(!JSON.stringify(r).includes(fx.key.key));
  } finally {
    fx.cleanup();
  }
});

test('verify passes on a healthy vault and counts tokens under retired keys', async () => {
  const fx = makeFixture({ lines: 5 });
  try {
    const newer: KeyRecord = { id: 'k-20261128', key: generateKey(), created: '2026-11-28T00:00:00Z', retired: null };
    writeFileSync(join(fx.home, 'vault.keys'), serializeKeyring({ version: 1, keys: [newer, { ...fx.key, retired: '2026-11-28T00:00:00Z' }] }), { mode: 0o600 });
    const r = await verifyVault(fx.droplet);
    assert.equal(r.ok, true);
    assert.equal(r.primaryKeyId, 'k-20261128');
    assert.equal(r.archive.retired, 5);
    assert.deepEqual(r.archive.byKey, { 'k-20260830': 5 });
    assert.equal(r.keyringModeOk, true);
  } finally {
    fx.cleanup();
  }
});

function ringWith(fx: ReturnType<typeof makeFixture>, extra: KeyRecord[], primary: KeyRecord): void {
  const file: KeyringFile = { version: 1, keys: [primary, ...extra] };
  writeFileSync(join(fx.home, 'vault.keys'), serializeKeyring(file), { mode: 0o600 });
}

test('purge drops only keys retired more than 30 days ago that no live token needs; receipt written', async () => {
  const fx = makeFixture({ lines: 3, entries: 1 });
  try {
    const now = new Date('2027-01-10T00:00:00Z');
    // The fixture's tokens are under fx.key: make it an old retired key that is still needed.
    const primary: KeyRecord = { id: 'k-20270101', key: generateKey(), created: '2027-01-01T00:00:00Z', retired: null };
    const old40: KeyRecord = { id: 'k-old40', key: generateKey(), created: '2026-10-01T00:00:00Z', retired: '2026-12-01T00:00:00Z' };
    const recent: KeyRecord = { id: 'k-recent', key: generateKey(), created: '2026-11-01T00:00:00Z', retired: '2026-12-20T00:00:00Z' };
    const edge: KeyRecord = { id: 'k-edge', key: generateKey(), created: '2026-11-01T00:00:00Z', retired: '2026-12-11T00:00:00Z' }; // exactly 30 days: kept
    const needed = { ...fx.key, retired: '2026-11-01T00:00:00Z' };
    ringWith(fx, [old40, recent, edge, needed], primary);

    const r = await purgeRetiredKeys(fx.droplet, { now });
    assert.deepEqual(r.purged, ['k-old40']);
    assert.deepEqual(r.kept.map((k) => k.id).sort(), ['k-20260830', 'k-edge', 'k-recent']);
    assert.match(r.kept.find((k) => k.id === 'k-20260830')!.reason, /4 tokens on the droplet still need it/);
    const ring = parseKeyring(readFileSync(join(fx.home, 'vault.keys')));
    assert.deepEqual(ring.keys.map((k) => k.id).sort(), ['k-20260830', 'k-20270101', 'k-edge', 'k-recent']);
    assert.equal(statSync(join(fx.home, 'vault.keys')).mode & 0o777, 0o600);
    const receipts = readFileSync(join(fx.home, 'operator_actions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tool: string; ok: boolean });
    assert.deepEqual(
      receipts.map((x) => [x.tool, x.ok]),
      [['vault_purge', true]],
    );
    assert.ok(!readFileSync(join(fx.home, 'operator_actions.jsonl'), 'utf8').includes(old40.key));

    // Nothing to purge: keyring untouched.
    const bytes = readFileSync(join(fx.home, 'vault.keys'));
    const again = await purgeRetiredKeys(fx.droplet, { now: new Date('2026-12-25T00:00:00Z') });
    assert.deepEqual(again.purged, []);
    assert.deepEqual(readFileSync(join(fx.home, 'vault.keys')), bytes);
  } finally {
    fx.cleanup();
  }
});

test('status: primary age, rotation due at 90 days, entries, retired keys with purge dates; no key or token', async () => {
  const fx = makeFixture({ entries: 3, keyCreated: '2026-08-30T00:00:00Z' });
  try {
    const s89 = await vaultStatus(fx.droplet, new Date('2026-11-27T23:59:59Z'));
    assert.equal(s89.primary.ageDays, 89);
    assert.equal(s89.primary.rotationDue, false);
    const s90 = await vaultStatus(fx.droplet, new Date('2026-11-28T00:00:00Z'));
    assert.equal(s90.primary.ageDays, 90);
    assert.equal(s90.primary.rotationDue, true);
    assert.deepEqual(
      s90.entries.map((e) => e.name),
      ['discord', 'gmail', 'telegram'],
    );
    assert.equal(s90.entries[0]!.updated, '2026-11-01T00:00:00Z');
    const primary: KeyRecord = { id: 'k-20261128', key: generateKey(), created: '2026-11-28T00:00:00Z', retired: null };
    ringWith(fx, [{ ...fx.key, retired: '2026-11-28T00:00:00Z' }], primary);
    const s = await vaultStatus(fx.droplet, new Date('2026-12-01T00:00:00Z'));
    assert.deepEqual(
      s.retired.map((k) => [k.id, k.purgeableFrom, k.purgeable]),
      [['k-20260830', '2026-12-28T00:00:00.000Z', false]],
    );
    const text = JSON.stringify(s);
    const vault = readFileSync(join(fx.home, 'vault.json'), 'utf8');
    assert.ok(!text.includes(primary.key) && !text.includes(fx.key.key));
    assert.ok(!text.includes('gAAAA') && vault.includes('gAAAA'));
  } finally {
    fx.cleanup();
  }
});

test('init: a new keyring with mode 0600; refused over an existing keyring or orphaned vault data', async () => {
  const fx = makeFixture({ lines: 0, entries: 0 });
  try {
    await assert.rejects(initVault(fx.droplet), (e: unknown) => e instanceof StratamError && e.kind === 'refused' && /already exists/.test(e.message));
    unlinkSync(join(fx.home, 'vault.keys'));
    const r = await initVault(fx.droplet, { now: new Date('2026-12-01T00:00:00Z') });
    assert.equal(r.keyId, 'k-20261201');
    assert.equal(statSync(join(fx.home, 'vault.keys')).mode & 0o777, 0o600);
    const ring = await loadKeyring(fx.droplet);
    assert.equal(ring.primary.id, 'k-20261201');
    assert.equal(ring.decrypt(ring.encrypt('x')).toString(), 'x');
    ring.destroy();
  } finally {
    fx.cleanup();
  }
  const fx2 = makeFixture({ lines: 2, entries: 1 });
  try {
    unlinkSync(join(fx2.home, 'vault.keys'));
    await assert.rejects(initVault(fx2.droplet), (e: unknown) => e instanceof StratamError && e.kind === 'refused' && /no vault.keys/.test(e.message));
    assert.ok(!existsSync(join(fx2.home, 'vault.keys')));
  } finally {
    fx2.cleanup();
  }
});

test('a keyring with two primaries or a bad key is refused without echoing the key', () => {
  const a = generateKey();
  const two = Buffer.from(
    JSON.stringify({
      version: 1,
      keys: [
        { id: 'a', key: a, created: '2026-01-01T00:00:00Z', retired: null },
        { id: 'b', key: generateKey(), created: '2026-01-01T00:00:00Z', retired: null },
      ],
    }),
  );
  assert.throws(() => parseKeyring(two), /exactly one key must have "retired": null, found 2/);
  const badKey = Buffer.from(JSON.stringify({ version: 1, keys: [{ id: 'a', key: `${a.slice(0, 40)}!!!=`, created: '2026-01-01T00:00:00Z', retired: null }] }));
  assert.throws(
    () => parseKeyring(badKey),
    (e: Error) => /key a is not URL-safe base64/.test(e.message) && !e.message.includes(a.slice(0, 20)),
  );
});
