/** One row of the audit feed (a record or a marker) and the toolbar's pick-one filter: shared by the live feed and its whole-trail search. */
import type { AuditRow } from '../state/audit-rows.js';

/** `index` of `of`: the row's place in the whole list, told to assistive tech (aria-posinset/setsize), since only a window of rows is drawn. */
export function FeedRow({
  row,
  index,
  of,
  top,
  active,
  tabStop,
  onFocus,
  onOpen,
}: {
  row: AuditRow;
  index: number;
  of: number;
  top: number;
  active: boolean;
  tabStop: boolean;
  onFocus(): void;
  onOpen(): void;
}) {
  const marker = row.kind !== 'record';
  // A mirror slot not read yet (trail-window.ts) is a plain row with its seq: it fills in place when its page arrives.
  const pending = row.kind === 'pending';
  const cls = `feed-row ${pending ? 'pending' : marker ? `marker marker-${row.kind}${row.severity ? ` sev-${row.severity}` : ''}` : `o-${row.outcome}`}${active ? ' active' : ''}`;
  return (
    <div
      role="listitem"
      className={cls}
      style={{ transform: `translateY(${top}px)` }}
      data-row-id={row.id}
      data-index={index}
      aria-posinset={index + 1}
      aria-setsize={of}
      data-seq={row.seq ?? undefined}
      data-stream={row.stream ?? undefined}
      data-kind={row.kind}
    >
      <button
        type="button"
        className="row-button"
        onClick={onOpen}
        onFocus={onFocus}
        tabIndex={tabStop ? 0 : -1}
        data-focus-home={tabStop ? '' : undefined}
        title={pending ? 'Reading this record from this desktop’s copy…' : 'Open details (Enter)'}
        aria-haspopup="dialog"
      >
        <span className="num" title={row.stream === 'receipts' ? 'operator receipt (its own seq)' : undefined}>
          {row.stream === 'receipts' ? `op ${row.seq ?? '—'}` : (row.seq ?? '—')}
        </span>
        <span title={row.ts}>{shortTime(row.ts)}</span>
        <span className="tool">{row.tool}</span>
        <span>
          {pending ? (
            ''
          ) : marker ? (
            <span className={`badge b-${row.kind}${row.severity === 'info' ? ' b-sev-info' : ''}`}>{row.kind === 'not-held' ? 'not held' : row.kind}</span>
          ) : (
            <Outcome row={row} />
          )}
        </span>
        <span className="muted">{row.channel ? `${row.channel} · ${row.trust}` : ''}</span>
        <span className="num muted">{row.elapsed ?? ''}</span>
        <span className="summary">{row.summary}</span>
      </button>
    </div>
  );
}

/**
 * Today's records (UTC) show the time to the millisecond; older ones show
 * their date and the minute (as narrow, so the column keeps its width), so a
 * jump into a long trail says which day it landed on. The full time is the
 * cell's title.
 */
function shortTime(ts: string): string {
  if (!ts) return '';
  return ts.slice(0, 10) === new Date().toISOString().slice(0, 10) ? ts.slice(11, 23) : `${ts.slice(5, 10)} ${ts.slice(11, 16)}`;
}

function Outcome({ row }: { row: AuditRow }) {
  if (row.outcome === 'blocked') return <span className="badge b-blocked">blocked: {row.blocked}</span>;
  if (row.outcome === 'failed') return <span className="badge b-failed">failed</span>;
  return <span className="badge b-ok">ok</span>;
}

export function Select({ label, value, onChange, options }: { label: string; value: string; onChange(v: string): void; options: string[] }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Any {label.toLowerCase()}</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}
