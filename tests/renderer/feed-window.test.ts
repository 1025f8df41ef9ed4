/**
 * The windowed feed's arithmetic (src-renderer/src/views/feed-window.ts):
 * which seqs the mirror part of the list spans beside the store's newest
 * records, and what the "Go to" box reads as a seq or a UTC time, with an
 * error that says what to type for anything else.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadRendererModule } from './renderer-module.js';

type Mod = typeof import('../../src-renderer/src/views/feed-window.js');

const mirror = (startSeq: number | null, endSeq: number | null) => ({ startSeq, endSeq, files: 1, bytes: 1, droppedThroughSeq: null });

describe('windowed feed', () => {
  let m: Mod;
  before(async () => {
    m = await loadRendererModule<Mod>('views/feed-window.ts');
  });

  it('the mirror part ends just below the store’s first record, so none shows twice and none falls between', () => {
    assert.deepEqual(m.historyRange(mirror(1, 1_000_000), 999_001), { start: 1, count: 999_000 });
    // The mirror behind the store (still syncing): the slots between are there, pending until it catches up.
    assert.deepEqual(m.historyRange(mirror(1, 500), 1001), { start: 1, count: 1000 });
    // Nothing in the store yet: the whole mirror.
    assert.deepEqual(m.historyRange(mirror(1, 3002), null), { start: 1, count: 3002 });
    // The cap dropped the oldest files: the list starts where the mirror does.
    assert.deepEqual(m.historyRange(mirror(400_001, 1_000_000), 999_001), { start: 400_001, count: 599_000 });
    // No mirror synced yet: from seq 1 to below the store's first.
    assert.deepEqual(m.historyRange(null, 51), { start: 1, count: 50 });
    assert.deepEqual(m.historyRange(null, null), { start: 1, count: 0 });
    // The droplet's seq started again below the mirror's: no slots rather than a negative count.
    assert.deepEqual(m.historyRange(mirror(100, 3002), 1), { start: 100, count: 0 });
  });

  it('Go to reads a seq, with or without #', () => {
    assert.deepEqual(m.parseGoto('1'), { seq: 1 });
    assert.deepEqual(m.parseGoto('  #1200 '), { seq: 1200 });
    assert.deepEqual(m.parseGoto('# 42'), { seq: 42 });
  });

  it('Go to reads a time as UTC unless it says otherwise', () => {
    assert.deepEqual(m.parseGoto('2026-11-30 14:00'), { time: '2026-11-30T14:00:00.000Z' });
    assert.deepEqual(m.parseGoto('2026-11-30T14:00:05Z'), { time: '2026-11-30T14:00:05.000Z' });
    assert.deepEqual(m.parseGoto('2026-11-30'), { time: '2026-11-30T00:00:00.000Z' });
    assert.deepEqual(m.parseGoto('2026-11-30T14:00:00+02:00'), { time: '2026-11-30T12:00:00.000Z' });
    assert.deepEqual(m.parseGoto('2026-11-30 14:00+0200'), { time: '2026-11-30T12:00:00.000Z' });
    assert.deepEqual(m.parseGoto('2026-11-30T14:00:00.250z'), { time: '2026-11-30T14:00:00.250Z' });
  });

  it('anything else is an error that says what to type', () => {
    for (const bad of ['', '   ', 'yesterday', '12a', '-5', '2026-13-45', '2026-11-30 25:00']) {
      const r = m.parseGoto(bad);
      assert.ok('error' in r, `${JSON.stringify(bad)} is refused`);
      assert.match(r.error, /Type a seq \(such as 1200 or #1200\) or a UTC time/);
    }
    const r = m.parseGoto('yesterday');
    assert.ok('error' in r && r.error.startsWith('“yesterday” is neither a seq nor a time.'));
  });

  it('a seq outside the trail says what the trail holds', () => {
    assert.equal(m.notInTrail(5_000_000, 1, 100_000), 'Seq 5000000 is not in this trail: it holds seq 1 to 100,000.');
    assert.equal(m.notInTrail(3, null, -1), 'Seq 3 is not in this trail: it holds no record yet.');
  });
});
