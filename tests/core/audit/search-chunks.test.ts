import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CHUNK_BYTES, MAX_LINE_BYTES, searchFiles } from '../../../src-main/core/audit/search/search-files.js';
import { record } from './audit-helpers.js';
import { allPages, tempDir, writeSource } from './search-helpers.js';

/** A record line (no newline) of exactly `bytes` bytes, padded in a field. */
function sized(seq: number, bytes: number, extra: Record<string, unknown> = {}): string {
  const base = record(seq, extra);
  const out = `${base.slice(0, -1)},"pad":"${'p'.repeat(bytes - base.length - 9)}"}`;
  assert.equal(out.length, bytes);
  return out;
}

test('lines across chunk boundaries are read once and whole; lines over 1 MiB are skipped, not held; lines at the limit are kept', async () => {
  const dir = tempDir('chunks');
  try {
    // Older file: ~10 MB of records of uneven length, with an overlong line
    // inside a chunk (1 MiB + 1), one longer than a chunk, and one exactly
    // at the limit. Seqs 1..n, with the long ones holding the word "needle".
    const lines: string[] = [];
    let seq = 0;
    let bytes = 0;
    const push = (l: string) => {
      lines.push(l);
      bytes += l.length + 1;
    };
    while (bytes < 12_000_000) {
      seq++;
      if (seq === 500) push(sized(seq, MAX_LINE_BYTES + 1, { result: 'needle over the limit' }));
      else if (seq === 1500) push(sized(seq, CHUNK_BYTES + 100_000, { result: 'needle longer than a chunk' }));
      else if (seq === 2500) push(sized(seq, MAX_LINE_BYTES, { result: 'needle at the limit' }));
      else push(sized(seq, 400 + ((seq * 7919) % 2000)));
    }
    const older = lines.map((l) => `${l}\n`).join('');
    // Newest file: a needle whose bytes straddle the first backward read's
    // start (CHUNK_BYTES before the end), so it is split across two reads.
    const special = record(seq + 1, { result: 'the needle-across-reads is here' });
    const p = special.indexOf('needle-across-reads');
    const suffixBytes = CHUNK_BYTES + p + 3 - (special.length + 1);
    const suffix: string[] = [];
    let left = suffixBytes;
    let s = seq + 2;
    while (left > 2000) {
      const l = sized(s++, 400);
      suffix.push(l);
      left -= l.length + 1;
    }
    suffix.push(sized(s, left - 1));
    const newer = `${special}\n${suffix.map((l) => `${l}\n`).join('')}`;
    const source = writeSource(dir, [older, newer]);
    const newEnd = Buffer.byteLength(newer);
    assert.ok(newEnd - CHUNK_BYTES > 0 && newEnd - CHUNK_BYTES - 3 === p, 'the needle starts 3 bytes before the first read');

    // Every line, once, whole, newest first, at its offset.
    const { hits } = await allPages(source, {}, { limit: 5000 });
    const skipped = new Set([500, 1500]);
    const want = [...Array.from({ length: s - seq }, (_, i) => s - i), ...Array.from({ length: seq }, (_, i) => seq - i).filter((x) => !skipped.has(x))];
    assert.deepEqual(
      hits.map((h) => h.seq),
      want,
    );
    const offsets: number[] = []; // by seq - 1
    let off = 0;
    for (const l of lines) {
      offsets.push(off);
      off += l.length + 1;
    }
    for (const h of hits.filter((x) => x.pos.n === 1)) {
      assert.equal(h.pos.offset, offsets[h.seq! - 1], `offset of seq ${h.seq}`);
      assert.equal(h.line.toString(), lines[h.seq! - 1], `bytes of seq ${h.seq}`);
    }
    assert.ok(!offsets.includes(Buffer.byteLength(older) - CHUNK_BYTES), 'the first read of the older file starts mid-line: a line spans two reads');

    const text = await searchFiles(source, { text: 'NEEDLE' }, { limit: 10 });
    assert.deepEqual(
      text.hits.map((h) => h.seq),
      [seq + 1, 2500],
    );
    assert.equal(text.hits[1]!.line.length, MAX_LINE_BYTES);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an overlong unterminated tail and an overlong first line leave the rest searchable', async () => {
  const dir = tempDir('overlong');
  try {
    const head = sized(1, CHUNK_BYTES * 2 + 5, { result: 'needle' });
    const source = writeSource(dir, [`${head}\n${record(2, { result: 'needle' })}\n${'x'.repeat(CHUNK_BYTES + 7)}`]);
    const page = await searchFiles(source, { text: 'needle' });
    assert.deepEqual(
      page.hits.map((h) => h.seq),
      [2],
    );
    assert.equal(page.next, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
