/**
 * One page of a full-history search over a droplet's local audit mirror
 * (docs/audit-mirror.md, "Search"): the part the CLI (`stratam audit search`)
 * and the console's `auditSearch` channel share. It opens the mirror by the
 * droplet's identity, turns the query's time bounds into positions through
 * the index (so a `since` does not scan below it and an `until` starts where
 * it should), and runs one page of searchFiles from the cursor. The caller
 * decides whether to sync first; this reads only the desktop's copy.
 */
import type { DropletIdentity } from '../droplet/droplet.js';
import type { StreamName } from './diagnostics.js';
import type { MirrorInfo, MirrorPos } from './mirror/mirror-types.js';
import type { SearchHit, SearchPage, SearchQuery } from './search/search-types.js';

export interface MirrorSearchOptions {
  stream?: StreamName;
  /** A previous page's `next`: the page starts just below it. Without one, at `until` (or the newest line). */
  cursor?: MirrorPos;
  limit: number;
  signal?: AbortSignal;
  onHit?(hit: SearchHit): void;
}

export interface MirrorSearchResult {
  /** What the mirror held when the page was read (the files and the inode each copies). */
  info: MirrorInfo;
  page: SearchPage;
}

/** null when this droplet has no mirror of the stream yet (none synced, or the mirror is off). */
export async function searchMirror(stateDir: string, identity: DropletIdentity, query: SearchQuery, opts: MirrorSearchOptions): Promise<MirrorSearchResult | null> {
  const { MirrorReader } = await import('./mirror/mirror-reader.js');
  const { searchFiles } = await import('./search/search-files.js');
  const reader = MirrorReader.open(stateDir, identity, opts.stream ?? 'activity');
  if (!reader) return null;
  try {
    const info = reader.info();
    // A cursor is always below the `until` bound it was found under, so it wins.
    const from = opts.cursor ?? (query.until !== undefined ? (reader.seekTime(query.until + 1) ?? undefined) : undefined);
    // A `since` past the newest line: nothing to scan.
    const lowest = query.since !== undefined ? (reader.seekTime(query.since) ?? reader.end()) : undefined;
    const page = await searchFiles(info, query, {
      limit: opts.limit,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(from ? { from } : {}),
      ...(lowest ? { lowest } : {}),
      ...(opts.onHit ? { onHit: opts.onHit } : {}),
    });
    return { info, page };
  } finally {
    reader.close();
  }
}
