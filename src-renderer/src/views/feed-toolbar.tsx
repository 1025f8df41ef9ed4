/**
 * The feed's toolbar: search and filters (answered over the whole trail,
 * trail-search.ts), "Go to" a seq or a time, and "Newest" back to the live
 * end. Kept apart from audit-feed.tsx, which holds the list.
 */
import { useState, type ReactNode } from 'react';
import { isFiltered, NO_FILTER, type FeedFilter } from './audit-filters.js';
import { Select } from './feed-row.js';

export interface FeedToolbarProps {
  filter: FeedFilter;
  setFilter(f: FeedFilter): void;
  options: { tool: string[]; channel: string[]; trust: string[] };
  /** Jump to what the person typed; resolves to an error to show, or null when the list moved. */
  onGoto(text: string): Promise<string | null>;
  onNewest(): void;
  /** A line of its own under the controls (the link-down note), or null. */
  note: ReactNode;
}

export function FeedToolbar({ filter, setFilter, options, onGoto, onNewest, note }: FeedToolbarProps) {
  const set = (patch: Partial<FeedFilter>) => setFilter({ ...filter, ...patch });
  const [goto, setGoto] = useState('');
  const [gotoError, setGotoError] = useState<string | null>(null);
  const [going, setGoing] = useState(false);
  const submit = () => {
    setGoing(true);
    onGoto(goto).then(
      (error) => {
        setGoing(false);
        setGotoError(error);
      },
      (err: unknown) => {
        setGoing(false);
        setGotoError(err instanceof Error ? err.message : String(err));
      },
    );
  };
  return (
    <div className="toolbar" role="search">
      <input id="feed-search" type="search" placeholder="Search args, results… ( / )" aria-label="Search the audit feed" value={filter.text} onChange={(e) => set({ text: e.target.value })} />
      <Select label="Tool" value={filter.tool} onChange={(v) => set({ tool: v })} options={options.tool} />
      <select aria-label="Outcome" value={filter.outcome} onChange={(e) => set({ outcome: e.target.value as FeedFilter['outcome'] })}>
        <option value="all">Any outcome</option>
        <option value="ok">OK</option>
        <option value="failed">Failed</option>
        <option value="blocked">Blocked</option>
      </select>
      <Select label="Channel" value={filter.channel} onChange={(v) => set({ channel: v })} options={options.channel} />
      <Select label="Trust" value={filter.trust} onChange={(v) => set({ trust: v })} options={options.trust} />
      <select aria-label="Time range" value={filter.since} onChange={(e) => set({ since: Number(e.target.value) })}>
        <option value={0}>All time</option>
        <option value={15}>Last 15 min</option>
        <option value={60}>Last hour</option>
        <option value={1440}>Last 24 h</option>
      </select>
      <label className="check">
        <input type="checkbox" checked={filter.markers} onChange={(e) => set({ markers: e.target.checked })} /> Markers
      </label>
      {isFiltered(filter) && (
        <button type="button" className="link" onClick={() => setFilter(NO_FILTER)}>
          Clear filters
        </button>
      )}
      <form
        className="goto"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <input
          type="text"
          className="goto-input"
          placeholder="Go to seq or time"
          aria-label="Go to seq or time"
          aria-invalid={gotoError ? true : undefined}
          aria-describedby={gotoError ? 'goto-error' : undefined}
          value={goto}
          aria-busy={going || undefined}
          onChange={(e) => {
            setGoto(e.target.value);
            setGotoError(null);
          }}
        />
        <button type="button" onClick={onNewest} title="Back to the newest record, following live (End)">
          Newest
        </button>
      </form>
      {note}
      {gotoError && (
        <p className="goto-error" id="goto-error" role="alert" data-testid="goto-error">
          {gotoError}
        </p>
      )}
    </div>
  );
}
