import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { AuditFeed } from '../../../src-main/core/audit/audit-feed.js';
import { fetchRecord } from '../../../src-main/core/audit/fetch-record.js';
import { loadGuardChecker } from '../../../src-main/core/audit/second-line.js';
import type { TruncatedDiagnostic } from '../../../src-main/core/audit/diagnostics.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { appendRecords, Collector, followersFor, range, record, rotate, until } from './audit-helpers.js';

const FAST = { reconnect: true, backoff: { baseMs: 100, maxMs: 400, maxAttempts: Infinity } };

test('follow delivers every record once across a killed sshd and a rotation while down, and leaves no follower behind', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const state = mkdtempSync(join(tmpdir(), 'stratam-audit-state-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  appendRecords(ref.home, 1, 5);
  const d = await SshDroplet.connect(ref.profile(), FAST);
  t.after(() => d.close());
  const ac = new AbortController();
  const c = new Collector();
  const feed = new AuditFeed(d, { follow: true, fromSeq: 1, stateDir: state, signal: ac.signal, onItem: c.push });
  const done = feed.run();
  t.after(() => {
    ac.abort();
    return done.catch(() => undefined);
  });

  await until('backlog', () => c.seqs().length === 5);
  assert.equal(followersFor(ref.home).length, 1, 'exactly one follower on the droplet');
  appendRecords(ref.home, 6, 40);
  await until('live records', () => c.seqs().length === 40);

  await ref.killSshd();
  await until('follower gone after sshd died', () => followersFor(ref.home).length === 0);
  // Written while the tray is cut off, including a rotation and a torn line completed later.
  appendRecords(ref.home, 41, 60);
  rotate(ref.home);
  appendRecords(ref.home, 61, 80);
  const half = record(81);
  appendFileSync(join(ref.home, 'activity.jsonl'), half.slice(0, 20));
  await ref.startSshd(ref.port);
  await until('resume', () => c.seqs().length === 80);
  appendFileSync(join(ref.home, 'activity.jsonl'), `${half.slice(20)}\n`);
  appendRecords(ref.home, 82, 100);
  await until('after resume', () => c.seqs().length === 100);

  assert.deepEqual(c.seqs(), range(1, 100), 'no loss, no duplicate, in order');
  assert.ok(c.diags('connection').some((x) => x.kind === 'connection' && x.state === 'lost'));
  assert.deepEqual(c.diags('gap'), []);
  assert.equal(followersFor(ref.home).length, 1);

  ac.abort();
  const summary = await done;
  assert.equal(summary.delivered, 100);
  assert.ok(summary.restarts >= 1);
  await until('no follower after close', () => followersFor(ref.home).length === 0);
});

test('rotation during follow: the rest of activity.jsonl.1 comes before the new file; a real hole is a gap', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const d = await SshDroplet.connect(ref.profile(), FAST);
  t.after(() => d.close());
  const ac = new AbortController();
  const c = new Collector();
  appendRecords(ref.home, 1, 10);
  const done = new AuditFeed(d, { follow: true, lines: 10, signal: ac.signal, onItem: c.push }).run();
  t.after(() => {
    ac.abort();
    return done.catch(() => undefined);
  });
  await until('first batch', () => c.seqs().length === 10);
  for (let round = 0; round < 5; round++) {
    const base = 10 + round * 20;
    // Unread bytes in the old file at the moment of the rename, then the new file.
    appendRecords(ref.home, base + 1, base + 10);
    rotate(ref.home);
    appendRecords(ref.home, base + 11, base + 20);
  }
  await until('after rotations', () => c.seqs().length === 110);
  assert.deepEqual(c.seqs(), range(1, 110));
  appendRecords(ref.home, 115, 116);
  await until('gap', () => c.diags('gap').length === 1);
  assert.deepEqual(c.diags('gap'), [{ kind: 'gap', stream: 'activity', from: 111, to: 114, missing: 4 }]);
  ac.abort();
  await done;
  await until('no follower after close', () => followersFor(ref.home).length === 0);
});

test('bad lines of every kind and a 6 MB line over SSH; the full line is fetchable by file id and offset', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const big = `{"seq":4,"tool":"read_file","result":"${'y'.repeat(6 * 1024 * 1024)}","ok":true}`;
  const bad = [
    record(1),
    '{"seq":2,"tool":',
    Buffer.concat([Buffer.from('{"seq":3,"r":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]).toString('latin1'),
    big,
    '{"seq":5,"r":"\u0001\u001b[31m"}',
    record(6),
  ];
  const bytes = Buffer.concat(bad.map((l, i) => Buffer.from(`${l}\n`, i === 2 ? 'latin1' : 'utf8')));
  writeFileSync(join(ref.home, 'activity.jsonl'), Buffer.concat([bytes, Buffer.from(record(7).slice(0, 15))]));
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  // On the main thread, then with every frame (1 MiB reads of the 6 MB line) through the scan workers: the same outcome.
  let tr: TruncatedDiagnostic[] = [];
  for (const mode of [{ scanWorkers: 0 }, { scanWorkers: 2, offloadAt: 1 }]) {
    const c = new Collector();
    const summary = await new AuditFeed(d, { fromSeq: 1, onItem: c.push, ...mode }).run();
    assert.deepEqual(c.seqs(), [1, 6], 'torn seq 7 waits');
    assert.deepEqual(
      c.diags('malformed').map((m) => (m.kind === 'malformed' ? m.reason : '')),
      ['invalid-json', 'invalid-utf8', 'invalid-json'],
    );
    assert.equal(summary.malformed, 3);
    tr = c.diags('truncated') as TruncatedDiagnostic[];
    assert.equal(tr.length, 1);
    assert.equal(tr[0]?.record_seq, 4);
    assert.equal(tr[0]?.length, Buffer.byteLength(big));
    assert.deepEqual(
      c.diags('gap').map((g) => (g.kind === 'gap' ? [g.from, g.to] : [])),
      [
        [2, 3],
        [5, 5],
      ],
    );
  }

  const parts: Buffer[] = [];
  const n = await fetchRecord(d, { fileId: tr[0]!.file_id, offset: tr[0]!.offset, onChunk: (b) => parts.push(b) });
  assert.equal(n, Buffer.byteLength(big));
  assert.equal(createHash('sha256').update(Buffer.concat(parts)).digest('hex'), tr[0]!.sha256);
  await assert.rejects(fetchRecord(d, { fileId: '1', offset: 0, onChunk: () => undefined }), /No retained log file has identity 1/);
  assert.equal(followersFor(ref.home).length, 0);
});

test('a follower ends when the app dies without closing anything', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  appendRecords(ref.home, 1, 3);
  const mod = new URL('../../../src-main/core/droplet/ssh-droplet.js', import.meta.url).href;
  const feedMod = new URL('../../../src-main/core/audit/audit-feed.js', import.meta.url).href;
  const script = `
    const { SshDroplet } = await import(${JSON.stringify(mod)});
    const { AuditFeed } = await import(${JSON.stringify(feedMod)});
    const d = await SshDroplet.connect(${JSON.stringify(ref.profile())});
    new AuditFeed(d, { follow: true, fromSeq: 1, onItem: (i) => { if (i.type === 'record') process.stdout.write(i.record.seq + '\\n'); } }).run();`;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  await until('child follows', () => out.split('\n').filter(Boolean).length === 3 && followersFor(ref.home).length === 1);
  child.kill('SIGKILL');
  await until('follower gone after the app died', () => followersFor(ref.home).length === 0);
});

test('second line: a host_exec the blocklist refuses, reported ok:true, is a critical alert', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const lines = [
    record(1, { tool: 'host_exec', args: { cmd: 'docker ps' } }),
    record(2, { tool: 'host_exec', args: { cmd: 'rm -rf --no-preserve-root /' } }),
    record(3, { tool: 'host_exec', args: { cmd: 'rm -rf /' }, ok: false, blocked: 'blocklist' }),
    record(4, { tool: 'docker_cmd', args: { cmd: 'run --rm -v /:/h alpine dd if=/dev/zero of=/dev/sda' } }),
  ];
  writeFileSync(join(ref.home, 'activity.jsonl'), `${lines.join('\n')}\n`);
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  const c = new Collector();
  await new AuditFeed(d, { fromSeq: 1, checkCommand: await loadGuardChecker(), onItem: c.push }).run();
  assert.deepEqual(c.seqs(), [1, 2, 3, 4]);
  const alerts = c.diags('alert');
  assert.deepEqual(
    alerts.map((a) => (a.kind === 'alert' ? [a.reason, a.severity, a.at_seq] : [])),
    [['blocklisted-command-ran', 'critical', 2]],
  );
});
