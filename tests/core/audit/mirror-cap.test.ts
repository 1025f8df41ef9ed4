import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { MirrorStore, mirrorDir } from '../../../src-main/core/audit/mirror/mirror-store.js';
import { MirrorReader } from '../../../src-main/core/audit/mirror/mirror-reader.js';
import { DEFAULT_MIRROR_CAP_BYTES } from '../../../src-main/core/audit/mirror/mirror-types.js';
import { mirrorCapBytes } from '../../../src-main/core/config/profile.js';
import { profileSchema } from '../../../src-main/core/config/profile-store.js';
import { assertSameBytes, lines, MIRROR_ID, mirrored, rng, send, stateDir } from './mirror-helpers.js';

test('mirror cap: over both streams, the oldest whole files go, never the newest; the manifest says from which seq the mirror starts', (t) => {
  const state = stateDir(t);
  const files = [lines(1, 100), lines(101, 200), lines(201, 300), lines(301, 400)]; // about 19.5 KiB each
  const receipts = lines(1, 60, () => ({ channel: 'operator' }));
  const one = (files[0] as Buffer).length;
  const cap = one * 2 + receipts.length + 1000;
  const rec = MirrorStore.open(state, MIRROR_ID, 'receipts', { capBytes: cap }) as MirrorStore;
  const act = MirrorStore.open(state, MIRROR_ID, 'activity', { capBytes: cap }) as MirrorStore;
  t.after(() => {
    act.close();
    rec.close();
  });
  send(rec, '900', receipts, 0, receipts.length, rng(1));
  rec.flush();
  // The receipts file is the newest of its stream: never dropped, even when it is the oldest on disk.
  utimesSync(join(mirrorDir(state, MIRROR_ID, 'receipts'), 'f-000001.jsonl'), new Date(0), new Date(0));
  const rand = rng(2);
  files.forEach((f, i) => {
    send(act, String(i + 1), f, 0, f.length, rand);
    act.flush();
  });
  const info = act.info();
  // Counted over both streams: activity keeps two files (the receipts' bytes count against the cap too).
  assertSameBytes(mirrored(act), files.slice(2), 'the newest two activity files stay whole');
  assertSameBytes(mirrored(rec), [receipts], 'the receipts stay');
  assert.deepEqual(info.dropped, { files: 2, bytes: one + (files[1] as Buffer).length, throughSeq: 200 });
  assert.equal(info.startSeq, 201);
  assert.ok(info.bytes + rec.info().bytes <= cap);
  assert.ok(!existsSync(join(info.dir, 'f-000001.jsonl')) && !existsSync(join(info.dir, 'f-000002.jsonl')));

  // The index lost the dropped files' entries, and seeks below the start land on the first record held.
  const r = MirrorReader.open(state, MIRROR_ID, 'activity') as MirrorReader;
  t.after(() => r.close());
  assert.deepEqual(r.seekSeq(5), { n: 3, offset: 0 });
  for (const seq of [201, 250, 399]) assert.equal(r.linesAfter(r.seekSeq(seq) ?? { n: 0, offset: 0 }, 1)[0]?.seq, seq);
  assert.ok(r.info().indexBytes < 32 * 20, `the index holds only entries of held files (${r.info().indexBytes} bytes)`);

  // A rescan of every retained file meets the dropped ones again: recognised, not mirrored a second time.
  files.forEach((f, i) => send(act, String(i + 1), f, 0, f.length, rand));
  act.flush();
  assertSameBytes(mirrored(act), files.slice(2), 'a rescan does not bring dropped files back');
  assert.equal(act.behind, false);
  // An inode of a dropped file reused for new bytes is mirrored.
  const reused = lines(401, 420);
  send(act, '1', reused, 0, reused.length, rand);
  act.flush();
  assert.ok(readFileSync(act.info().files.at(-1)?.path as string).equals(reused));
});

test('mirror cap: the profile setting (absent: the default; 0: off; old profiles still valid)', () => {
  assert.equal(mirrorCapBytes({}), DEFAULT_MIRROR_CAP_BYTES);
  assert.equal(mirrorCapBytes({ mirrorCapMB: 0 }), 0);
  assert.equal(mirrorCapBytes({ mirrorCapMB: 512 }), 512 * 1024 * 1024);
  const old = {
    name: 'p',
    transport: 'ssh',
    host: 'h',
    port: 22,
    user: 'u',
    paths: { jarvisHome: '~/.jarvis', jarvisRoot: '/opt/jarvis', envFile: '', agentContainer: 'jarvis', sandboxImage: 's', backupsVolume: 'v' },
  };
  assert.equal(profileSchema.safeParse(old).success, true);
  assert.equal(profileSchema.parse({ ...old, mirrorCapMB: 100 }).mirrorCapMB, 100);
  assert.equal(profileSchema.safeParse({ ...old, mirrorCapMB: -1 }).success, false);
  assert.equal(profileSchema.safeParse({ ...old, mirrorCapMB: 'big' }).success, false);
});
