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
 *
 * When this desktop keeps a mirror of the droplet's log (issue 16), the list
 * is a window over it: its older part is one slot per seq, read from the
 * mirror only while on screen (trail-window.ts), followed by the store's
 * newest records, live records and markers (feed-window.ts). The scrollbar
 * spans the whole trail (scaled-list.ts) and "Go to" opens any seq or time.
 */
import { useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AuditRow } from '../state/audit-rows.js';
import { useAuditVersion, useStore } from '../state/hooks.js';
import { AuditDetail } from './audit-detail.js';
import { applyFilter, distinct, NO_FILTER, type FeedFilter } from './audit-filters.js';
import { indexOfRow, keyTarget } from './feed-keys.js';
import { EmptyFeed, FeedHead, LinkDownNote, TrailBar } from './feed-parts.js';
import { FeedRow } from './feed-row.js';
import { FeedToolbar } from './feed-toolbar.js';
import { historyRange, notInTrail, parseGoto } from './feed-window.js';
import { useScaledList } from './scaled-list.js';
import { newerMatches } from './trail-query.js';
import { useTrailSearch } from './trail-search.js';

const ROW_H = 26;
const isRecord = (r: AuditRow) => r.kind === 'record' || r.kind === 'truncated';

export function AuditFeed({ name }: { name: string }) {
  const app = useStore();
  const store = app.audit(name);
  const version = useAuditVersion(store);
  const win = app.trail(name);
  const winVersion = useAuditVersion(win);
  const rows = store.rows;
  const [filter, setFilter] = useState<FeedFilter>(NO_FILTER);
  const deferred = useDeferredValue(filter);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  // Opened (or switched to another droplet): reads that failed are tried again, and without a started feed the
  // mirror alone is shown.
  useEffect(() => {
    win.retry();
    app.browseTrail(name);
  }, [name]);
  const trail = useTrailSearch(app, name, filter);
  // The core's matches over the whole trail, newest first; null: the loaded rows, filtered here.
  const endSeq = trail.mode === 'search' ? (trail.mirror?.endSeq ?? null) : null;
  const searchRows = trail.mode === 'search' ? trail.rows : null;
  const found = useMemo(() => (searchRows ? [...newerMatches(rows, deferred, now, endSeq), ...searchRows] : null), [searchRows, rows, version, deferred, now, endSeq]);
  const idx = useMemo(() => (found ? null : applyFilter(rows, deferred, now)), [rows, version, deferred, now, found]);
  // The mirror part of the list (slots by seq), when the feed is a window over the mirror and nothing is filtered.
  const hist = useMemo(() => (store.windowed && win.kept && !found && !idx ? historyRange(win.mirror, store.firstActivitySeq()) : null), [store.windowed, found, idx, version, winVersion]);
  const histCount = hist?.count ?? 0;
  const count = found ? found.length : idx ? idx.length : histCount + rows.length;
  const rowAt = (i: number): AuditRow | undefined => (found ? found[i] : idx ? rows[idx[i]!] : hist && i < histCount ? win.row(hist.start + i) : rows[i - histCount]);
  const options = useMemo(() => ({ tool: distinct(rows, 'tool'), channel: distinct(rows, 'channel'), trust: distinct(rows, 'trust') }), [rows, Math.floor(version / 20)]);
  // Windowed, the count is of the agent's records (slots and the store's activity records), not of markers or receipts.
  const records = useMemo(() => (hist ? histCount + rows.reduce((n, r) => n + (isRecord(r) && r.stream === 'activity' ? 1 : 0), 0) : 0), [hist, version]);

  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [unseen, setUnseen] = useState(0);
  const seenCount = useRef(0);
  const [selected, setSelected] = useState<AuditRow | null>(null);
  // The keyboard cursor, by row id: indices shift as filters change and late records are put in their place.
  // A mirror slot's row has id -seq, so the cursor survives its page being dropped and read again.
  const [cursor, setCursor] = useState<number | null>(null);
  const focusWanted = useRef<number | null>(null);
  /** A seq to open once the list shows the feed again (Go to or "Show in feed" while a search is on). */
  const jumpWanted = useRef<number | null>(null);
  const cursorIndex = useMemo(() => {
    if (cursor === null) return -1;
    if (found) return found.findIndex((r) => r.id === cursor);
    if (hist && cursor < 0) {
      const i = -cursor - hist.start;
      if (i >= 0 && i < histCount) return i;
    }
    const j = indexOfRow(rows, idx, cursor);
    return j < 0 ? -1 : j + histCount;
  }, [rows, idx, version, cursor, found, hist]);

  const list = useScaledList({ count, rowH: ROW_H, scroller, overscan: 12, keep: cursorIndex });
  const items = list.items;
  // The row that takes the list's single Tab stop: the cursor's, else the newest while following, else the first in view.
  const stopIndex = cursorIndex >= 0 ? cursorIndex : atBottom.current && count > 0 ? count - 1 : count > 0 ? list.firstInView : -1;

  // Read the mirror slots on screen (and their margin).
  const firstItem = items.find((v) => v.index !== cursorIndex || items.length === 1)?.index ?? -1;
  const lastItem = items.length ? Math.max(...items.filter((v) => v.index !== cursorIndex || items.length === 1).map((v) => v.index)) : -1;
  // Not before the list is first placed (at the newest): its first render, at the top, would read page 0 for nothing.
  const [placed, setPlaced] = useState(false);
  useEffect(() => {
    if (!placed || !hist || firstItem < 0 || firstItem >= histCount) return;
    win.want(hist.start + firstItem, hist.start + Math.min(lastItem, histCount - 1));
  }, [placed, hist?.start, histCount, firstItem, lastItem, winVersion]);

  const focusRow = (id: number) => scroller.current?.querySelector<HTMLButtonElement>(`.feed-row[data-row-id="${id}"] .row-button`)?.focus({ preventScroll: true });
  useLayoutEffect(() => {
    if (focusWanted.current === null || focusWanted.current !== cursor) return;
    focusWanted.current = null;
    focusRow(cursor);
  }, [cursor, cursorIndex]);

  const moveTo = (to: number, align: 'auto' | 'start' = 'auto') => {
    if (count === 0) return;
    const i = Math.max(0, Math.min(count - 1, to));
    const r = rowAt(i);
    if (!r) return;
    list.scrollToIndex(i, align);
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
    if (r.kind === 'pending') return;
    setCursor(r.id);
    setSelected(r);
  };

  /** Where a seq sits in the list as shown now (the feed, unfiltered), or -1. */
  const indexOfSeq = (seq: number): number => {
    if (hist && seq >= hist.start && seq < hist.start + histCount) return seq - hist.start;
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i]!;
      if (isRecord(r) && r.stream === 'activity' && r.seq === seq) return i + histCount;
    }
    return -1;
  };
  const jumpToSeq = (seq: number): string | null => {
    const i = indexOfSeq(seq);
    if (i < 0) {
      const first = hist && histCount ? hist.start : rows.find((r) => isRecord(r) && r.stream === 'activity')?.seq;
      const last = store.highestSeq('activity');
      return notInTrail(seq, first ?? null, last);
    }
    atBottom.current = false;
    seenCount.current = count;
    moveTo(i, 'start');
    return null;
  };
  /** The seq of the first record at or after a time: the mirror's index when it has one, else the loaded rows. */
  const seqAt = async (time: string): Promise<number | string> => {
    const ms = Date.parse(time);
    if (store.windowed && win.kept) {
      const r = await win.locate(time);
      if ('error' in r) return `Could not look up that time: ${r.error.message}`;
      if (r.seq !== null) return r.seq;
    }
    const later = rows.find((r) => isRecord(r) && r.stream === 'activity' && r.tsMs >= ms);
    return later?.seq ?? `No record at or after ${time.replace('.000Z', 'Z')} yet.`;
  };
  const onGoto = async (text: string): Promise<string | null> => {
    const t = parseGoto(text);
    if ('error' in t) return t.error;
    const seq = 'seq' in t ? t.seq : await seqAt(t.time);
    if (typeof seq === 'string') return seq;
    if (found || idx) {
      // The mirror part is not laid out while filtered: check the seq against what the trail holds first.
      const first = store.windowed && win.kept ? (win.mirror?.startSeq ?? 1) : (rows.find((r) => isRecord(r) && r.stream === 'activity')?.seq ?? 0);
      const last = Math.max(win.mirror?.endSeq ?? -1, store.highestSeq('activity'));
      if (seq < first || seq > last) return notInTrail(seq, first, last);
      // Back to the feed first; the jump is made once it shows (the effect below).
      jumpWanted.current = seq;
      setFilter(NO_FILTER);
      return null;
    }
    return jumpToSeq(seq);
  };
  const showInFeed = (r: AuditRow) => {
    if (r.seq === null) return;
    setSelected(null);
    jumpWanted.current = r.seq;
    setFilter(NO_FILTER);
  };

  // Into the matches: start at the newest (the top). Back to the live feed: follow the newest again (the bottom).
  const searching = found !== null;
  useEffect(() => {
    setPlaced(true);
    atBottom.current = !searching;
    seenCount.current = count;
    setUnseen(0);
    if (searching) list.scrollToTop();
    else if (count > 0) list.scrollToIndex(count - 1, 'end');
  }, [searching]);
  // The feed itself (no search, no filter) is back: open the seq Go to or "Show in feed" asked for, after the above.
  const feedShown = found === null && idx === null;
  useEffect(() => {
    const jump = jumpWanted.current;
    if (!feedShown || jump === null) return;
    jumpWanted.current = null;
    jumpToSeq(jump);
  }, [feedShown]);
  useEffect(() => {
    if (searching) return;
    if (atBottom.current) {
      seenCount.current = count;
      setUnseen(0);
      if (count > 0) list.scrollToIndex(count - 1, 'end');
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
    if (!feedShown) return setFilter(NO_FILTER); // the feed comes back following the newest
    atBottom.current = true;
    seenCount.current = count;
    setUnseen(0);
    setCursor(null);
    if (count > 0) list.scrollToIndex(count - 1, 'end');
  };

  return (
    <section className="feed" aria-label="Audit feed">
      <FeedToolbar filter={filter} setFilter={setFilter} options={options} onGoto={onGoto} onNewest={jumpToEnd} note={<LinkDownNote name={name} copy={hist !== null} />} />
      <FeedHead rows={rows} now={now} version={version}>
        {trail.mode === 'search'
          ? `${count.toLocaleString()}${trail.more ? '+' : ''} of ${trail.mirror?.endSeq != null ? (trail.mirror.endSeq - (trail.mirror.startSeq ?? 1) + 1).toLocaleString() : 0} records${trail.searching ? ', searching…' : ''}`
          : hist
            ? `${records.toLocaleString()} records`
            : `${count.toLocaleString()} ${idx ? `of ${rows.length.toLocaleString()} ` : ''}records`}
      </FeedHead>
      <div
        className="feed-body"
        ref={scroller}
        onScroll={onScroll}
        onKeyDown={onListKey}
        role="list"
        aria-label="Audit records"
        data-focus-home={count === 0 || !items.some((v) => v.index === stopIndex) ? '' : undefined}
        data-window={hist ? 'mirror' : undefined}
      >
        {count === 0 ? (
          <EmptyFeed name={name} trail={trail} filtered={idx !== null} following={store.following} windowed={hist !== null} />
        ) : (
          <div style={{ height: list.totalSize, position: 'relative' }}>
            {items.map((v) => {
              const r = rowAt(v.index);
              if (!r) return null;
              return (
                <FeedRow
                  key={r.id}
                  row={r}
                  index={v.index}
                  of={count}
                  top={v.top}
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
      <TrailBar trail={trail} />
      {unseen > 0 && (
        <button type="button" className="new-marker" onClick={jumpToEnd}>
          {unseen.toLocaleString()} new record{unseen === 1 ? '' : 's'} ↓
        </button>
      )}
      {selected && (
        <AuditDetail
          row={selected}
          onClose={() => setSelected(null)}
          {...(found && selected.stream === 'activity' && selected.seq !== null && isRecord(selected) ? { onShowInFeed: () => showInFeed(selected) } : {})}
        />
      )}
    </section>
  );
}
