import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { LineReader } from '../../../src-main/core/audit/line-reader.js';
import type { AuditRecord, MalformedDiagnostic, TruncatedDiagnostic } from '../../../src-main/core/audit/diagnostics.js';

function collect(maxLine?: number) {
  const records: AuditRecord[] = [];
  const malformed: MalformedDiagnostic[] = [];
  const truncated: TruncatedDiagnostic[] = [];
  const reader = new LineReader(
    'activity',
    {
      record: (r) => records.push(r.detached()),
      malformed: (d) => malformed.push(d),
      truncated: (d) => truncated.push(d),
    },
    maxLine === undefined ? {} : { maxLine },
  );
  return { reader, records, malformed, truncated };
}

const rec = (seq: number, extra = '') => `{"seq":${seq},"tool":"read_file","ok":true${extra}}`;

test('bad lines of every kind become counted malformed diagnostics and the feed goes on', () => {
  const { reader, records, malformed } = collect();
  const lines = [
    Buffer.from(rec(1)),
    Buffer.from('{"seq":2, "tool": oops}'), // invalid JSON
    Buffer.concat([Buffer.from('{"seq":3,"result":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]), // invalid UTF-8
    Buffer.from('{"seq":4,"result":"bell\x07 and nul\x00"}'), // raw control characters
    Buffer.from('[1,2,3]'), // not an object
    Buffer.from('{"tool":"x"}'), // no seq
    Buffer.from(rec(7, ',"result":"caf\u00e9 \u2603"')),
  ];
  const all = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
  // Feed it one byte at a time and in one go: same outcome.
  for (let i = 0; i < all.length; i++) reader.push('9', i, all.subarray(i, i + 1));
  assert.deepEqual(
    records.map((r) => r.seq),
    [1, 7],
  );
  assert.deepEqual(
    malformed.map((m) => m.reason),
    ['invalid-json', 'invalid-utf8', 'invalid-json', 'not-an-object', 'no-seq'],
  );
  assert.deepEqual(
    malformed.map((m) => m.count),
    [1, 2, 3, 4, 5],
  );
  assert.ok(malformed.every((m) => !('seq' in m)));
  // exact bytes kept and hashed
  assert.deepEqual(records[1]?.bytes, lines[6]);
  assert.equal(
    records[1]?.sha256,
    createHash('sha256')
      .update(lines[6] as Buffer)
      .digest('hex'),
  );
  assert.equal(records[1]?.offset, all.length - (lines[6] as Buffer).length - 1);

  const two = collect();
  two.reader.push('9', 0, all);
  assert.deepEqual(
    two.records.map((r) => r.seq),
    [1, 7],
  );
  assert.equal(two.malformed.length, 5);
});

test('a torn last line waits for its newline; resume point stays at its start', () => {
  const { reader, records } = collect();
  const a = `${rec(1)}\n`;
  reader.push('5', 0, Buffer.from(`${a}${rec(2).slice(0, 10)}`));
  assert.deepEqual(
    records.map((r) => r.seq),
    [1],
  );
  assert.deepEqual(reader.resumePoint, { fileId: '5', offset: a.length });
  reader.push('5', a.length + 10, Buffer.from(`${rec(2).slice(10)}\n`));
  assert.deepEqual(
    records.map((r) => r.seq),
    [1, 2],
  );
  assert.deepEqual(reader.resumePoint, { fileId: '5', offset: a.length + rec(2).length + 1 });
});

test('a line over the limit is delivered truncated with its full hash, and memory stays bounded', () => {
  const max = 1024 * 1024;
  const { reader, records, truncated } = collect(max);
  const big = Buffer.from(`{"seq":5,"result":"${'x'.repeat(6 * 1024 * 1024)}"}`);
  const data = Buffer.concat([Buffer.from(`${rec(4)}\n`), big, Buffer.from(`\n${rec(6)}\n`)]);
  for (let i = 0; i < data.length; i += 32 * 1024) reader.push('7', i, data.subarray(i, i + 32 * 1024));
  assert.deepEqual(
    records.map((r) => r.seq),
    [4, 6],
  );
  assert.equal(truncated.length, 1);
  const t = truncated[0] as TruncatedDiagnostic;
  assert.equal(t.record_seq, 5);
  assert.equal(t.length, big.length);
  assert.equal(t.offset, rec(4).length + 1);
  assert.equal(t.file_id, '7');
  assert.equal(t.marker, '[truncated]');
  assert.equal(Buffer.byteLength(t.head), max);
  assert.equal(t.sha256, createHash('sha256').update(big).digest('hex'));
  assert.ok(!('seq' in t));
});

test('a partial line left at the end of a rotated file is reported, not glued to the next file', () => {
  const { reader, records, malformed } = collect();
  reader.push('1', 0, Buffer.from(`${rec(1)}\n{"seq":2,"to`));
  reader.push('2', 0, Buffer.from(`${rec(3)}\n`));
  assert.deepEqual(
    records.map((r) => r.seq),
    [1, 3],
  );
  assert.equal(malformed[0]?.reason, 'torn-at-rotation');
});
