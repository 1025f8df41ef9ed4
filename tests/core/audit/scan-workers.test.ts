/**
 * The backlog's worker-thread scan (scan-pool.ts) must be invisible: the same
 * records, bytes, hashes, diagnostics, alerts and witness as scanning on the
 * main thread, over a real SSH link, for logs full of every kind of bad line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { AuditFeed, type FeedOptions } from '../../../src-main/core/audit/audit-feed.js';
import type { FeedItem } from '../../../src-main/core/audit/diagnostics.js';
import { verifyWitness } from '../../../src-main/core/audit/witness-verify.js';
import { findScanWorker } from '../../../src-main/core/audit/scan-pool.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { appendRecords, Collector, range, record, rotate, until } from './audit-helpers.js';

/** A deterministic log of `n` records with bad lines, blank lines, long lines and shell calls mixed in. */
function messyLog(from: number, n: number): Buffer {
  const parts: Buffer[] = [];
  let x = from * 7919;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let seq = from; seq < from + n; seq++) {
    const r = rnd();
    if (r < 0.02) parts.push(Buffer.from('{"seq":oops}\n'));
    else if (r < 0.03)
      parts.push(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x7d, 0x0a])); // invalid UTF-8
    else if (r < 0.04) parts.push(Buffer.from('[1,2]\n'));
    else if (r < 0.05) parts.push(Buffer.from('\n\n'));
    else if (r < 0.06) parts.push(Buffer.from('{"tool":"x","r":"\u0007"}\n'));
    if (r > 0.995) continue; // a hole in seq: a gap diagnostic
    const extra: Record<string, unknown> = {};
    if (r > 0.9) extra.result = 'z'.repeat(3000 + Math.floor(r * 5000)); // over the test's maxLine: truncated
    if (r > 0.5 && r < 0.6) Object.assign(extra, { tool: 'host_exec', args: { cmd: r < 0.52 ? 'rm -rf /' : 'docker ps' } });
    parts.push(Buffer.from(`${record(seq, extra)}\n`));
  }
  return Buffer.concat(parts);
}

/**
 * What a consumer sees, with the bytes and hashes that must match exactly.
 * Second-line alerts come from an async check, so where they land among the
 * records depends on timing: they are compared as a set.
 */
function snapshot(items: FeedItem[]): { ordered: string[]; secondLine: string[] } {
  const ordered: string[] = [];
  const secondLine: string[] = [];
  for (const i of items) {
    if (i.type === 'record') {
      const r = i.record;
      ordered.push(`R ${r.stream} ${r.seq} ${r.file_id}:${r.offset} ${r.sha256} ${r.bytes.length} ${r.shellCommand} ${JSON.stringify(r.value).length}`);
    } else if (i.diagnostic.kind === 'alert' && i.diagnostic.reason === 'blocklisted-command-ran') secondLine.push(JSON.stringify(i.diagnostic));
    else ordered.push(`D ${JSON.stringify(i.diagnostic)}`);
  }
  return { ordered, secondLine: secondLine.sort() };
}

test('a backlog scanned by worker threads equals one scanned on the main thread: records, bytes, diagnostics, alerts, witness', async (t) => {
  assert.ok(findScanWorker(), 'the scan worker is built beside the pool');
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const log = join(ref.home, 'activity.jsonl');
  // Three files (two rotated) of several follower reads each, and a torn last line.
  writeFileSync(log, messyLog(1, 6000));
  rotate(ref.home);
  writeFileSync(log, messyLog(6001, 6000));
  rotate(ref.home);
  writeFileSync(log, messyLog(12001, 6000));
  appendFileSync(log, record(18001).slice(0, 30));
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  const checked: string[] = [];
  const checkCommand = async (cmd: string) => {
    checked.push(cmd);
    return cmd.startsWith('rm') ? { refused: true, reason: 'deletes /' } : { refused: false };
  };

  const runWith = async (extra: Partial<FeedOptions>) => {
    const state = mkdtempSync(join(tmpdir(), 'stratam-scan-'));
    t.after(() => rmSync(state, { recursive: true, force: true }));
    const items: FeedItem[] = [];
    const summary = await new AuditFeed(d, {
      fromSeq: 1,
      stateDir: state,
      maxLine: 4096,
      checkCommand,
      onItem: (i) => items.push(i.type === 'record' ? { type: 'record', record: i.record.detached() } : i),
      ...extra,
    }).run();
    return { items, summary, state };
  };
  const inline = await runWith({ scanWorkers: 0 });
  const workers = await runWith({ scanWorkers: 2, offloadAt: 1 });

  const a = snapshot(inline.items);
  const b = snapshot(workers.items);
  assert.ok(a.ordered.length > 18_000, `a real backlog (${a.ordered.length} items)`);
  assert.equal(b.ordered.length, a.ordered.length);
  for (let i = 0; i < a.ordered.length; i++) {
    if (a.ordered[i] !== b.ordered[i]) assert.fail(`item ${i} differs:\n  main thread: ${a.ordered[i]?.slice(0, 300)}\n  workers:     ${b.ordered[i]?.slice(0, 300)}`);
  }
  assert.deepEqual(b.secondLine, a.secondLine);
  assert.deepEqual(workers.summary, inline.summary);
  const kinds = new Set(inline.items.flatMap((i) => (i.type === 'diagnostic' ? [i.diagnostic.kind] : [])));
  assert.deepEqual([...kinds].sort(), ['alert', 'gap', 'malformed', 'truncated'], 'every diagnostic kind came up');
  assert.ok(inline.summary.alerts > 10, 'the blocklisted command raised second-line alerts');
  assert.ok(checked.length < 200, `verdicts are remembered, not asked per record (${checked.length} checks)`);

  // Both witnesses agree with the droplet.
  for (const state of [inline.state, workers.state]) {
    const report = await verifyWitness(d, state);
    assert.equal(report.ok, true, JSON.stringify(report).slice(0, 400));
    assert.equal(report.streams.activity?.witnessed, inline.summary.delivered);
  }
});

/** Threads of this process (scan workers are threads). */
const threads = () => readdirSync('/proc/self/task').length;

test('a follow feed closes its idle scan workers and starts new ones for the next backlog, delivering everything once', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  appendRecords(ref.home, 1, 3000);
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  const ac = new AbortController();
  const c = new Collector();
  const before = threads();
  const done = new AuditFeed(d, { follow: true, fromSeq: 1, signal: ac.signal, onItem: c.push, scanWorkers: 2, offloadAt: 1, scanIdleMs: 300 }).run();
  t.after(() => {
    ac.abort();
    return done.catch(() => undefined);
  });
  await until('backlog', () => c.seqs().length === 3000);
  const busy = threads();
  assert.ok(busy >= before + 2, `two scan workers run (${before} threads before, ${busy} during)`);
  await until('idle workers closed', () => threads() <= busy - 2);
  appendRecords(ref.home, 3001, 6000);
  await until('the next backlog', () => c.seqs().length === 6000);
  assert.deepEqual(c.seqs(), range(1, 6000));
  assert.deepEqual(c.diags(), []);
  ac.abort();
  await done;
});
