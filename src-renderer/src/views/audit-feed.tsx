/**
 * The live audit feed: every tool call the agent made, virtualized so 100,000
 * records scroll smoothly. It follows the newest record only while the person
 * is at the bottom; scrolled up, new records are counted on a marker instead
 * of yanking the view away.
 *
 * By keyboard the list is one Tab stop (a roving tabindex over the rows'
 * buttons): Up/Down, Home/End and PageUp/PageDown move between rows, Enter
 * opens the drawer. The row under the cursor is always rendered, even when
 * scrolled out of view, so focus is never dropped by the virtualizer.
 *
 * With a search or a filter set, the list shows the core's matches over the
 * whole trail instead, newest first (trail-search.ts); the same rows, drawer
 * and keys. Clearing them returns to the live feed, following the newest.
 */
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AuditRow } from '../state/audit-rows.js';
import { useAuditVersion, useStore } from '../state/hooks.js';
import { Sparkline } from '../components/sparkline.js';
import { WaitingText } from '../components/waiting-text.js';
import { AuditDetail } from './audit-detail.js';
import { applyFilter, distinct, isFiltered, NO_FILTER, type FeedFilter } from './audit-filters.js';
import { indexOfRow, keyTarget } from './feed-keys.js';
import { FeedRow, Select } from './feed-row.js';
import { newerMatches, searchedLine } from './trail-query.js';
import { useTrailSearch } from './trail-search.js';

const ROW_H = 26;

export function AuditFeed({ name }: { name: string }) {
  const app = useStore();
  const store = app.audit(name);
  const version = useAuditVersion(store);
  const rows = store.rows;
  const [filter, setFilter] = useState<FeedFilter>(NO_FILTER);
  const deferred = useDeferredValue(filter);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  const trail = useTrailSearch(app, name, filter);
  // The core's matches over the whole trail, newest first; null: the loaded rows, filtered here.
  const endSeq = trail.mode === 'search' ? (trail.mirror?.endSeq ?? null) : null;
  const searchRows = trail.mode === 'search' ? trail.rows : null;
  const found = useMemo(() => (searchRows ? [...newerMatches(rows, deferred, now, endSeq), ...searchRows] : null), [searchRows, rows, version, deferred, now, endSeq]);
  const idx = useMemo(() => (found ? null : applyFilter(rows, deferred, now)), [rows, version, deferred, now, found]);
  const count = found ? found.length : idx ? idx.length : rows.length;
  const rowAt = (i: number): AuditRow | undefined => (found ? found[i] : idx ? rows[idx[i]!] : rows[i]);
  const options = useMemo(() => ({ tool: distinct(rows, 'tool'), channel: distinct(rows, 'channel'), trust: distinct(rows, 'trust') }), [rows, Math.floor(version / 20)]);

  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [unseen, setUnseen] = useState(0);
  const seenCount = useRef(0);
  const [selected, setSelected] = useState<AuditRow | null>(null);
  // The keyboard cursor, by row id: indices shift as filters change and late records are put in their place.
  const [cursor, setCursor] = useState<number | null>(null);
  const focusWanted = useRef<number | null>(null);
  const cursorIndex = useMemo(() => (cursor === null ? -1 : found ? found.findIndex((r) => r.id === cursor) : indexOfRow(rows, idx, cursor)), [rows, idx, version, cursor, found]);
  // Always render the cursor's row, so the focused button survives scrolling it out of view.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const out = defaultRangeExtractor(range);
      if (cursorIndex < 0 || cursorIndex >= range.count || out.includes(cursorIndex)) return out;
      return [...out, cursorIndex].sort((a, b) => a - b);
    },
    [cursorIndex],
  );

  const virt = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 12, rangeExtractor });
  const items = virt.getVirtualItems();
  // The row that takes the list's single Tab stop: the cursor's, else the newest while following, else the first in view.
  const scrollTop = virt.scrollOffset ?? 0;
  const stopIndex = cursorIndex >= 0 ? cursorIndex : atBottom.current && count > 0 ? count - 1 : (items.find((v) => v.start >= scrollTop)?.index ?? items[0]?.index ?? -1);

  const focusRow = (id: number) => scroller.current?.querySelector<HTMLButtonElement>(`.feed-row[data-row-id="${id}"] .row-button`)?.focus({ preventScroll: true });
  useLayoutEffect(() => {
    if (focusWanted.current === null || focusWanted.current !== cursor) return;
    focusWanted.current = null;
    focusRow(cursor);
  }, [cursor, cursorIndex]);

  const moveTo = (to: number) => {
    if (count === 0) return;
    const i = Math.max(0, Math.min(count - 1, to));
    const r = rowAt(i);
    if (!r) return;
    virt.scrollToIndex(i, { align: 'auto' });
    // Already the cursor (its row is drawn): no re-render will come to move focus.
    if (r.id === cursor) return focusRow(r.id);
    focusWanted.current = r.id;
    setCursor(r.id);
  };
  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_H) / ROW_H) - 1);
    const target = keyTarget(e.key, e.target === scroller.current ? null : stopIndex, stopIndex, count, page);
    if (target === undefined) return;
    e.preventDefault();
    moveTo(target);
  };
  const open = (r: AuditRow) => {
    setCursor(r.id);
    setSelected(r);
  };

  // Into the matches: start at the newest (the top). Back to the live feed: follow the newest again (the bottom).
  const searching = found !== null;
  useEffect(() => {
    atBottom.current = !searching;
    seenCount.current = count;
    setUnseen(0);
    if (searching) virt.scrollToOffset(0);
    else if (count > 0) virt.scrollToIndex(count - 1, { align: 'end' });
  }, [searching]);
  useEffect(() => {
    if (searching) return;
    if (atBottom.current) {
      seenCount.current = count;
      setUnseen(0);
      if (count > 0) virt.scrollToIndex(count - 1, { align: 'end' });
    } else setUnseen(Math.max(0, count - seenCount.current));
  }, [count, version]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el || searching) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_H * 2;
    if (bottom && !atBottom.current) {
      seenCount.current = count;
      setUnseen(0);
    }
    if (!bottom && atBottom.current) seenCount.current = count;
    atBottom.current = bottom;
  };
  const jumpToEnd = () => {
    atBottom.current = true;
    seenCount.current = count;
    setUnseen(0);
    virt.scrollToIndex(count - 1, { align: 'end' });
  };

  const set = (patch: Partial<FeedFilter>) => setFilter((f) => ({ ...f, ...patch }));

  return (
    <section className="feed" aria-label="Audit feed">
      <div className="toolbar" role="search">
        <input
          id="feed-search"
          type="search"
          placeholder="Search args, results, tools…  ( / )"
          aria-label="Search the audit feed"
          value={filter.text}
          onChange={(e) => set({ text: e.target.value })}
        />
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
      </div>
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
            {trail.mode === 'search'
              ? `${count.toLocaleString()}${trail.more ? '+' : ''} of ${trail.mirror?.endSeq != null ? (trail.mirror.endSeq - (trail.mirror.startSeq ?? 1) + 1).toLocaleString() : 0} records${trail.searching ? ', searching…' : ''}`
              : `${count.toLocaleString()} ${idx ? `of ${rows.length.toLocaleString()} ` : ''}records`}
          </span>
          <Sparkline rows={rows} now={now} version={version} />
        </span>
      </div>
      <div
        className="feed-body"
        ref={scroller}
        onScroll={onScroll}
        onKeyDown={onListKey}
        role="list"
        aria-label="Audit records"
        data-focus-home={count === 0 || !items.some((v) => v.index === stopIndex) ? '' : undefined}
      >
        {count === 0 ? (
          <p className="empty">
            {trail.mode === 'search' ? (
              trail.searching ? (
                'Searching the whole trail…'
              ) : (
                'No record in the whole trail matches these filters.'
              )
            ) : rows.length === 0 ? (
              store.following ? (
                'No tool calls recorded yet. New ones appear here as the agent makes them.'
              ) : (
                <WaitingText name={name} text="Connecting to the feed…" />
              )
            ) : (
              'No record matches these filters.'
            )}
          </p>
        ) : (
          <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const r = rowAt(v.index);
              if (!r) return null;
              return (
                <FeedRow
                  key={r.id}
                  row={r}
                  index={v.index}
                  top={v.start}
                  active={selected?.id === r.id}
                  tabStop={v.index === stopIndex}
                  onFocus={() => cursor !== r.id && setCursor(r.id)}
                  onOpen={() => open(r)}
                />
              );
            })}
          </div>
        )}
      </div>
      {trail.mode !== 'off' && (
        <div className="trail-bar">
          <span data-testid="trail-note">{trail.mode === 'local' ? trail.why : trail.searching ? 'Searching the whole trail…' : searchedLine(trail.mirror, trail.scannedBytes)}</span>
          {trail.mode === 'search' && trail.more && (
            <button type="button" className="link" onClick={trail.loadOlder} disabled={trail.searching}>
              Load older matches
            </button>
          )}
        </div>
      )}
      {unseen > 0 && (
        <button type="button" className="new-marker" onClick={jumpToEnd}>
          {unseen.toLocaleString()} new record{unseen === 1 ? '' : 's'} ↓
        </button>
      )}
      {selected && <AuditDetail row={selected} onClose={() => setSelected(null)} />}
    </section>
  );
}
