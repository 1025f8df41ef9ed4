/**
 * One AuditStore per droplet, and how this window starts and keeps each
 * feed: history (in pages, once), then `auditFollow`, then a read of the gap
 * from where the reads got to. Called on every connect and reconnect (the
 * session's next connection starts with forwarding off, so a window must ask
 * again), it resumes from where the store is.
 *
 * Live items are shown as they come, whatever a read in flight is doing
 * (another window, or an earlier load of this page, may already have the
 * session forwarding). The store keeps each record once and puts a late
 * older one in its place, and a live record that overtook a read does not
 * move where the next read starts (audit-store.ts): no ordering of connect,
 * history, follow and live can hide a record.
 *
 * When this desktop keeps a mirror of the droplet's log (issue 16), the
 * history is not loaded: the store reads only the newest TAIL lines and
 * keeps a bounded tail of the newest records, and the feed shows everything
 * older through a window over the mirror (trail-window.ts). Without a mirror
 * (the profile's cap is 0, or an older host) the whole history is loaded as
 * before.
 */
import type { AuditItemView, IpcError } from '../../../src-main/ipc/api.js';
import type { Platform } from '../platform/platform.js';
import { AuditStore, recordAt } from './audit-store.js';
import { TrailWindow } from './trail-window.js';

/** One history page, and how many pages one read takes at most. */
const PAGE = 5000;
const MAX_PAGES = 60;
/** With a mirror: the newest lines read at start; everything older is the mirror's. */
const TAIL = 1000;
/** A history read that fails is tried again after these waits before the person is told. */
const HISTORY_RETRY_MS = [1000, 3000];

const recordsOnly = (items: AuditItemView[]) => items.filter((i) => recordAt(i) !== null);

export class AuditFeeds {
  private readonly stores = new Map<string, AuditStore>();
  private readonly windows = new Map<string, TrailWindow>();

  constructor(
    private readonly platform: Platform,
    /** A read or follow that failed, for the person (a toast). */
    private readonly fail: (error: IpcError, what: string) => void,
  ) {}

  store(name: string): AuditStore {
    let s = this.stores.get(name);
    if (!s) {
      s = new AuditStore();
      this.stores.set(name, s);
    }
    return s;
  }

  /** The window over this droplet's mirror (used while its store is `windowed`). */
  window(name: string): TrailWindow {
    let w = this.windows.get(name);
    if (!w) {
      w = new TrailWindow(this.platform, name, this.fail);
      this.windows.set(name, w);
    }
    return w;
  }

  /**
   * The feed view opened before this window started the feed (the droplet is
   * not connected yet, or is gone): show what this desktop's mirror holds, so
   * the trail stays readable without the droplet. A start on the next connect
   * reads on from there.
   */
  async browse(name: string): Promise<void> {
    const store = this.store(name);
    if (store.windowed || store.starting || store.following || store.historyLoaded) return;
    if (await this.window(name).describe()) store.markWindowed();
  }

  /** The droplet's link went down: a start in flight gives up, and the next connect starts again. */
  down(name: string): void {
    const store = this.stores.get(name);
    if (!store) return;
    store.following = false;
    store.starting = false;
    store.trustLive(false);
    store.epoch++;
  }

  /** This window's event stream dropped: live records pushed meanwhile are lost, so live no longer says how far a feed is read. */
  streamDown(): void {
    for (const store of this.stores.values()) store.trustLive(false);
  }

  /** The event stream is back: read each followed feed on from where its reads got to. */
  async catchUp(): Promise<void> {
    if (!this.platform.has('auditQuery')) return;
    await Promise.all(
      [...this.stores]
        .filter(([, store]) => store.following)
        .map(async ([name, store]) => {
          const epoch = store.epoch;
          const current = () => store.epoch === epoch;
          const r = await this.readOn(name, store, current, 'Reading the audit records missed while the harness was unreachable');
          if (r === 'done' && current() && store.following) store.trustLive(true);
        }),
    );
  }

  async start(name: string): Promise<void> {
    const store = this.store(name);
    if (store.following || store.starting) return;
    store.starting = true;
    const epoch = store.epoch;
    const current = () => store.epoch === epoch;
    const query = this.platform.has('auditQuery');
    try {
      if (query && !store.historyLoaded) {
        if (!store.windowed && (await this.window(name).describe())) store.markWindowed();
        if (!current()) return;
        const loaded = store.windowed ? await this.loadTail(name, store, current) : await this.loadHistory(name, store, current);
        if (!current()) return;
        store.historyLoaded = loaded;
      }
      const f = await this.platform.api.auditFollow({ name, receipts: true, lines: 200 });
      if (!current()) return;
      if (f.error) return this.fail(f.error, 'Following the audit log');
      // A record appended after the history read (or while the link was down) and before the
      // session's live feed reached it is in neither: read on from where the reads got to.
      if (query) await this.readOn(name, store, current, 'Reading the newest audit records');
      if (!current()) return;
      store.following = true;
      store.trustLive(true);
    } finally {
      if (current()) store.starting = false;
    }
  }

  /** With a mirror: only the newest lines, as one read; the gap read after the follow takes it on from there. */
  private async loadTail(name: string, store: AuditStore, current: () => boolean): Promise<boolean> {
    const r = await this.platform.api.auditQuery({ name, lines: TAIL, limit: PAGE, receipts: true });
    if (!current()) return false;
    if (r.error) {
      this.fail(r.error, 'Loading the newest audit records');
      return false;
    }
    store.addMany(r.result.items);
    store.readThrough(lastActivitySeq(r.result.items));
    return true;
  }

  /**
   * Read on from where the reads got to. A read from a seq makes the core
   * read the droplet's file from its start (seconds of both cores at a
   * million records), so a windowed feed, whose reads are always near the
   * end, first reads only the newest lines; only when they do not reach back
   * to where the reads got to (more than TAIL lines came meanwhile) does it
   * read from the seq.
   */
  private async readOn(name: string, store: AuditStore, current: () => boolean, what: string): Promise<'done' | 'failed'> {
    const from = store.nextToRead;
    if (store.windowed) {
      const r = await this.platform.api.auditQuery({ name, lines: TAIL, limit: PAGE, receipts: true });
      if (!current()) return 'failed';
      if (r.error) {
        this.fail(r.error, what);
        return 'failed';
      }
      const first = firstActivitySeq(r.result.items);
      // Reaches back (or the file holds fewer lines than asked: it was all read).
      if (first === null || first <= from || r.result.items.length < TAIL) {
        store.addMany(recordsOnly(r.result.items));
        store.readThrough(lastActivitySeq(r.result.items));
        return 'done';
      }
    }
    return this.readPages(name, store, from, recordsOnly, current, what);
  }

  /** Every page of history; a failed read is tried again a few times, then left for the next start. */
  private async loadHistory(name: string, store: AuditStore, current: () => boolean): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const quiet = attempt < HISTORY_RETRY_MS.length;
      const r = await this.readPages(name, store, 1, (items) => items, current, quiet ? null : 'Loading the audit history');
      if (r === 'done' || !current()) return r === 'done';
      if (!quiet) return false;
      await new Promise((ok) => setTimeout(ok, HISTORY_RETRY_MS[attempt]));
      if (!current()) return false;
    }
  }

  /**
   * Read from `from` on, page by page, into the store (what `keep` keeps of
   * each page); each page moves the store's read-to mark. An error is
   * reported as `what` (null: not at all). A read for a link that has since
   * gone down stops quietly.
   */
  private async readPages(name: string, store: AuditStore, from: number, keep: (items: AuditItemView[]) => AuditItemView[], current: () => boolean, what: string | null): Promise<'done' | 'failed'> {
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await this.platform.api.auditQuery({ name, fromSeq: Math.max(0, from), limit: PAGE, receipts: true });
      if (!current()) return 'failed';
      if (r.error) {
        if (what) this.fail(r.error, what);
        return 'failed';
      }
      store.addMany(keep(r.result.items));
      // The page's own last activity seq (not the store's: live records may already be past it).
      const last = lastActivitySeq(r.result.items);
      store.readThrough(last);
      if (!r.result.truncated || last < from) return 'done';
      from = last + 1;
    }
    return 'done';
  }
}

/** The highest activity seq among items, or -1. */
function lastActivitySeq(items: readonly AuditItemView[]): number {
  let last = -1;
  for (const it of items) {
    const at = recordAt(it);
    if (at?.stream === 'activity' && at.seq > last) last = at.seq;
  }
  return last;
}

/** The lowest activity seq among items, or null. */
function firstActivitySeq(items: readonly AuditItemView[]): number | null {
  let first: number | null = null;
  for (const it of items) {
    const at = recordAt(it);
    if (at?.stream === 'activity' && (first === null || at.seq < first)) first = at.seq;
  }
  return first;
}
