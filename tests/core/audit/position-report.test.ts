// The feed's position reports (position-report.ts), without a droplet: only when a position moved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PositionReport } from '../../../src-main/core/audit/position-report.js';
import type { StreamName } from '../../../src-main/core/audit/diagnostics.js';
import type { FeedPosition, FeedPositions } from '../../../src-main/core/audit/feed-position.js';

const stream = (name: StreamName, p: FeedPosition | null) => ({ name, position: () => p });
const at = (offset: number, lastSeq: number): FeedPosition => ({ fileId: '1234', offset, anchor: null, lastSeq });

test('a position is reported when it moved, not again while it stays; a stream with none is left out', () => {
  const seen: FeedPositions[] = [];
  const r = new PositionReport((p) => seen.push(p));
  r.report([stream('activity', at(100, 5)), stream('receipts', null)]);
  r.report([stream('activity', at(100, 5)), stream('receipts', null)]);
  r.report([stream('activity', at(180, 6)), stream('receipts', null)]);
  r.report([stream('activity', at(180, 6)), stream('receipts', at(40, 2))]);
  assert.deepEqual(seen, [{ activity: at(100, 5) }, { activity: at(180, 6) }, { activity: at(180, 6), receipts: at(40, 2) }]);
});

test('without onPosition the streams are not even asked', () => {
  const r = new PositionReport(undefined);
  r.report([
    {
      name: 'activity',
      position: () => {
        throw new Error('asked');
      },
    },
  ]);
});
