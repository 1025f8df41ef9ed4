/**
 * Bringing the local mirror up to date (docs/audit-mirror.md): one run of the
 * audit feed, from where each stream's mirror ends (its resume point) or, for
 * an empty mirror, from the start of every retained file. The feed writes
 * the mirror and the witness as it reads; the records themselves are not
 * wanted here, only counted. Seq anomalies found on the way (gaps, rewrites,
 * rollbacks) are counted too: `audit verify` is where they are examined.
 */
import type { Droplet } from '../droplet/droplet.js';
import { AuditFeed } from './audit-feed.js';
import type { StreamName } from './diagnostics.js';
import type { FeedPositions } from './feed-position.js';
import { MirrorStore } from './mirror/mirror-store.js';

export interface SyncOptions {
  capBytes: number;
  /** Also the operator receipts (operator_actions.jsonl). */
  receipts?: boolean;
  signal?: AbortSignal;
}

export interface SyncResult {
  /** Records read that the mirror did not have (delivered by the feed). */
  records: number;
  /** Bytes the mirror grew by. */
  bytes: number;
  gaps: number;
  alerts: number;
  malformed: number;
}

/** Where each stream's mirror ends; streams with an empty mirror are left out (the feed reads them whole). */
function resumePoints(droplet: Droplet, stateDir: string, streams: StreamName[], capBytes: number): { positions: FeedPositions; bytes: number } {
  const positions: FeedPositions = {};
  let bytes = 0;
  for (const s of streams) {
    const store = MirrorStore.open(stateDir, droplet.identity, s, { capBytes });
    if (!store) continue;
    try {
      const p = store.resumePoint();
      if (p) positions[s] = p;
      bytes += store.info().bytes;
    } finally {
      store.close();
    }
  }
  return { positions, bytes };
}

export async function syncMirror(droplet: Droplet, stateDir: string, opts: SyncOptions): Promise<SyncResult> {
  const streams: StreamName[] = opts.receipts ? ['activity', 'receipts'] : ['activity'];
  const before = resumePoints(droplet, stateDir, streams, opts.capBytes);
  const anyPoint = Object.keys(before.positions).length > 0;
  const summary = await new AuditFeed(droplet, {
    follow: false,
    // With a position for some stream, the others (empty mirrors) are read whole; with none, everything is.
    ...(anyPoint ? { resume: before.positions } : { fromSeq: 0 }),
    receipts: opts.receipts ?? false,
    stateDir,
    mirrorCapBytes: opts.capBytes,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onItem: () => undefined,
  }).run();
  const after = resumePoints(droplet, stateDir, streams, opts.capBytes);
  return { records: summary.delivered, bytes: Math.max(0, after.bytes - before.bytes), gaps: summary.gaps, alerts: summary.alerts, malformed: summary.malformed };
}
