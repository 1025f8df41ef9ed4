/**
 * The live feed and a log file that is not a regular file (contract v2: audit
 * files are control-plane files, never followed). The droplet-side follower
 * opens with O_NOFOLLOW|O_NONBLOCK and reports what it found instead; the
 * feed turns that into one critical alert per episode and keeps following.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertDiagnostic } from '../../../src-main/core/audit/diagnostics.js';
import { AuditFeed } from '../../../src-main/core/audit/audit-feed.js';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { appendRecords, Collector, followersFor, record, until } from './audit-helpers.js';

const FAST = { reconnect: true, backoff: { baseMs: 100, maxMs: 400, maxAttempts: Infinity } };
const MARK = 'LINKED-TARGET-SECRET';

test('follow: a link, then a FIFO, in place of activity.jsonl are each one critical alert; never read; a reconnect does not repeat them', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const live = join(ref.home, 'activity.jsonl');
  appendRecords(ref.home, 1, 3);
  const d = await SshDroplet.connect(ref.profile(), FAST);
  t.after(() => d.close());
  const ac = new AbortController();
  const c = new Collector();
  const done = new AuditFeed(d, { follow: true, fromSeq: 1, signal: ac.signal, onItem: c.push }).run();
  t.after(() => {
    ac.abort();
    return done.catch(() => undefined);
  });
  const alerts = () => c.diags('alert') as AlertDiagnostic[];
  await until('backlog', () => c.seqs().length === 3);

  // The agent rotates, and links the live name to a file of records it wants shown (or to a secret).
  const target = join(ref.root, 'elsewhere.jsonl');
  writeFileSync(target, `${record(4, { result: MARK })}\n`);
  renameSync(live, `${live}.1`);
  symlinkSync(target, live);
  await until('alert for the link', () => alerts().length === 1);
  assert.deepEqual(
    alerts().map((a) => [a.severity, a.reason, a.stream, a.path, a.file_type, a.at_seq]),
    [['critical', 'not-regular-file', 'activity', live, 'symlink', 3]],
  );

  // A regular file again: read as usual.
  rmSync(live);
  appendRecords(ref.home, 4, 5);
  await until('records after the link', () => c.seqs().length === 5);

  // A FIFO: the follower must not block on it.
  renameSync(live, `${live}.1`);
  execFileSync('mkfifo', [live]);
  await until('alert for the FIFO', () => alerts().length === 2);
  assert.equal(alerts()[1]!.file_type, 'fifo');

  // A dropped connection restarts the follower, which finds the FIFO still there: not a new alert. The new
  // follower reports what it finds before it reads anything (frames are in order), so once a record
  // appended after the restart has arrived, its report about the FIFO has been handled.
  await ref.killSshd();
  await ref.startSshd(ref.port);
  await until('the new follower', () => c.diags('connection').length > 0 && followersFor(ref.home).length === 1);
  appendRecords(ref.home, 6, 6, 'activity.jsonl.1');
  await until('a record after the reconnect', () => c.seqs().length === 6);
  assert.equal(alerts().length, 2);
  rmSync(live);
  appendRecords(ref.home, 7, 7);
  await until('the live file again', () => c.seqs().length === 7);
  assert.equal(alerts().length, 2);
  assert.deepEqual(c.seqs(), [1, 2, 3, 4, 5, 6, 7]);
  assert.ok(!JSON.stringify(c.items.map((i) => (i.type === 'record' ? i.record.bytes.toString() : i.diagnostic))).includes(MARK));

  ac.abort();
  await done;
  await until('no follower left on the droplet', () => followersFor(ref.home).length === 0);
});
