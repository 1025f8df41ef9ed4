/**
 * The feed's search over the WHOLE trail (issue 16): while the search box or
 * any filter is set, the core answers from this desktop's mirror of the
 * droplet's log (`auditSearch`), newest first, a page at a time, instead of
 * the console filtering only the rows it has loaded.
 *
 * Typing is debounced (250 ms) and every query has a number: an answer to an
 * older one (a slow page, a "Load older matches" in flight) is dropped, so a
 * newer query always wins. Without a mirror (none synced yet, or the mirror
 * is off) or when the core cannot answer (link down), the feed falls back to
 * filtering the loaded rows and says why.
 */
import { useEffect, useRef, useState } from 'react';
import type { ResultOf } from '../../../src-main/ipc/api.js';
import type { AppStore } from '../state/app-store.js';
import { toRow, type AuditRow } from '../state/audit-rows.js';
import type { FeedFilter } from './audit-filters.js';
import { trailQuery, type Query } from './trail-query.js';

type Answer = ResultOf<'auditSearch'>;

const DEBOUNCE_MS = 250;
const PAGE = 200;

export type TrailSearch =
  /** No query, or the host has no auditSearch: the live feed (with its local filters). */
  | { mode: 'off' }
  /** The core could not search (no mirror yet, mirror off, link down): the loaded rows are filtered, and `why` says so. */
  | { mode: 'local'; why: string }
  | { mode: 'search'; rows: AuditRow[]; searching: boolean; mirror: NonNullable<Answer['mirror']> | null; more: boolean; scannedBytes: number; loadOlder(): void };

interface Held {
  gen: number;
  /** The query as asked (its `since` fixed then): older pages go on with it, under its cursor. */
  query: Query;
  rows: AuditRow[];
  next: Answer['next'];
  mirror: Answer['mirror'];
  scannedBytes: number;
}

export function useTrailSearch(app: AppStore, name: string, filter: FeedFilter): TrailSearch {
  const platform = app.platform;
  const enabled = platform.has('auditSearch');
  const key = enabled ? JSON.stringify([name, filter.text.trim(), filter.tool, filter.outcome, filter.channel, filter.trust, filter.since]) : '';
  const query = enabled ? trailQuery(filter, Date.now()) : null;
  const gen = useRef(0);
  const [held, setHeld] = useState<Held | null>(null);
  const [failed, setFailed] = useState<{ gen: number; why: string } | null>(null);
  const [pending, setPending] = useState(false);

  const ask = async (my: number, q: Query, cursor: Answer['next']): Promise<Answer | null> => {
    let r;
    try {
      r = await platform.api.auditSearch({ name, query: q, limit: PAGE, ...(cursor ? { cursor } : {}) });
    } catch (err) {
      r = { error: { kind: 'failed' as const, message: err instanceof Error ? err.message : String(err) } };
    }
    if (my !== gen.current) return null; // a newer query was asked meanwhile
    if (r.error) {
      setFailed({ gen: my, why: `Whole-trail search is unavailable (${r.error.message}); filtering the loaded records only.` });
      setPending(false);
      return null;
    }
    return r.result ?? null;
  };

  useEffect(() => {
    const my = ++gen.current;
    setFailed(null);
    if (!query) {
      setHeld(null);
      setPending(false);
      return;
    }
    setPending(true);
    const t = setTimeout(() => {
      const first = ask(my, query, null).then((a) => {
        if (!a) return;
        setHeld({ gen: my, query, rows: a.items.map(toRow), next: a.next, mirror: a.mirror, scannedBytes: a.scannedBytes });
        setPending(false);
      });
      app.background(first, 'Searching the audit trail');
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
    // The key names the query; `query` itself is rebuilt on every render.
  }, [key]);

  if (!query) return { mode: 'off' };
  if (failed && failed.gen === gen.current) return { mode: 'local', why: failed.why };
  if (held && held.mirror === null) {
    return pending ? { mode: 'local', why: 'Searching…' } : { mode: 'local', why: 'No copy of the whole trail on this desktop yet (or it is turned off): filtering the loaded records only.' };
  }
  const loadOlder = () => {
    const my = gen.current;
    if (!held || held.gen !== my || !held.next || pending) return;
    setPending(true);
    const older = ask(my, held.query, held.next).then((a) => {
      if (!a) return;
      setHeld((h) => (h && h.gen === my ? { ...h, rows: [...h.rows, ...a.items.map(toRow)], next: a.next, mirror: a.mirror, scannedBytes: h.scannedBytes + a.scannedBytes } : h));
      setPending(false);
    });
    app.background(older, 'Loading older matches');
  };
  return { mode: 'search', rows: held?.rows ?? [], searching: pending, mirror: held?.mirror ?? null, more: held?.next != null, scannedBytes: held?.scannedBytes ?? 0, loadOlder };
}
