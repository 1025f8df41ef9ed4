/**
 * The feed's `onPosition` (feed-position.ts): where each stream has been read
 * to, reported only when it moved. The feed calls it only while nothing waits
 * for a scan, so a position is reported once every record before it was
 * delivered.
 */
import type { StreamName } from './diagnostics.js';
import type { FeedPosition, FeedPositions } from './feed-position.js';

export class PositionReport {
  private reported = '';

  constructor(private readonly onPosition: ((positions: FeedPositions) => void) | undefined) {}

  /** Report the streams' positions, unless they are what was reported last (or nobody asked). */
  report(streams: Iterable<{ readonly name: StreamName; position(): FeedPosition | null }>): void {
    const onPosition = this.onPosition;
    if (!onPosition) return;
    const positions: FeedPositions = {};
    for (const s of streams) {
      const p = s.position();
      if (p) positions[s.name] = p;
    }
    const key = JSON.stringify(positions);
    if (key === this.reported) return;
    this.reported = key;
    onPosition(positions);
  }
}
