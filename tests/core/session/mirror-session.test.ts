/**
 * The app keeps the local audit mirror while connected (issue 16): the history
 * it did not have is synced once the live feed has caught up, and the live
 * records follow; a profile with mirrorCapMB 0 keeps nothing on the desktop.
 * Real sshd (the reference droplet), the app's Session.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from '../../../src-main/core/session/session.js';
import { MirrorReader } from '../../../src-main/core/audit/mirror/mirror-reader.js';
import { mirrorDir } from '../../../src-main/core/audit/mirror/mirror-store.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { record, until } from '../audit/audit-helpers.js';

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${record(from + i)}\n`).join('');

test('a connected session mirrors the whole trail: the history once, then the live records, byte for byte', async (t) => {
  const ref = await startReferenceDroplet({ activity: lines(1, 100) });
  t.after(() => ref.teardown());
  const stateDir = join(ref.root, 'app');
  const session = new Session({ stateDir, watch: { breaker: false, control: false, fabrication: false } });
  t.after(() => session.close());
  await session.profiles.save(ref.profile());
  await session.connect('reference');
  const id = session.droplet('reference').identity;
  const held = () => {
    const r = MirrorReader.open(stateDir, id, 'activity');
    if (!r) return null;
    try {
      return r.info();
    } finally {
      r.close();
    }
  };
  await until('the history in the mirror', () => held()?.endSeq === 100, 30_000);
  assert.equal(held()?.startSeq, 1);
  appendFileSync(join(ref.home, 'activity.jsonl'), lines(101, 110));
  await until('the live records in the mirror', () => held()?.endSeq === 110, 30_000);
  const files = held()!.files.map((f) => readFileSync(f.path));
  assert.equal(files.length, 1);
  assert.ok(files[0]!.equals(readFileSync(join(ref.home, 'activity.jsonl'))), 'the mirror file is the droplet file, byte for byte');
});

test('a profile with mirrorCapMB 0 keeps no copy of the trail on the desktop', async (t) => {
  const ref = await startReferenceDroplet({ activity: lines(1, 20) });
  t.after(() => ref.teardown());
  const stateDir = join(ref.root, 'app');
  const session = new Session({ stateDir, watch: { breaker: false, control: false, fabrication: false } });
  t.after(() => session.close());
  await session.profiles.save({ ...ref.profile(), mirrorCapMB: 0 });
  await session.connect('reference');
  await until('the feed to be live', () => session.feedLive('reference'), 30_000);
  appendFileSync(join(ref.home, 'activity.jsonl'), lines(21, 22));
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(existsSync(mirrorDir(stateDir, session.droplet('reference').identity, 'activity')), false);
});
