/**
 * Deleting the operator's data, against the reference droplet (real sshd,
 * SFTP and find): the refusals (no recent export recorded by this app, a
 * wrong name, a link in place of vault.json) change nothing; a delete after a
 * real export removes the archive, the vault entries, the waitlist, the
 * browser profile's contents and the snapshots, and keeps the audit log, the
 * receipts and the keyring byte for byte.
 */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteData } from '../../../src-main/core/data/data-delete.js';
import { exportRecordPath, lastExport, recordExport } from '../../../src-main/core/data/export-record.js';
import { exportData } from '../../../src-main/core/data/export.js';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { Fernet, generateKey } from '../../../src-main/core/vault/fernet.js';
import { serializeKeyring } from '../../../src-main/core/vault/keyring.js';
import { DEFAULT_ENV, startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';

let ref: ReferenceDroplet;
let ssh: SshDroplet;
let stateDir: string;
let outDir: string;
let n = 0;
const NAME = 'reference';

before(async () => {
  ref = await startReferenceDroplet();
  ssh = await SshDroplet.connect(ref.profile());
  outDir = mkdtempSync(join(tmpdir(), 'stratam-data-delete-'));
});
after(async () => {
  await ssh?.close();
  await ref?.teardown();
  rmSync(outDir, { recursive: true, force: true });
});

const h = (name: string) => join(ref.home, name);
const history = () => join(ref.jarvisRoot, '.jarvis_self_history');
const ARCHIVE_BYTES = 3 * 100;

/** The droplet as the agent leaves it: data to delete, and the evidence and keyring to keep. */
beforeEach(() => {
  stateDir = join(outDir, `state-${++n}`);
  writeFileSync(ref.envPath, DEFAULT_ENV);
  const key = generateKey();
  const f = new Fernet(key);
  writeFileSync(h('vault.keys'), serializeKeyring({ version: 1, keys: [{ id: 'k-20261128', key, created: '2026-11-28T00:00:00Z', retired: null }] }), { mode: 0o600 });
  rmSync(h('vault.json'), { force: true });
  writeFileSync(h('vault.json'), JSON.stringify({ version: 1, entries: { discord: { token: f.encrypt('refresh-discord'), updated: '2026-11-01T00:00:00Z' } }, note: 'kept' }), { mode: 0o600 });
  writeFileSync(h('conversation_archive.jsonl'), `${'a'.repeat(99)}\n`.repeat(3));
  writeFileSync(h('waitlist.jsonl'), '{"email": "a@example.com"}\n');
  writeFileSync(h('activity.jsonl'), '{"seq": 1, "tool": "read_file", "ok": true}\n');
  rmSync(h('playwright_profile'), { recursive: true, force: true });
  mkdirSync(join(h('playwright_profile'), 'Default'), { recursive: true });
  writeFileSync(join(h('playwright_profile'), 'Default', 'Cookies'), 'c'.repeat(50));
  rmSync(history(), { recursive: true, force: true });
  mkdirSync(join(history(), '20261201T040000Z-faster', 'tree'), { recursive: true });
  writeFileSync(join(history(), '20261201T040000Z-faster', 'tree', 'main.sh'), 'x'.repeat(20));
  writeFileSync(join(history(), '20261201T040000Z-faster', 'snapshot.json'), '{}');
});

const opts = (extra: Partial<Parameters<typeof deleteData>[1]> = {}) => ({ dropletName: NAME, confirm: NAME, stateDir, via: 'test', ...extra });
const paused = () => /^JARVIS_SELF_MODIFY_ALLOWED=0$/m.test(ref.readEnv());

/** Nothing of the operator's data changed, and the agent was not paused. */
function assertUntouched() {
  assert.equal(readFileSync(h('conversation_archive.jsonl')).length, ARCHIVE_BYTES);
  assert.ok(existsSync(h('waitlist.jsonl')));
  assert.ok(existsSync(join(h('playwright_profile'), 'Default', 'Cookies')));
  assert.ok(existsSync(join(history(), '20261201T040000Z-faster', 'tree', 'main.sh')));
  assert.ok(!paused(), 'not even paused');
}

function refused(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof StratamError, String(err));
    assert.equal(err.exitCode, 3);
    assert.match(err.message, pattern);
    return true;
  };
}

test('refused without an export recorded by this app in the last 24 h; a forged export receipt on the droplet does not count', async () => {
  // The agent can write the receipts file: a fake "export" receipt there proves nothing.
  writeFileSync(
    h('operator_actions.jsonl'),
    `${JSON.stringify({ seq: 1, ts: new Date().toISOString(), turn: null, channel: 'operator', trust: 'owner', tool: 'export', args: { out: '/tmp/x' }, result: {}, ok: true, elapsed_ms: 1, blocked: null })}\n`,
  );
  await assert.rejects(deleteData(ssh, opts()), (err: unknown) => {
    refused(/No export of this droplet was written by this app in the last 24 hours \(none is recorded\)/)(err);
    assert.match((err as StratamError).hint!, /`stratam export --out FILE`.*--without-export/);
    return true;
  });
  assertUntouched();
  // A recorded export 25 hours old is too old.
  await recordExport(stateDir, ssh.identity, '/tmp/old.json', new Date(Date.now() - 25 * 3600_000));
  await assert.rejects(deleteData(ssh, opts()), refused(/in the last 24 hours \(the last one was at /));
  assertUntouched();
  const last = ref.readJsonl('operator_actions.jsonl').at(-1)!;
  assert.equal(last.tool, 'data_delete');
  assert.equal(last.ok, false);
  assert.equal(last.blocked, 'confirmation');
});

test('refused when the typed name is not the droplet name', async () => {
  await recordExport(stateDir, ssh.identity, '/tmp/fresh.json');
  await assert.rejects(deleteData(ssh, opts({ confirm: 'referenc' })), (err: unknown) => {
    refused(/"referenc" is not this droplet's name, "reference"; nothing was deleted/)(err);
    assert.match((err as StratamError).hint!, /--confirm reference/);
    return true;
  });
  assertUntouched();
});

test('after a real export: deletes the data, keeps the evidence and the keyring, pauses, and leaves a receipt', async () => {
  const out = join(outDir, `export-${n}.json`);
  await exportData(ssh, { out, stateDir });
  const rec = await lastExport(stateDir, ssh.identity);
  assert.equal(rec?.path, out, 'the export was recorded on the desktop');
  assert.equal(lstatSync(exportRecordPath(stateDir, ssh.identity)).mode & 0o777, 0o600);
  const activity = readFileSync(h('activity.jsonl'));
  const keyring = readFileSync(h('vault.keys'));
  const receiptsBefore = readFileSync(h('operator_actions.jsonl'));

  const r = await deleteData(ssh, opts());

  assert.equal(r.droplet, NAME);
  assert.equal(r.exportAt, rec!.at);
  const by = Object.fromEntries(r.deleted.map((d) => [d.what, d]));
  assert.deepEqual(
    r.deleted.map((d) => [d.what, d.status]),
    [
      ['the conversation archive', 'deleted'],
      ['the vault entries', 'emptied'],
      ['the waitlist', 'deleted'],
      ["the browser profile's contents", 'emptied'],
      ['the self-modify snapshots', 'emptied'],
    ],
  );
  assert.equal(by['the conversation archive']!.bytes, ARCHIVE_BYTES);
  assert.equal(by['the waitlist']!.bytes, 27);
  assert.equal(by["the browser profile's contents"]!.bytes, 50);
  assert.equal(by['the self-modify snapshots']!.bytes, 22);
  assert.ok(by['the vault entries']!.bytes > 100, 'the entry and its token');
  assert.equal(
    r.bytes,
    r.deleted.reduce((s, d) => s + d.bytes, 0),
  );
  assert.deepEqual(
    r.kept.map((k) => k.what),
    ['the audit log', "the operator's receipts", 'the vault keyring', 'the backups'],
  );

  // Gone.
  assert.ok(!existsSync(h('conversation_archive.jsonl')));
  assert.ok(!existsSync(h('waitlist.jsonl')));
  assert.deepEqual(readdirSync(h('playwright_profile')), []);
  assert.deepEqual(readdirSync(history()), []);
  const vault = JSON.parse(readFileSync(h('vault.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(vault, { version: 1, entries: {}, note: 'kept' });
  assert.equal(lstatSync(h('vault.json')).mode & 0o777, 0o600);
  // Kept.
  assert.ok(readFileSync(h('activity.jsonl')).equals(activity), 'audit log unchanged');
  assert.ok(readFileSync(h('vault.keys')).equals(keyring), 'keyring unchanged');
  const receiptsAfter = readFileSync(h('operator_actions.jsonl'));
  assert.ok(receiptsAfter.subarray(0, receiptsBefore.length).equals(receiptsBefore), 'receipts only appended to');
  assert.ok(!existsSync(h('.vault-rotate.lock')), 'the vault lock is released');
  assert.ok(paused());
  const added = receiptsAfter
    .subarray(receiptsBefore.length)
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    added.map((x) => [x.tool, x.ok]),
    [
      ['pause', true],
      ['data_delete', true],
    ],
  );
  const result = added[1]!.result as { bytes: number; deleted: Array<{ what: string; bytes: number }> };
  assert.equal(result.bytes, r.bytes);
  assert.equal(result.deleted.length, 5);
});

test('a link in place of vault.json is refused before anything is deleted or paused; its target is untouched', async () => {
  await recordExport(stateDir, ssh.identity, '/tmp/fresh.json');
  const target = join(ref.root, `vault-target-${n}.json`);
  const body = JSON.stringify({ version: 1, entries: { x: { token: 't', updated: 'u' } } });
  writeFileSync(target, body);
  rmSync(h('vault.json'));
  symlinkSync(target, h('vault.json'));
  await assert.rejects(deleteData(ssh, opts()), refused(/vault\.json is a symbolic link, not a regular file/));
  assertUntouched();
  assert.equal(readFileSync(target, 'utf8'), body);
  assert.ok(lstatSync(h('vault.json')).isSymbolicLink());
});

test('a link in place of the snapshot folder is refused before anything is deleted', async () => {
  const outside = join(ref.root, `history-target-${n}`);
  mkdirSync(outside);
  writeFileSync(join(outside, 'canary'), 'canary');
  const real = `${history()}.real`;
  rmSync(real, { recursive: true, force: true });
  renameSync(history(), real);
  symlinkSync(outside, history());
  try {
    await assert.rejects(deleteData(ssh, opts({ withoutExport: true })), refused(/\.jarvis_self_history \(the self-modify snapshots\) is a symbolic link/));
    assert.equal(readFileSync(join(outside, 'canary'), 'utf8'), 'canary');
    assert.equal(readFileSync(h('conversation_archive.jsonl')).length, ARCHIVE_BYTES);
    assert.ok(!paused());
  } finally {
    rmSync(history());
    renameSync(real, history());
  }
});

test('a vault rotation in progress (its lock held) is refused before anything is deleted or paused', async () => {
  writeFileSync(h('.vault-rotate.lock'), JSON.stringify({ pid: 1, host: 'another-desktop', started: '2026-12-01T00:00:00Z', action: 'rotation' }));
  try {
    await assert.rejects(deleteData(ssh, opts({ withoutExport: true })), refused(/Another vault rotation holds/));
    assertUntouched();
  } finally {
    rmSync(h('.vault-rotate.lock'));
  }
});

test('--without-export deletes with no export recorded, and says so (exportAt null); copies an interrupted rotation left go too', async () => {
  // What a killed vault rotation leaves beside the archive: a temp copy, and a previous archive kept aside.
  writeFileSync(h('.conversation_archive.jsonl.stratam-0123456789ab.tmp'), 'temp copy of messages');
  writeFileSync(h('conversation_archive.jsonl.interrupted-20261101T000000Z'), 'k'.repeat(33));
  const r = await deleteData(ssh, opts({ withoutExport: true }));
  assert.equal(r.exportAt, null);
  assert.ok(!existsSync(h('conversation_archive.jsonl')));
  assert.ok(!existsSync(h('.conversation_archive.jsonl.stratam-0123456789ab.tmp')));
  assert.ok(!existsSync(h('conversation_archive.jsonl.interrupted-20261101T000000Z')));
  assert.deepEqual(r.deleted[1], {
    what: 'a conversation archive kept by an interrupted vault rotation',
    path: h('conversation_archive.jsonl.interrupted-20261101T000000Z'),
    bytes: 33,
    status: 'deleted',
  });
  assert.equal(
    r.bytes,
    r.deleted.reduce((s, d) => s + d.bytes, 0),
  );
  // Run again: everything is already gone, and that is reported, not an error.
  const again = await deleteData(ssh, opts({ withoutExport: true }));
  assert.deepEqual(
    again.deleted.map((d) => [d.status, d.bytes]),
    [
      ['absent', 0],
      ['emptied', 0],
      ['absent', 0],
      ['emptied', 0],
      ['emptied', 0],
    ],
  );
});
