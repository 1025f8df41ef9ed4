import type { AuditRow } from '../state/audit-rows.js';

/** Tool calls per minute over the last hour, from the records' own timestamps. */
export function Sparkline({ rows, now, version }: { rows: readonly AuditRow[]; now: number; version: number }) {
  const buckets = new Array<number>(60).fill(0);
  const start = now - 60 * 60_000;
  // Newest rows are at the end: walk back until the hour is behind us.
  for (let i = rows.length - 1, seen = 0; i >= 0 && seen < 200_000; i--, seen++) {
    const r = rows[i]!;
    if (r.kind !== 'record' || r.stream !== 'activity') continue;
    if (r.tsMs < start) {
      if (r.tsMs > 0) break;
      continue;
    }
    const b = Math.min(59, Math.floor((r.tsMs - start) / 60_000));
    buckets[b] = (buckets[b] ?? 0) + 1;
  }
  const max = Math.max(1, ...buckets);
  const total = buckets.reduce((a, b) => a + b, 0);
  const pts = buckets.map((c, i) => `${(i / 59) * 120},${22 - (c / max) * 20}`).join(' ');
  return (
    <figure className="sparkline" aria-label={`Tool calls per minute, last hour: ${total} in total, peak ${max === 1 && total === 0 ? 0 : max} a minute`} data-version={version}>
      <svg width="120" height="24" viewBox="0 0 120 24" role="img" aria-hidden="true">
        <polyline points={pts} fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      <figcaption className="small muted">{total.toLocaleString()} calls/h</figcaption>
    </figure>
  );
}
