/**
 * The feed's whole-trail search (src-renderer/src/views/trail-query.ts): which
 * filters go to the core as a query (every one but the markers switch), and
 * the sentence that says how much of the trail was searched.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadRendererModule } from './renderer-module.js';

type Mod = typeof import('../../src-renderer/src/views/trail-query.js');
type Filters = typeof import('../../src-renderer/src/views/audit-filters.js');
type Rows = typeof import('../../src-renderer/src/state/audit-rows.js');

describe('whole-trail search query', () => {
  let m: Mod;
  let f: Filters;
  let rows: Rows;
  before(async () => {
    rows = await loadRendererModule<Rows>('state/audit-rows.ts');
    m = await loadRendererModule<Mod>('views/trail-query.ts');
    f = await loadRendererModule<Filters>('views/audit-filters.ts');
  });

  it('no filter, or only the markers switch, stays the live feed', () => {
    assert.equal(m.trailQuery(f.NO_FILTER, 0), null);
    assert.equal(m.trailQuery({ ...f.NO_FILTER, markers: false, text: '   ' }, 0), null);
  });

  it('every other filter becomes the core query', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const q = m.trailQuery({ tool: 'shell', outcome: 'failed', channel: 'discord', trust: 'owner', since: 60, text: '  rm -rf ', markers: false }, now);
    assert.deepEqual(q, { text: 'rm -rf', tools: ['shell'], outcomes: ['failed'], channels: ['discord'], trust: ['owner'], since: '2026-12-01T11:00:00.000Z' });
    assert.deepEqual(m.trailQuery({ ...f.NO_FILTER, outcome: 'blocked' }, now), { outcomes: ['blocked'] });
  });

  it('says how much of the trail was searched', () => {
    assert.match(m.searchedLine({ startSeq: 1, endSeq: 3002, files: 2, bytes: 1 }, 690_461), /^Searched the whole trail on this desktop: seq 1–3,002 \(691 kB read\)\.$/);
    assert.match(
      m.searchedLine({ startSeq: 500, endSeq: 900, files: 1, bytes: 1 }, 2_500_000),
      /^Searched this desktop's copy of the trail, which holds nothing older: seq 500–900 \(2\.5 MB read\)\.$/,
    );
    assert.match(m.searchedLine({ startSeq: null, endSeq: null, files: 0, bytes: 0 }, 0), /no record/);
  });

  it('puts live records newer than the mirror, that pass the filters, on top, newest first', () => {
    const rec = (seq: number, tool: string, stream: 'activity' | 'receipts' = 'activity') =>
      rows.toRow({ type: 'record', record: { stream, seq, value: { seq, tool, ok: true }, text: JSON.stringify({ seq, tool }), sha256: '', fileId: '', offset: 0 } });
    const loaded = [rec(9, 'shell'), rec(10, 'shell'), rec(11, 'read_file'), rec(12, 'shell'), rec(13, 'shell', 'receipts'), rec(14, 'shell')];
    const shell = { ...f.NO_FILTER, tool: 'shell' };
    assert.deepEqual(
      m.newerMatches(loaded, shell, 0, 10).map((r) => r.seq),
      [14, 12],
    );
    assert.deepEqual(m.newerMatches(loaded, shell, 0, 14), []);
  });
});
