// Issue 13, reproduction 6: one bogus seq must raise one alert, not one per later record.
// Through the real feed, over SSH, against the reference droplet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { AuditFeed } from '../../../src-main/core/audit/audit-feed.js';
import { verifyWitness } from '../../../src-main/core/audit/witness-verify.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { appendRecords, Collector, range, record, until } from './audit-helpers.js';

const alertsOf = (c: Collector) => c.diags('alert').map((d) => (d.kind === 'alert' ? [d.reason, d.at_seq] : []));
const gapsOf = (c: Collector) => c.diags('gap').map((d) => (d.kind === 'gap' ? [d.from, d.to] : []));

test('a record with seq 999999, then 10 normal records: one rollback alert, every record delivered (with and without the witness); verify lists it once', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const state = mkdtempSync(join(tmpdir(), 'stratam-seq-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  appendRecords(ref.home, 1040, 1042);
  appendFileSync(join(ref.home, 'activity.jsonl'), `${record(999_999)}\n`);
  appendRecords(ref.home, 1043, 1052);
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());

  for (const stateDir of [undefined, state]) {
    const c = new Collector();
    const summary = await new AuditFeed(d, { fromSeq: 1, onItem: c.push, ...(stateDir ? { stateDir } : {}) }).run();
    const what = stateDir ? 'with the witness' : 'without the witness';
    assert.deepEqual(alertsOf(c), [['rollback', 1043]], `${what}: one alert for 10 later records`);
    assert.deepEqual(
      gapsOf(c),
      [
        [1, 1039],
        [1043, 999_998],
      ],
      what,
    );
    assert.deepEqual(c.seqs(), [1040, 1041, 1042, 999_999, ...range(1043, 1052)], `${what}: every record shown`);
    assert.equal(summary.alerts, 1);
  }

  const report = await verifyWitness(d, state);
  assert.equal(report.ok, false);
  assert.deepEqual(report.streams.activity?.rollback, [{ seq: 1043, after: 999_999 }], 'verify: one entry, not one per later line');
});

test('live: the bogus seq, 10 records after it, a real gap with records after it, then a second jump back: one alert per anomaly', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  appendRecords(ref.home, 1, 5);
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  const ac = new AbortController();
  const c = new Collector();
  const done = new AuditFeed(d, { follow: true, lines: 5, signal: ac.signal, onItem: c.push }).run();
  t.after(() => {
    ac.abort();
    return done.catch(() => undefined);
  });
  await until('backlog', () => c.seqs().length === 5);

  appendFileSync(join(ref.home, 'activity.jsonl'), `${record(999_999)}\n`);
  for (let seq = 6; seq <= 15; seq++) appendRecords(ref.home, seq, seq); // one write per record, as the agent appends
  await until('10 records after the bogus one', () => c.seqs().length === 16);
  assert.deepEqual(alertsOf(c), [['rollback', 6]]);

  // A jump forward (a real hole) followed by normal records: one gap, no alert.
  appendRecords(ref.home, 40, 50);
  await until('after the hole', () => c.seqs().length === 27);
  assert.deepEqual(alertsOf(c), [['rollback', 6]]);
  assert.deepEqual(gapsOf(c), [
    [6, 999_998],
    [16, 39],
  ]);

  // A separate jump back later: its own one alert; the records after it are normal.
  appendRecords(ref.home, 30, 35);
  appendRecords(ref.home, 36, 36);
  await until('after the second jump back', () => c.seqs().length === 34);
  assert.deepEqual(alertsOf(c), [
    ['rollback', 6],
    ['rollback', 30],
  ]);
  assert.deepEqual(c.seqs(), [...range(1, 5), 999_999, ...range(6, 15), ...range(40, 50), ...range(30, 36)]);
});
