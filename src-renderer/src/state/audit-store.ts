/**
 * One droplet's feed in memory: an append-only list of rows, bounded, with a
 * version number views subscribe to. Bursts are coalesced into one update per
 * animation frame so a fast agent does not re-render the table per record.
 */
import type { AuditItemView } from '../../../src-main/ipc/api.js';
import { toRow, type AuditRow } from './audit-rows.js';

export const MAX_ROWS = 250_000;

export class AuditStore {
  rows: AuditRow[] = [];
  version = 0;
  /** Highest seq delivered per stream: history and live overlap, so repeats are dropped here. */
  private readonly lastSeq = { activity: -1, receipts: -1 };
  private pending: AuditItemView[] = [];
  private scheduled = false;
  private readonly listeners = new Set<() => void>();
  following = false;
  historyLoaded = false;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getVersion = (): number => this.version;

  push(item: AuditItemView): void {
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = () => this.flush();
    if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') requestAnimationFrame(flush);
    else setTimeout(flush, 16);
  }

  /** Add a page of history at once (no per-frame batching needed). */
  addMany(items: readonly AuditItemView[]): void {
    for (const it of items) this.ingest(it);
    this.bump();
  }

  highestSeq(stream: 'activity' | 'receipts'): number {
    return this.lastSeq[stream];
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const it of batch) this.ingest(it);
    this.bump();
  }

  private ingest(item: AuditItemView): void {
    if (item.type === 'record') {
      const s = item.record.stream;
      if (item.record.seq <= this.lastSeq[s]) return;
      this.lastSeq[s] = item.record.seq;
    }
    this.rows.push(toRow(item));
  }

  private bump(): void {
    if (this.rows.length > MAX_ROWS) this.rows = this.rows.slice(this.rows.length - Math.floor(MAX_ROWS * 0.9));
    this.version++;
    this.listeners.forEach((l) => l());
  }
}
