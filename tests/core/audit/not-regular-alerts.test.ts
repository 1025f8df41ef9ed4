// One not-regular-file alert per episode (not-regular-alerts.ts), without a droplet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotRegularAlerts } from '../../../src-main/core/audit/not-regular-alerts.js';

const P = '/home/jarvis/jarvis_audit/activity.jsonl';

test('a link is one critical alert; within one follower every report is a change (the follower reports only changes), so each is one', () => {
  const n = new NotRegularAlerts();
  n.followerStarting();
  const a = n.report('activity', P, 'symlink', 41);
  assert.ok(a);
  assert.equal(a.reason, 'not-regular-file');
  assert.equal(a.severity, 'critical');
  assert.equal(a.at_seq, 41);
  assert.equal(a.path, P);
  assert.equal(a.file_type, 'symlink');
  assert.match(a.detail, /is a symbolic link, not a regular file: it is not read/);
  assert.ok(n.report('activity', P, 'fifo', 42));
});

test('a restarted follower that finds the same link again is not a new episode; a different type or a new path is', () => {
  const n = new NotRegularAlerts();
  n.followerStarting();
  assert.ok(n.report('activity', P, 'symlink', 1));
  n.followerStarting();
  assert.equal(n.report('activity', P, 'symlink', 1), null);
  assert.ok(n.report('activity', `${P}.1`, 'fifo', 1));
  n.followerStarting();
  assert.ok(n.report('activity', P, 'fifo', 1), 'a link replaced by a FIFO is a new episode');
  // Only the restarted follower's first report is compared with what the last one left.
  n.followerStarting();
  assert.equal(n.report('activity', P, 'fifo', 1), null);
  assert.equal(n.report('activity', P, 'file', 1), null);
  assert.ok(n.report('activity', P, 'fifo', 2), 'the FIFO back after the real file is a new episode');
});

test('once the real file is back, the next link is a new episode (within one follower and across a restart)', () => {
  const n = new NotRegularAlerts();
  n.followerStarting();
  assert.ok(n.report('activity', P, 'symlink', 1));
  assert.equal(n.report('activity', P, 'file', 1), null);
  assert.ok(n.report('activity', P, 'symlink', 2));
  assert.equal(n.report('activity', P, 'absent', 2), null);
  n.followerStarting();
  assert.ok(n.report('activity', P, 'symlink', 2), 'the previous follower left it regular (absent): a link now is new');
});
