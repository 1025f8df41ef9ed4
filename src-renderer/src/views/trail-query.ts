/**
 * The whole-trail search's pure parts (trail-search.ts holds the React side):
 * the core query a feed filter stands for, and the sentence that says how
 * much of the trail was searched, and the live records to show above the
 * mirror's matches.
 */
import type { ArgsOf, ResultOf } from '../../../src-main/ipc/api.js';
import type { AuditRow } from '../state/audit-rows.js';
import { applyFilter, type FeedFilter } from './audit-filters.js';

export type Query = ArgsOf<'auditSearch'>['query'];
type Mirror = NonNullable<ResultOf<'auditSearch'>['mirror']>;

/** The core query for a filter, or null when nothing but the markers switch is set (that stays a local filter). */
export function trailQuery(f: FeedFilter, now: number): Query | null {
  const q: Query = {};
  const text = f.text.trim();
  if (text) q.text = text.slice(0, 1000);
  if (f.tool) q.tools = [f.tool];
  if (f.outcome !== 'all') q.outcomes = [f.outcome];
  if (f.channel) q.channels = [f.channel];
  if (f.trust) q.trust = [f.trust];
  if (f.since > 0) q.since = new Date(now - f.since * 60_000).toISOString();
  return Object.keys(q).length ? q : null;
}

/** What the feed says about how much was searched. */
export function searchedLine(m: Mirror | null, scannedBytes: number): string {
  if (!m || m.startSeq === null || m.endSeq === null) return 'This desktop holds no record of this droplet yet.';
  const read = scannedBytes >= 1e6 ? `${(scannedBytes / 1e6).toFixed(1)} MB` : `${Math.ceil(scannedBytes / 1e3)} kB`;
  const whole = m.startSeq <= 1 ? 'Searched the whole trail on this desktop' : "Searched this desktop's copy of the trail, which holds nothing older";
  return `${whole}: seq ${m.startSeq.toLocaleString()}–${m.endSeq.toLocaleString()} (${read} read).`;
}

/**
 * Records that reached the feed live after the mirror answered (seq above
 * what it held) and pass the same filters here, newest first: they go on top
 * of the matches, so a search open on screen still shows new calls as they
 * happen. Operator receipts are not in the activity mirror and stay out.
 */
export function newerMatches(rows: readonly AuditRow[], f: FeedFilter, now: number, endSeq: number | null): AuditRow[] {
  const idx = applyFilter(rows, { ...f, markers: false }, now) ?? [];
  const out: AuditRow[] = [];
  for (let i = idx.length - 1; i >= 0; i--) {
    const r = rows[idx[i]!]!;
    if (r.kind === 'record' && r.stream === 'activity' && r.seq !== null && r.seq > (endSeq ?? 0)) out.push(r);
  }
  return out.sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
}
