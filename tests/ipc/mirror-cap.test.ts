/**
 * `mirrorCapSet` and the profile view's `mirrorCapMB` (issue 16): the
 * console sets how much of a droplet's audit trail this desktop keeps, and
 * it lands in the profiles file exactly as `--mirror-cap-mb` would put it.
 * A real local droplet on temp files, a real profiles file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../src-main/core/session/session.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { DEFAULT_ENV } from '../helpers/reference-droplet.js';
import { localProfile } from './local-profile.js';

let root: string;
let session: Session;
let h: ReturnType<typeof createHandlers>;
const onDisk = (): Record<string, unknown> => (JSON.parse(readFileSync(join(root, 'state', 'profiles.json'), 'utf8')) as { profiles: Record<string, Record<string, unknown>> }).profiles.here!;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'stratam-ipc-cap-'));
  mkdirSync(join(root, 'home'));
  mkdirSync(join(root, 'opt'));
  writeFileSync(join(root, 'opt', '.env'), DEFAULT_ENV);
  session = new Session({ stateDir: join(root, 'state'), watch: { breaker: false, audit: false } });
  await session.profiles.save(localProfile(root, 'opt'));
  h = createHandlers(session);
});
after(async () => {
  await session.close();
  rmSync(root, { recursive: true, force: true });
});

test('a profile saved without a cap shows null (the default) in the view', async () => {
  const r = await h.profilesList({});
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.result!.profiles[0]!.mirrorCapMB, null);
  assert.equal('mirrorCapMB' in onDisk(), false);
});

test('a cap set while disconnected is saved, read back, and needs no reconnect', async () => {
  const r = await h.mirrorCapSet({ name: 'here', mb: 512 });
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.result!.profile.mirrorCapMB, 512);
  assert.equal(r.result!.reconnect, false);
  assert.equal(onDisk().mirrorCapMB, 512);
  assert.equal((await h.profilesList({})).result!.profiles[0]!.mirrorCapMB, 512);
});

test('cap 0 while connected: saved, the window says nothing is kept, and the change waits for the next connect', async () => {
  assert.equal((await h.connect({ name: 'here' })).error, undefined);
  const r = await h.mirrorCapSet({ name: 'here', mb: 0 });
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.result!.profile.mirrorCapMB, 0);
  assert.equal(r.result!.reconnect, true);
  assert.equal(onDisk().mirrorCapMB, 0);
  const w = await h.auditWindow({ name: 'here' });
  assert.equal(w.error, undefined, w.error?.message);
  assert.equal(w.result!.kept, false);
});

test('null puts the default back by leaving the field out of the file', async () => {
  const r = await h.mirrorCapSet({ name: 'here', mb: null });
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.result!.profile.mirrorCapMB, null);
  assert.equal('mirrorCapMB' in onDisk(), false);
  assert.equal((await h.auditWindow({ name: 'here' })).result!.kept, true);
});

test('a cap out of range is refused with what to type, and the file is left as it was', async () => {
  await h.mirrorCapSet({ name: 'here', mb: 2048 });
  const before = readFileSync(join(root, 'state', 'profiles.json'));
  const big = await h.mirrorCapSet({ name: 'here', mb: 1024 * 1024 + 1 });
  assert.equal(big.error?.kind, 'usage');
  assert.match(big.error!.message, /mb: the cap is at most 1048576 MB \(1 TiB\)/);
  assert.match(big.error!.hint ?? '', /Correct the field named above/);
  const neg = await h.mirrorCapSet({ name: 'here', mb: -1 });
  assert.match(neg.error!.message, /mb: the cap cannot be negative: 0 keeps no copy/);
  assert.deepEqual(readFileSync(join(root, 'state', 'profiles.json')), before);
  // The largest allowed cap is taken.
  assert.equal((await h.mirrorCapSet({ name: 'here', mb: 1024 * 1024 })).result?.profile.mirrorCapMB, 1024 * 1024);
});

test('an unknown droplet is refused by name with how to list them', async () => {
  const r = await h.mirrorCapSet({ name: 'nowhere', mb: 10 });
  assert.equal(r.error?.kind, 'usage');
  assert.match(r.error!.message, /No saved droplet named "nowhere"/);
  assert.match(r.error!.hint ?? '', /profile list/);
});
