/**
 * Search without a mirror (`--mirror-cap-mb 0`: the operator keeps no copy of
 * the trail on the desktop): one read of every retained log from the droplet
 * through the audit feed, each record checked with the same text and field
 * rules as the mirror search (search/), the newest `limit` matches kept.
 * Slower than the mirror (the whole trail crosses the network each time),
 * which the CLI says. The witness is still kept: it holds hashes, not records.
 */
import type { Droplet } from '../droplet/droplet.js';
import { AuditFeed } from './audit-feed.js';
import type { StreamName } from './diagnostics.js';
import { recordFilter } from './search/record-filter.js';
import type { SearchHit, SearchQuery } from './search/search-types.js';
import { textMatcher } from './search/text-matcher.js';

export interface DropletSearchResult {
  /** Newest first. */
  hits: Array<Pick<SearchHit, 'seq' | 'line' | 'value'>>;
  /** Records read. */
  records: number;
}

export async function searchDroplet(droplet: Droplet, query: SearchQuery, opts: { stream: StreamName; limit: number; stateDir?: string; signal?: AbortSignal }): Promise<DropletSearchResult> {
  const text = query.text === undefined ? null : textMatcher(query.text);
  const fields = recordFilter(query);
  const found: DropletSearchResult['hits'] = [];
  let records = 0;
  const starts: number[] = [];
  await new AuditFeed(droplet, {
    follow: false,
    fromSeq: 0,
    receipts: opts.stream === 'receipts',
    ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onItem: (i) => {
      if (i.type !== 'record' || i.record.stream !== opts.stream) return;
      records++;
      const r = i.record;
      if (text) {
        if (text.impossible) return;
        starts.length = 0;
        if (text.finder) text.finder.lineStarts(r.bytes, starts);
        if (text.finder && starts.length === 0) return;
        if (text.verify && !text.verify(r.bytes.toString('utf8'))) return;
      }
      if (fields && !fields(r.value)) return;
      // Oldest first from the feed: keep the newest `limit` (the record's bytes outlive the callback: copy them).
      found.push({ seq: r.seq, line: Buffer.from(r.bytes), value: r.value });
      if (found.length > opts.limit) found.shift();
    },
  }).run();
  return { hits: found.reverse(), records };
}
