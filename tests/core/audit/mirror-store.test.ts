import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MirrorStore, mirrorDir } from '../../../src-main/core/audit/mirror/mirror-store.js';
import { assertSameBytes, lines, MIRROR_ID, mirrored, rng, send, stateDir } from './mirror-helpers.js';

const CAP = { capBytes: 1024 ** 3 };

test('mirror: cap 0 is off, and nothing is created', (t) => {
  const state = stateDir(t);
  assert.equal(MirrorStore.open(state, MIRROR_ID, 'activity', { capBytes: 0 }), null);
  assert.deepEqual(readdirSync(state), []);
});

test('mirror: byte-exact across split frames, rotations, a resume, a rescan, bad lines and a truncation', (t) => {
  const state = stateDir(t);
  const store = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  t.after(() => store.close());
  const rand = rng(7);
  // File A (inode 11): records, a malformed line, a line with a raw control character, invalid UTF-8.
  const a = Buffer.concat([lines(1, 40), Buffer.from('not json at all\n{"seq": 41, "x": "\u0001"}\n'), Buffer.from([0xff, 0xfe, 10]), lines(42, 80)]);
  send(store, '11', a, 0, 3000, rand);
  store.flush();
  // A dropped connection: the feed resumes at the last line start before 3000 and re-sends that overlap.
  const resumeAt = a.lastIndexOf(10, 2999) + 1;
  send(store, '11', a, resumeAt, a.length, rand);
  // Rotation: A keeps its inode and is complete; B (inode 12) is new at offset 0, then C.
  const b = lines(81, 200);
  send(store, '12', b, 0, b.length, rand);
  const c = lines(201, 260);
  send(store, '13', c, 0, 1000, rand);
  store.flush();
  // A rescan of every retained file (a, b and c from 0): compared, nothing appended twice; c's new part is appended.
  send(store, '11', a, 0, a.length, rand);
  send(store, '12', b, 0, b.length, rand);
  send(store, '13', c, 0, c.length, rand);
  store.flush();
  assertSameBytes(mirrored(store), [a, b, c], 'after resume and rescan');
  assert.equal(store.behind, false);

  // The droplet's log is cut short (the follower's T) and written again from 0, here with the same first records
  // (a restored copy): the old copy stays as it is and the new bytes start a new file, even where they are equal.
  store.truncated('13');
  const c2 = Buffer.concat([c.subarray(0, c.indexOf(10, 600) + 1), lines(261, 270)]);
  send(store, '13', c2, 0, c.indexOf(10, 600) + 1, rand);
  store.flush();
  send(store, '13', c2, c.indexOf(10, 600) + 1, c2.length, rand);
  store.flush();
  assertSameBytes(mirrored(store), [a, b, c, c2], 'after a truncation');

  // A reused inode (12 now holds other bytes, read from 0): the evidence stays, a new file holds the new bytes.
  const d = lines(271, 290, () => ({ tool: 'host_exec' }));
  send(store, '12', d, 0, d.length, rand);
  store.flush();
  assertSameBytes(mirrored(store), [a, b, c, c2, d], 'after an inode was reused');
  const info = store.info();
  assert.deepEqual(
    info.files.map((f) => f.inode),
    ['11', '12', '13', '13', '12'],
  );
  assert.equal(info.startSeq, 1);
  assert.equal(info.endSeq, 290);

  // Modes: folders 0700, files 0600.
  const dir = mirrorDir(state, MIRROR_ID, 'activity');
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  for (const name of readdirSync(dir)) assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, name);
});

test('mirror: a frame past the end is not written and the store is behind; the resume point is the newest complete line', (t) => {
  const state = stateDir(t);
  const store = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  t.after(() => store.close());
  assert.equal(store.resumePoint(), null);
  const a = lines(1, 30);
  send(store, '21', a, 0, 1500, rng(3));
  store.flush();
  assert.equal(store.behind, false);
  // The live feed started at the end of a log the mirror never read: a gap, not written.
  const gapFrom = a.indexOf(10, 2500) + 1;
  store.bytes('21', gapFrom, a.subarray(gapFrom));
  store.bytes('22', 500, lines(31, 40).subarray(500)); // a file the mirror never read from 0
  store.flush();
  assert.equal(store.behind, true);
  assertSameBytes(mirrored(store), [a.subarray(0, 1500)], 'a gap is never written');

  const p = store.resumePoint();
  const lastNl = a.lastIndexOf(10, 1499);
  const start = a.lastIndexOf(10, lastNl - 1) + 1;
  assert.deepEqual(p, {
    fileId: '21',
    offset: lastNl + 1,
    anchor: { start, end: lastNl, sha256: createHash('sha256').update(a.subarray(start, lastNl)).digest('hex') },
    lastSeq: JSON.parse(a.subarray(start, lastNl).toString()).seq,
  });
  // The sync (its own writer, as `stratam audit search` is) fills the gaps in order from there.
  const sync = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  send(sync, '21', a, p?.offset ?? 0, a.length, rng(4));
  const b = lines(31, 40);
  send(sync, '22', b, 0, b.length, rng(5));
  sync.close();
  assertSameBytes(mirrored(store), [a, b], 'filled by the sync');
  assert.equal(sync.behind, false);
  store.flush();
  assert.equal(store.behind, false, 'the live writer sees its gaps filled');
});

test('mirror: overlap with other bytes at an offset past 0 keeps the copy and waits for the file from its start', (t) => {
  const state = stateDir(t);
  const store = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  t.after(() => store.close());
  const a = lines(1, 20);
  send(store, '31', a, 0, a.length, rng(5));
  const rewritten = Buffer.from(a);
  rewritten.write('X', 900); // rewritten in place on the droplet
  const from = a.lastIndexOf(10, 800) + 1;
  store.bytes('31', from, rewritten.subarray(from));
  store.flush();
  assert.equal(store.behind, true);
  store.bytes('31', rewritten.length, lines(21, 22)); // its continuation must not be glued to the old copy
  store.flush();
  assert.equal(store.behind, true);
  assertSameBytes(mirrored(store), [a], 'the evidence is kept');
  send(store, '31', Buffer.concat([rewritten, lines(21, 22)]), 0, rewritten.length + lines(21, 22).length, rng(6));
  store.flush();
  assertSameBytes(mirrored(store), [a, Buffer.concat([rewritten, lines(21, 22)])], 'the rewritten file as a new mirror file');
  assert.equal(store.behind, false);
});

test('mirror: the store copies the transport buffer, and batches writes', (t) => {
  const state = stateDir(t);
  const store = MirrorStore.open(state, MIRROR_ID, 'activity', CAP) as MirrorStore;
  t.after(() => store.close());
  const a = lines(1, 50);
  const transport = Buffer.from(a);
  store.bytes('41', 0, transport);
  transport.fill(0x41); // the transport reuses its buffer
  assert.equal(store.info().files.length, 0, 'nothing written before a flush');
  store.flush();
  assert.ok(readFileSync(store.info().files[0]?.path as string).equals(a));
});
