/**
 * The options and the summary of an audit feed (audit-feed.ts, which
 * re-exports them).
 */
import type { FeedItem } from './diagnostics.js';
import type { FeedPositions } from './feed-position.js';
import type { CommandChecker } from './second-line.js';

export interface FeedOptions {
  /** Keep following after catching up (default: stop once caught up). */
  follow?: boolean;
  /** Deliver records from this seq on (reads every retained file, rotated ones included). */
  fromSeq?: number;
  /** Without fromSeq: start with the last N lines of the current file (default 10; 0 = only new ones). */
  lines?: number;
  /** Start each stream where a saved position says (see feed-position.ts); other streams start as `lines` says. */
  resume?: FeedPositions;
  /** Where each stream has been read to, after the records up to there were delivered (at most every 250 ms). */
  onPosition?(positions: FeedPositions): void;
  /** The follower reached the end of every stream and everything before was delivered (once per follower start). */
  onCaughtUp?(): void;
  /** Merge operator_actions.jsonl in. */
  receipts?: boolean;
  /** Keep the witness in `<stateDir>/audit/...` current. */
  stateDir?: string;
  /**
   * With stateDir: keep the local mirror of the logs there too
   * (docs/audit-mirror.md), within this many bytes per droplet. 0 or absent: no mirror.
   */
  mirrorCapBytes?: number;
  /** The mirror could not place a frame (the feed started past where it ends): once per episode, a sync should run. */
  onMirrorBehind?(): void;
  signal?: AbortSignal;
  onItem(item: FeedItem): void;
  checkCommand?: CommandChecker | null;
  maxLine?: number;
  /** Wait before restarting a follower after a drop (the link's own backoff applies too). */
  retryDelayMs?: number;
  /** Worker threads for backlog frames (default: one per core, at most 4; 0 scans on the main thread). */
  scanWorkers?: number;
  /** Frames from this many bytes on go to the workers (default 256 KiB: only backlog reads are that big). */
  offloadAt?: number;
  /** Close the scan workers after this long without a backlog frame (default 30 s; a new backlog starts them again). */
  scanIdleMs?: number;
}

export interface FeedSummary {
  delivered: number;
  malformed: number;
  gaps: number;
  alerts: number;
  duplicatesSkipped: number;
  restarts: number;
}
