import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuditIndex } from '../../../src-main/core/audit/audit-query.js';
import { LineReader } from '../../../src-main/core/audit/line-reader.js';

function feed(index: AuditIndex, lines: string[]): void {
  const r = new LineReader('activity', { record: (rec) => void index.add(rec), malformed: () => undefined, truncated: () => undefined });
  r.push('1', 0, Buffer.from(lines.map((l) => `${l}\n`).join('')));
}

const at = (min: number, sec = 0) => new Date(Date.UTC(2026, 10, 28, 1, min, sec)).toISOString();

test('filters by tool, outcome, channel, trust, time and text; newest first; bounded ring', () => {
  const idx = new AuditIndex(4);
  feed(idx, [
    JSON.stringify({ seq: 1, ts: at(0), channel: 'discord', trust: 'owner', tool: 'read_file', args: { path: '/etc/hosts' }, ok: true, blocked: null }),
    JSON.stringify({ seq: 2, ts: at(1), channel: 'telegram', trust: 'untrusted', tool: 'host_exec', args: { cmd: 'rm -rf /' }, ok: false, blocked: 'trust' }),
    JSON.stringify({ seq: 3, ts: at(1, 30), channel: 'loop', trust: 'owner', tool: 'run_code', args: {}, ok: false, blocked: null }),
    JSON.stringify({ seq: 4, ts: at(2), channel: 'discord', trust: 'trusted', tool: 'host_exec', args: { cmd: 'docker ps' }, ok: true, blocked: null }),
    JSON.stringify({ seq: 5, ts: at(3), channel: 'email', trust: 'owner', tool: 'gmail_send', args: { to: 'Ops@Example.com' }, ok: true, blocked: null }),
  ]);
  assert.equal(idx.size, 4, 'ring keeps the newest 4');
  assert.deepEqual(
    idx.query().map((e) => e.seq),
    [5, 4, 3, 2],
  );
  assert.deepEqual(
    idx.query({ tools: ['host_exec'] }).map((e) => e.seq),
    [4, 2],
  );
  assert.deepEqual(
    idx.query({ outcomes: ['blocked'] }).map((e) => e.seq),
    [2],
  );
  assert.deepEqual(
    idx.query({ outcomes: ['failed'] }).map((e) => e.seq),
    [3],
  );
  assert.deepEqual(
    idx.query({ channels: ['discord', 'email'] }).map((e) => e.seq),
    [5, 4],
  );
  assert.deepEqual(
    idx.query({ trust: ['untrusted'] }).map((e) => e.seq),
    [2],
  );
  assert.deepEqual(
    idx.query({ since: at(1, 15), until: at(2) }).map((e) => e.seq),
    [4, 3],
  );
  assert.deepEqual(
    idx.query({ text: 'ops@example' }).map((e) => e.seq),
    [5],
  );
  assert.deepEqual(
    idx.query({ limit: 1 }).map((e) => e.seq),
    [5],
  );
});

test('tool-call rate per minute for the sparkline counts every record seen', () => {
  const idx = new AuditIndex(2);
  feed(
    idx,
    [0, 0, 0, 2, 2, 4].map((m, i) => JSON.stringify({ seq: i + 1, ts: at(m, i), tool: 't', ok: true })),
  );
  assert.deepEqual(
    idx.ratePerMinute(5).map((p) => p.calls),
    [3, 0, 2, 0, 1],
  );
  assert.equal(idx.ratePerMinute(5)[0]?.minute, at(0));
});
