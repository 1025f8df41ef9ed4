// Where the feed's next follower starts a stream (stream-state.ts), without a droplet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamState, type StreamSink } from '../../../src-main/core/audit/stream-state.js';

const sink: StreamSink = { wantsCommands: false, onRecord: () => undefined, onTruncated: () => undefined, emitDiag: () => undefined };
const H = 'ab'.repeat(32);

function seeded(): StreamState {
  const st = new StreamState('activity', '/j/activity.jsonl', { kind: 'last', lines: 10 }, sink, undefined, undefined);
  st.seedFrom({ fileId: '77', offset: 500, anchor: { start: 420, end: 500, sha256: H }, lastSeq: 9 });
  return st;
}

test('never read: the initial start; seeded: a resume with its anchor, and the next record must continue the seq', () => {
  const fresh = new StreamState('activity', '/j/activity.jsonl', { kind: 'end' }, sink, undefined, undefined);
  assert.deepEqual(fresh.nextStart(), { kind: 'end' });
  assert.equal(fresh.resumeContinues(1), true);
  const st = seeded();
  assert.deepEqual(st.nextStart(), { kind: 'resume', inode: 77, offset: 500, anchor: { start: 420, end: 500, sha256: H } });
  assert.equal(st.resumeContinues(10), true);
  assert.equal(st.rescan, false);
  assert.equal(st.resumeContinues(99), true, 'only the first record after a resume is checked');
});

test('a resume that does not continue the seq marks a rescan: every retained file, skipping what was delivered', () => {
  const st = seeded();
  st.nextStart();
  assert.equal(st.resumeContinues(3), false);
  assert.equal(st.rescan, true);
  assert.deepEqual(st.nextStart(), { kind: 'all' });
  assert.equal(st.rescan, false);
  assert.equal(st.skipThrough, 9);
  assert.equal(st.anchor, null);
  assert.equal(st.position(), null);
});

test('a new file (or an earlier offset in the same inode) drops the anchor; the resume then has none', () => {
  const st = seeded();
  st.enterFile(77, 500);
  assert.notEqual(st.anchor, null, 'the same file, read on: the anchor still holds');
  st.enterFile(77, 100);
  assert.equal(st.anchor, null);
  assert.deepEqual(st.nextStart(), { kind: 'resume', inode: 77, offset: 500 });
});

test('the file being read is gone: read every retained file, skipping through the last seq', () => {
  const st = seeded();
  st.nextStart();
  st.fileGone();
  assert.equal(st.skipThrough, 9);
  assert.equal(st.resumeContinues(1), true, 'no resume check once the stream re-reads');
  assert.equal(st.anchor, null);
  assert.equal(st.position(), null);
});
