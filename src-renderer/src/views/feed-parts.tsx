/** The feed's fixed parts around its list: the column head with the count, the empty-list text, and the search's footer. */
import type { ReactNode } from 'react';
import type { AuditRow } from '../state/audit-rows.js';
import { Sparkline } from '../components/sparkline.js';
import { WaitingText } from '../components/waiting-text.js';
import { useAppState } from '../state/hooks.js';
import { notConnectedText } from '../state/link-down.js';
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

/** What an empty list says: searching, nothing matched, nothing recorded yet, nothing kept here yet, or still connecting. */
export function EmptyFeed({ name, trail, filtered, following, windowed }: { name: string; trail: TrailSearch; filtered: boolean; following: boolean; windowed: boolean }) {
  const text =
    trail.mode === 'search' ? (
      trail.searching ? (
        'Searching the whole trail…'
      ) : (
        'No record in the whole trail matches these filters.'
      )
    ) : filtered ? (
      'No record matches these filters.'
    ) : following ? (
      'No tool calls recorded yet. New ones appear here as the agent makes them.'
    ) : windowed ? (
      'This desktop holds no copy of this trail yet: it is read once the droplet connects.'
    ) : (
      <WaitingText name={name} text="Connecting to the feed…" />
    );
  return <p className="empty">{text}</p>;
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

/**
 * While the droplet's link is down, what the feed shows is what this desktop
 * already has (its mirror, or what was loaded): say so, with the reason, so
 * a quiet feed is never taken for a quiet agent. Nothing while connected.
 */
export function LinkDownNote({ name, copy }: { name: string; copy: boolean }) {
  const s = useAppState();
  const text = notConnectedText(name, s.droplets[name], s.connectErrors[name]?.text ?? null);
  if (!text) return null;
  return (
    <p className="feed-note" role="status">
      {text} {copy ? 'Shown: this desktop’s copy of the trail. New records appear once the link is back.' : 'New records appear once the link is back.'}
    </p>
  );
}
