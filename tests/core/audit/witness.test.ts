import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { DropletIdentity } from '../../../src-main/core/droplet/droplet.js';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { AuditFeed } from '../../../src-main/core/audit/audit-feed.js';
import { verifyWitness } from '../../../src-main/core/audit/witness-verify.js';
import { ENTRY, WitnessStore, witnessDir } from '../../../src-main/core/audit/witness-store.js';
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
  const kept = readFileSync(live, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('{"seq":12,') && !l.startsWith('{"seq":20,'));
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
  assert.deepEqual(alerts, [
    ['rewritten', 5],
    ['rewritten', 3],
    ['rollback', 3],
  ]);
  assert.deepEqual(
    c2.diags('gap').map((g) => (g.kind === 'gap' ? [g.from, g.to] : [])),
    [[12, 12]],
  );
});

/** A throwaway state dir and droplet identity for the store-level tests. */
function withState(run: (state: string, id: DropletIdentity) => void): void {
  const state = mkdtempSync(join(tmpdir(), 'stratam-witness-'));
  try {
    run(state, { host: 'h', port: 22, user: 'u', hostKey: 'SHA256:abc' });
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

test('the witness files are append-only, chained per batch, and survive a torn or uncommitted tail', () =>
  withState((state, id) => {
    const w = WitnessStore.open(state, id, 'activity');
    const h = (n: number) => createHash('sha256').update(String(n)).digest('hex');
    for (let i = 1; i <= 5000; i++) assert.equal(w.observe(i, h(i % 250)), 'appended');
    assert.equal(w.observe(500, h(500 % 250)), 'same');
    assert.equal(w.observe(500, h(7)), 'mismatch');
    assert.equal(w.observe(4999, h(4999 % 250)), 'same'); // still in the unflushed batch
    w.close();
    appendFileSync(w.path, Buffer.alloc(10)); // a crash mid-write of the entries
    appendFileSync(w.chainPath, Buffer.alloc(7)); // and of a checkpoint
    const again = WitnessStore.open(state, id, 'activity');
    assert.equal(again.size, 5000);
    assert.equal(again.lastSeq, 5000);
    assert.equal(again.checkChain(), -1);
    // Entries written but not yet committed by a checkpoint (a crash between the two writes) are cut off.
    for (let i = 5001; i <= 5010; i++) again.observe(i, h(i));
    again.close();
    writeFileSync(again.chainPath, readFileSync(again.chainPath).subarray(0, -40));
    const cut = WitnessStore.open(state, id, 'activity');
    assert.equal(cut.size, 5000);
    assert.equal(cut.checkChain(), -1);
    cut.close();
    // Editing an entry in place breaks the chain from its batch on.
    const bytes = readFileSync(w.path);
    bytes.writeUInt8(bytes.readUInt8(ENTRY * 2000 + 8) ^ 1, ENTRY * 2000 + 8);
    writeFileSync(w.path, bytes);
    const edited = WitnessStore.open(state, id, 'activity');
    const broken = edited.checkChain();
    assert.ok(broken >= 0 && broken <= 2000, `chain broken at the edited batch (${broken})`);
    edited.close();
    // A checkpoint whose count is not a count (an edited chain file) keeps every entry and is reported.
    const links = readFileSync(w.chainPath);
    writeFileSync(w.chainPath, Buffer.concat([links.subarray(0, -40), Buffer.alloc(8, 0xff), links.subarray(-32)]));
    const garbled = WitnessStore.open(state, id, 'activity');
    assert.equal(garbled.size, 5000);
    assert.notEqual(garbled.checkChain(), -1);
    garbled.close();
    writeFileSync(w.chainPath, links);
    // Removing entries from the middle breaks it too.
    writeFileSync(w.path, Buffer.concat([bytes.subarray(0, ENTRY * 100), bytes.subarray(ENTRY * 101)]));
    const removed = WitnessStore.open(state, id, 'activity');
    assert.notEqual(removed.checkChain(), -1);
    removed.close();
  }));

test('lookups by seq: in order, out of order, in gaps, across the flushed and unflushed parts', () =>
  withState((state, id) => {
    const w = WitnessStore.open(state, id, 'activity');
    const h = (n: number) => createHash('sha256').update(String(n)).digest('hex');
    // Every third seq missing (gaps), 30 000 entries: several read-ahead blocks, then an unflushed tail.
    const seqs: number[] = [];
    for (let s = 1; seqs.length < 30_000; s++) if (s % 3 !== 0) seqs.push(s);
    for (const s of seqs) w.observe(s, h(s));
    const last = seqs.at(-1) as number;
    for (const s of seqs) assert.equal(w.lookup(s)?.sha256, h(s), `seq ${s} in order`);
    for (let k = 0; k < 2000; k++) {
      const s = seqs[(k * 7919) % seqs.length] as number;
      assert.equal(w.lookup(s)?.sha256, h(s), `seq ${s} out of order`);
    }
    for (const s of [0, 3, 300, 29_997, last + 1]) assert.equal(w.lookup(s), null, `seq ${s} was never seen`);
    assert.equal(w.observe(seqs[12_345] as number, h(1)), 'mismatch');
    assert.equal(w.observe(3, h(3)), 'unknown');
    assert.equal(w.observe(0, h(0)), 'older');
    w.close();
  }));

test('a version-1 witness is converted once its own chain checks out, and kept beside', () =>
  withState((state, id) => {
    const dir = witnessDir(state, id);
    mkdirSync(dir, { recursive: true });
    // Version 1: 72-byte entries, chain = sha256(previous chain ‖ seq ‖ line hash).
    const v1 = (n: number, editAt = -1) => {
      const parts: Buffer[] = [];
      let prev = Buffer.alloc(32);
      for (let i = 1; i <= n; i++) {
        const e = Buffer.alloc(72);
        e.writeDoubleBE(i * 2, 0);
        createHash('sha256').update(String(i)).digest().copy(e, 8);
        prev = createHash('sha256')
          .update(Buffer.concat([prev, e.subarray(0, 40)]))
          .digest();
        prev.copy(e, 40);
        if (i === editAt) e.writeUInt8(e.readUInt8(9) ^ 1, 9);
        parts.push(e);
      }
      return Buffer.concat(parts);
    };
    writeFileSync(join(dir, 'activity.witness'), v1(5000));
    const w = WitnessStore.open(state, id, 'activity');
    assert.equal(w.size, 5000);
    assert.equal(w.lookup(2 * 1234)?.sha256, createHash('sha256').update('1234').digest('hex'));
    assert.equal(w.checkChain(), -1);
    w.close();
    assert.ok(existsSync(join(dir, 'activity.witness.v1')), 'the old file is kept');
    assert.ok(!existsSync(join(dir, 'activity.witness')));

    // An edited version-1 file is not blessed by a new chain: opening it fails, naming the entry.
    writeFileSync(join(dir, 'receipts.witness'), v1(50, 17));
    assert.throws(() => WitnessStore.open(state, id, 'receipts'), /does not check out at entry 16/);
    assert.ok(existsSync(join(dir, 'receipts.witness')), 'left in place for inspection');
  }));
