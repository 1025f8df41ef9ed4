import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { AuditFeed } from '../../../src-main/core/audit/audit-feed.js';
import { verifyWitness } from '../../../src-main/core/audit/witness-verify.js';
import { WitnessStore } from '../../../src-main/core/audit/witness-store.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { appendRecords, Collector, record, rotate } from './audit-helpers.js';

test('verify agrees with untouched logs, then catches a rewritten, a deleted and a rolled-back record', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const state = mkdtempSync(join(tmpdir(), 'stratam-witness-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  appendRecords(ref.home, 1, 10);
  rotate(ref.home);
  appendRecords(ref.home, 11, 20);
  appendRecords(ref.home, 1, 2, 'operator_actions.jsonl');
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());

  // Tailing keeps the witness current.
  const c = new Collector();
  await new AuditFeed(d, { fromSeq: 1, receipts: true, stateDir: state, onItem: c.push }).run();
  assert.equal(c.seqs().length, 20);
  assert.equal(c.seqs('receipts').length, 2);
  const w = WitnessStore.open(state, d.identity, 'activity');
  assert.equal(w.size, 20);
  assert.equal(w.checkChain(), -1);
  w.close();

  const clean = await verifyWitness(d, state);
  assert.equal(clean.ok, true, JSON.stringify(clean));
  assert.equal(clean.streams.activity?.read, 20);
  assert.equal(clean.streams.receipts?.read, 2);

  // Tamper: rewrite seq 5 (in the rotated file), delete seq 12, roll back to seq 3 at the end, drop the last record.
  const rotated = join(ref.home, 'activity.jsonl.1');
  writeFileSync(rotated, readFileSync(rotated, 'utf8').replace(record(5), record(5, { ok: false, result: 'edited' })));
  const live = join(ref.home, 'activity.jsonl');
  const kept = readFileSync(live, 'utf8').split('\n').filter((l) => l && !l.startsWith('{"seq":12,') && !l.startsWith('{"seq":20,'));
  writeFileSync(live, `${kept.join('\n')}\n`);
  appendFileSync(live, `${record(3, { result: 'again' })}\n`);

  const bad = await verifyWitness(d, state);
  assert.equal(bad.ok, false);
  const a = bad.streams.activity!;
  assert.deepEqual(a.rewritten, [5]);
  assert.deepEqual(a.deleted, [12]);
  assert.deepEqual(a.truncated, [20]);
  assert.deepEqual(a.rollback, [{ seq: 3, after: 19 }]);
  assert.equal(bad.streams.receipts?.rewritten.length, 0);

  // A tail over the tampered logs raises alerts and still delivers in order.
  const c2 = new Collector();
  await new AuditFeed(d, { fromSeq: 1, stateDir: state, onItem: c2.push }).run();
  const alerts = c2.diags('alert').map((x) => (x.kind === 'alert' ? [x.reason, x.at_seq] : []));
  assert.deepEqual(alerts, [['rewritten', 5], ['rewritten', 3], ['rollback', 3]]);
  assert.deepEqual(c2.diags('gap').map((g) => (g.kind === 'gap' ? [g.from, g.to] : [])), [[12, 12]]);
});

test('the witness file is append-only, chained and survives a torn tail entry', () => {
  const state = mkdtempSync(join(tmpdir(), 'stratam-witness-'));
  try {
    const id = { host: 'h', port: 22, user: 'u', hostKey: 'SHA256:abc' };
    const w = WitnessStore.open(state, id, 'activity');
    const h = (n: number) => Buffer.alloc(32, n);
    for (let i = 1; i <= 1000; i++) assert.equal(w.observe(i, h(i % 250)), 'appended');
    assert.equal(w.observe(500, h(500 % 250)), 'same');
    assert.equal(w.observe(500, h(7)), 'mismatch');
    w.close();
    appendFileSync(w.path, Buffer.alloc(10)); // a crash mid-write
    const again = WitnessStore.open(state, id, 'activity');
    assert.equal(again.size, 1000);
    assert.equal(again.lastSeq, 1000);
    assert.equal(again.checkChain(), -1);
    again.close();
    // Editing an entry in place breaks the chain from there.
    const bytes = readFileSync(w.path);
    bytes.writeUInt8(bytes.readUInt8(72 * 10 + 8) ^ 1, 72 * 10 + 8);
    writeFileSync(w.path, bytes);
    const edited = WitnessStore.open(state, id, 'activity');
    assert.equal(edited.checkChain(), 10);
    edited.close();
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});
