import type { AuditRow } from '../state/audit-rows.js';

export interface FeedFilter {
  tool: string;
  outcome: 'all' | 'ok' | 'failed' | 'blocked';
  channel: string;
  trust: string;
  /** Minutes back from now; 0 = all time. */
  since: number;
  text: string;
  /** Show gap, malformed, alert, truncated and connection markers. */
  markers: boolean;
}

export const NO_FILTER: FeedFilter = { tool: '', outcome: 'all', channel: '', trust: '', since: 0, text: '', markers: true };

export function isFiltered(f: FeedFilter): boolean {
  return f.tool !== '' || f.outcome !== 'all' || f.channel !== '' || f.trust !== '' || f.since !== 0 || f.text !== '' || !f.markers;
}

/** Indices of the rows that pass; the unfiltered case allocates nothing per row. */
export function applyFilter(rows: readonly AuditRow[], f: FeedFilter, now: number): number[] | null {
  if (!isFiltered(f)) return null;
  const needle = f.text.trim().toLowerCase();
  const after = f.since > 0 ? now - f.since * 60_000 : 0;
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.kind !== 'record' && r.kind !== 'truncated') {
      if (f.markers && !needle) out.push(i);
      continue;
    }
    if (f.tool && r.tool !== f.tool) continue;
    if (f.outcome !== 'all' && r.outcome !== f.outcome) continue;
    if (f.channel && r.channel !== f.channel) continue;
    if (f.trust && r.trust !== f.trust) continue;
    if (after && r.tsMs < after) continue;
    if (needle && !r.text.slice(0, 65536).toLowerCase().includes(needle)) continue;
    out.push(i);
  }
  return out;
}

export function distinct(rows: readonly AuditRow[], key: 'tool' | 'channel' | 'trust'): string[] {
  const s = new Set<string>();
  for (const r of rows) if (r.kind === 'record' && r[key]) s.add(r[key]);
  return [...s].sort().slice(0, 200);
}
