import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CHUNK_BYTES, searchFiles } from '../../../src-main/core/audit/search/search-files.js';
import type { SearchSource } from '../../../src-main/core/audit/search/search-types.js';
import { bytesReadByProcess, tempDir } from './search-helpers.js';

// 900,001 records in two mirror files (~150 MB): seq 1 is the one to find,
// 900,000 records back; every 5,000th record holds "every5k" (for the cancel
// tests). Generated fast: every line but the first has the same length, so a
// block of lines is made once and only its seq digits are rewritten per
// block (JSON allows spaces before a number: `"seq":  12345`).
const N = 900_001;
const PER_FILE = 450_001;
const BLOCK = 10_000;
let dir = '';
let source: SearchSource = { files: [] };
let total = 0;

const FIRST = `{"seq":1,"ts":"2026-11-28T01:00:00.000Z","channel":"loop","trust":"owner","tool":"rare_tool","args":{"note":"The Needle-Zq-0001"},"ok":false,"blocked":null}\n`;
const TEMPLATE = `{"seq":_______,"ts":"2026-11-28T01:00:00.000Z","channel":"discord","trust":"owner","tool":"read_file","args":{"path":"/home/jarvis/notes/_______.md"},"tag":"_______","ok":true,"blocked":null}\n`;
const SEQ_AT = [...TEMPLATE.matchAll(/_______/g)].map((m) => m.index);

/** Write seq right-aligned in 7 bytes at `at` (spaces before it), and the tag at its place. */
function patch(buf: Buffer, base: number, seq: number): void {
  let v = seq;
  for (let i = 6; i >= 0; i--) {
    const d = v > 0 || i === 6 ? 0x30 + (v % 10) : 0x20;
    buf[base + SEQ_AT[0]! + i] = d;
    buf[base + SEQ_AT[1]! + i] = d === 0x20 ? 0x30 : d;
    v = Math.floor(v / 10);
  }
  buf.write(seq % 5000 === 0 ? 'every5k' : 'regular', base + SEQ_AT[2]!, 'latin1');
}

before(() => {
  dir = tempDir('scale');
  const block = Buffer.from(TEMPLATE.repeat(BLOCK), 'latin1');
  const files: SearchSource['files'] = [];
  for (let f = 0; f * PER_FILE < N; f++) {
    const path = join(dir, `f-00000${f + 1}.jsonl`);
    const fd = openSync(path, 'w', 0o600);
    let bytes = f === 0 ? writeSync(fd, FIRST) : 0;
    const last = Math.min(N, (f + 1) * PER_FILE);
    for (let seq = f === 0 ? 2 : f * PER_FILE + 1; seq <= last; seq += BLOCK) {
      const count = Math.min(BLOCK, last - seq + 1);
      for (let i = 0; i < count; i++) patch(block, i * TEMPLATE.length, seq + i);
      bytes += writeSync(fd, block, 0, count * TEMPLATE.length);
    }
    closeSync(fd);
    files.push({ n: f + 1, path, bytes });
    total += bytes;
  }
  source = { files };
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('a record 900,000 records back is found, by text and by fields', async () => {
  const byText = await searchFiles(source, { text: 'needle-ZQ' });
  assert.deepEqual(
    byText.hits.map((h) => [h.seq, h.pos.n, h.pos.offset]),
    [[1, 1, 0]],
  );
  assert.equal(byText.next, null);
  // Once, plus the line cut at each chunk's start, read again with the next chunk.
  assert.ok(byText.scannedBytes >= total && byText.scannedBytes < total + (total / CHUNK_BYTES + 2) * 300, `read ${byText.scannedBytes} of ${total}`);
  const byFields = await searchFiles(source, { tools: ['rare_tool'], outcomes: ['failed'] });
  assert.deepEqual(
    byFields.hits.map((h) => h.seq),
    [1],
  );
});

test('a search cancelled from onHit stops reading at once, and its next resumes where it stopped', async () => {
  const ac = new AbortController();
  const before = bytesReadByProcess();
  const page = await searchFiles(source, { text: 'EVERY5K' }, { limit: 1000, signal: ac.signal, onHit: () => ac.abort() });
  const read = bytesReadByProcess() - before;
  assert.deepEqual(
    page.hits.map((h) => h.seq),
    [900_000],
  );
  assert.deepEqual(page.next, page.hits[0]!.pos);
  // The chunk in hand and the one read ahead, at most: not the 120 MB.
  assert.ok(read <= 2 * CHUNK_BYTES + 65_536, `read ${read} of ${total} bytes`);
  assert.ok(page.scannedBytes <= 2 * CHUNK_BYTES, `scanned ${page.scannedBytes}`);
  const rest = await searchFiles(source, { text: 'EVERY5K' }, { limit: 1000, from: page.next! });
  assert.deepEqual(
    rest.hits.map((h) => h.seq),
    Array.from({ length: 179 }, (_, i) => 895_000 - i * 5000),
  );
});

test('a search cancelled between chunks stops reading, with next at the first line it did not scan', async () => {
  const ac = new AbortController();
  const before = bytesReadByProcess();
  // Aborted as soon as the first read is under way: the scan sees it after that chunk.
  setImmediate(() => ac.abort());
  const page = await searchFiles(source, { text: 'absent-from-the-trail' }, { signal: ac.signal });
  const read = bytesReadByProcess() - before;
  assert.equal(page.hits.length, 0);
  assert.ok(page.next, 'a cancelled page says where to resume');
  assert.ok(read <= 3 * CHUNK_BYTES + 65_536, `read ${read} of ${total} bytes`);
  assert.ok(page.next.n === 2 && page.next.offset > source.files[1]!.bytes - 3 * CHUNK_BYTES, JSON.stringify(page.next));
  // Resuming from there finds what lies below.
  const rest = await searchFiles(source, { text: 'every5k' }, { limit: 1, from: page.next });
  assert.ok(rest.hits[0]!.seq! < 900_000 && rest.hits[0]!.seq! % 5000 === 0);
});
