/**
 * Full-history search over the audit mirror (docs/audit-mirror.md, "Search").
 */
import type { MirrorPos } from '../mirror/mirror-types.js';

export type Outcome = 'ok' | 'failed' | 'blocked';

export interface SearchQuery {
  /** Case-insensitive substring of the line as written (its JSON text). */
  text?: string;
  tools?: string[];
  outcomes?: Outcome[];
  channels?: string[];
  trust?: string[];
  /** ms since epoch, inclusive. */
  since?: number;
  until?: number;
}

/** What a search scans: mirror files oldest first (a search goes newest first). */
export interface SearchSource {
  files: Array<{ n: number; path: string; bytes: number }>;
}

export interface SearchHit {
  pos: MirrorPos;
  seq: number | null;
  /** The line's exact bytes, without its newline. */
  line: Buffer;
  value: Record<string, unknown>;
}

export interface SearchOptions {
  /** Scan backward from here (exclusive): a previous page's `next`. Default: the end of the newest file. */
  from?: MirrorPos;
  /** Do not scan below this position (a `since` bound found through the index). */
  lowest?: MirrorPos;
  /** Hits per page (default 50). */
  limit?: number;
  signal?: AbortSignal;
  /** Each hit as it is found (newest first), before the page is returned. */
  onHit?(hit: SearchHit): void;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Where the next page starts, or null when the whole range was scanned. */
  next: MirrorPos | null;
  scannedBytes: number;
}
