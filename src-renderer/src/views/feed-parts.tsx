/** The feed's fixed parts around its list: the column head with the count, the empty-list text, and the search's footer. */
import type { ReactNode } from 'react';
import type { AuditRow } from '../state/audit-rows.js';
import { Sparkline } from '../components/sparkline.js';
import { WaitingText } from '../components/waiting-text.js';
import { searchedLine } from './trail-query.js';
import type { TrailSearch } from './trail-search.js';

/** The column head; `children` is the count (announced politely as it changes). */
export function FeedHead({ rows, now, version, children }: { rows: readonly AuditRow[]; now: number; version: number; children: ReactNode }) {
  return (
    <div className="feed-head">
      <span aria-hidden="true">seq</span>
      <span aria-hidden="true">time (UTC)</span>
      <span aria-hidden="true">tool</span>
      <span aria-hidden="true">outcome</span>
      <span aria-hidden="true">channel · trust</span>
      <span aria-hidden="true" className="num">
        ms
      </span>
      <span className="row">
        <span aria-hidden="true">args → result</span>
        <span className="spacer" />
        <span className="feed-meta" aria-live="polite" data-testid="feed-count">
          {children}
        </span>
        <Sparkline rows={rows} now={now} version={version} />
      </span>
    </div>
  );
}

/** What an empty list says: searching, nothing matched, nothing recorded yet, or still connecting. */
export function EmptyFeed({ name, trail, loaded, following }: { name: string; trail: TrailSearch; loaded: boolean; following: boolean }) {
  return (
    <p className="empty">
      {trail.mode === 'search' ? (
        trail.searching ? (
          'Searching the whole trail…'
        ) : (
          'No record in the whole trail matches these filters.'
        )
      ) : !loaded ? (
        following ? (
          'No tool calls recorded yet. New ones appear here as the agent makes them.'
        ) : (
          <WaitingText name={name} text="Connecting to the feed…" />
        )
      ) : (
        'No record matches these filters.'
      )}
    </p>
  );
}

/** While a search or filter is on: how much of the trail was searched (or why only the loaded rows were), and Load older matches. */
export function TrailBar({ trail }: { trail: TrailSearch }) {
  if (trail.mode === 'off') return null;
  return (
    <div className="trail-bar">
      <span data-testid="trail-note">{trail.mode === 'local' ? trail.why : trail.searching ? 'Searching the whole trail…' : searchedLine(trail.mirror, trail.scannedBytes)}</span>
      {trail.mode === 'search' && trail.more && (
        <button type="button" className="link" onClick={trail.loadOlder} disabled={trail.searching}>
          Load older matches
        </button>
      )}
    </div>
  );
}
