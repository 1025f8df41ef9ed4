/**
 * Resume after a dropped follower when the file it was reading is no longer
 * what its inode number says (ext4 hands a deleted file's inode to the next
 * new file). The drop is a SIGKILL of the follower process; the files are
 * rearranged before the feed restarts it. Runs on a LocalDroplet over a temp
 * home: the follower is the same Python program as over SSH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { AuditFeed } from '../../../src-main/core/audit/audit-feed.js';
import { appendRecords, Collector, followersFor, range, record, until } from './audit-helpers.js';

/** Inodes of the audit files the (one) follower holds open. */
function followerHolds(home: string): number[] {
  const pid = followersFor(home)[0];
  if (pid === undefined) return [];
  const inodes: number[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).includes('activity.jsonl')) inodes.push(statSync(`/proc/${pid}/fd/${fd}`).ino);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

function setup(t: import('node:test').TestContext) {
  const home = mkdtempSync(join(tmpdir(), 'stratam-audit-resume-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const d = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: home, jarvisRoot: home }, home);
  const ac = new AbortController();
  const c = new Collector();
  appendRecords(home, 1, 10);
  // A long retry delay: the files are rearranged (synchronously) before the follower restarts.
  const done = new AuditFeed(d, { follow: true, fromSeq: 1, signal: ac.signal, onItem: c.push, retryDelayMs: 400 }).run();
  t.after(() => {
    ac.abort();
    return done.catch(() => undefined);
  });
  const killFollower = () => {
    const pids = followersFor(home);
    assert.equal(pids.length, 1, 'one follower to kill');
    process.kill(pids[0]!, 'SIGKILL');
  };
  return { home, c, ac, done, killFollower, file: join(home, 'activity.jsonl') };
}

test('resume into a file that reuses the inode (other content at that inode): every retained record once, no gap, nothing malformed', async (t) => {
  const { home, c, ac, done, killFollower, file } = setup(t);
  await until('first records', () => c.seqs().length === 10);
  killFollower();
  // The storm while cut off: the file read so far (1..10) now lives on as .3
  // under another inode, and the inode we were reading holds newer records
  // (longer than the old resume offset, so a blind seek lands mid-line).
  writeFileSync(
    `${file}.3`,
    range(1, 20)
      .map((s) => `${record(s)}\n`)
      .join(''),
  );
  writeFileSync(
    `${file}.2`,
    range(21, 30)
      .map((s) => `${record(s)}\n`)
      .join(''),
  );
  writeFileSync(
    `${file}.1`,
    range(31, 40)
      .map((s) => `${record(s)}\n`)
      .join(''),
  );
  truncateSync(file, 0);
  appendRecords(home, 41, 70);
  await until('after the resume', () => c.seqs().at(-1) === 70);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(c.seqs(), range(1, 70), 'every retained record once, in order');
  assert.deepEqual(c.diags('gap'), []);
  assert.deepEqual(c.diags('malformed'), [], 'no seek into the middle of a line');
  assert.ok(
    c.diags('connection').some((x) => x.kind === 'connection' && x.state === 'file-gone'),
    'the resume was refused by identity',
  );
  ac.abort();
  await done;
});

test('a resume at a reused inode with nothing to check it by: the seq does not continue, so every retained file is re-read; a real hole is still a gap', async (t) => {
  const { home, c, ac, done, killFollower, file } = setup(t);
  await until('first records', () => c.seqs().length === 10);
  // Rotate; the new file so far holds only a torn line: the resume point is its
  // offset 0, with no complete line there to prove the file's identity.
  renameSync(file, `${file}.1`);
  writeFileSync(file, record(11).slice(0, 30));
  await until('the follower reads the new file only', () => followerHolds(home).join() === `${statSync(file).ino}`);
  await new Promise((r) => setTimeout(r, 150)); // its frame (the torn line) reaches the feed
  killFollower();
  // While cut off: more rotations; the new file (11..20) moved on and its
  // inode number went to today's file, which holds 26.. (21..25 rotated out).
  renameSync(`${file}.1`, `${file}.2`);
  writeFileSync(
    `${file}.1`,
    range(11, 20)
      .map((s) => `${record(s)}\n`)
      .join(''),
  );
  truncateSync(file, 0);
  appendRecords(home, 26, 30);
  await until('after the resume', () => c.seqs().at(-1) === 30);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(c.seqs(), [...range(1, 20), ...range(26, 30)], 'the retained 11..20 delivered once, in order');
  assert.deepEqual(c.diags('gap'), [{ kind: 'gap', stream: 'activity', from: 21, to: 25, missing: 5 }], 'only the real hole');
  assert.ok(c.diags('connection').some((x) => x.kind === 'connection' && x.state === 'resume-mismatch'));
  assert.deepEqual(c.diags('alert'), []);
  ac.abort();
  await done;
});
