/**
 * One droplet's feed in memory: a list of rows, bounded, with a version
 * number views subscribe to. Bursts are coalesced into one update per
 * animation frame so a fast agent does not re-render the table per record.
 *
 * Records reach the store by three roads that can cross: history pages, the
 * read that closes the gap between history and the live feed, and live
 * pushes. So a record (or the `truncated` marker standing for one too long
 * to show) is kept by its (stream, seq): a repeat is dropped, and
 * an older record not shown yet (history that arrived after a live record)
 * is put in its place among its stream, never dropped for being older. Live
 * items are shown at once, whatever a read in flight is doing (a slow read
 * must not hold back an alert marker).
 *
 * Where the next read must start is kept apart from what is shown: `readTo`
 * says up to which activity seq nothing can be missing (a complete read, or
 * live records while this window follows with its event stream up). A live
 * record that arrived before that (another window had the session
 * forwarding) is shown but does not move it, so it cannot make the gap read
 * skip the records before it.
 */
import type { AuditItemView } from '../../../src-main/ipc/api.js';
import { toRow, type AuditRow } from './audit-rows.js';

export const MAX_ROWS = 250_000;
/**
 * Rows kept when the feed's older part is a window over the mirror
 * (trail-window.ts): the store holds only the newest records, and what it
 * trims is still on screen from the mirror, so its memory stays flat.
 */
export const WINDOWED_MAX_ROWS = 20_000;
/**
 * And the text those rows hold at most, windowed: an agent that writes lines
 * near the feed's 1 MiB limit must not fill the renderer 20,000 times over.
 */
export const WINDOWED_MAX_TEXT = 48 * 1024 * 1024;

type Stream = 'activity' | 'receipts';

export class AuditStore {
  rows: AuditRow[] = [];
  version = 0;
  /** Seqs present per stream. */
  private readonly seen: Record<Stream, Set<number>> = { activity: new Set(), receipts: new Set() };
  /** Highest seq present per stream. */
  private readonly lastSeq: Record<Stream, number> = { activity: -1, receipts: -1 };
  /** Seqs up to here were trimmed away (MAX_ROWS): they are not taken in again. */
  private readonly floor: Record<Stream, number> = { activity: -1, receipts: -1 };
  private pending: AuditItemView[] = [];
  private scheduled = false;
  /** Every activity record up to this seq is here (see the top of this file). */
  private readTo = 0;
  /** Live records count toward readTo: this window follows and its event stream has been up throughout. */
  private liveTrusted = false;
  private readonly listeners = new Set<() => void>();
  /** The session forwards this droplet's live records to this window (auditFollow answered). */
  following = false;
  /** A start (history, follow, gap read) is under way for the current link. */
  starting = false;
  historyLoaded = false;
  /** The feed's older records are read from this desktop's mirror (trail-window.ts), not held here. */
  windowed = false;
  /** Rows kept at most, and their text at most; older ones are trimmed (and not taken in again). */
  maxRows = MAX_ROWS;
  maxText = Infinity;
  /** Characters of text the rows hold. */
  private text = 0;
  /** Bumped when the droplet's link goes down: a start begun for an older link gives up. */
  epoch = 0;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getVersion = (): number => this.version;

  /** The feed's older records are the mirror window's from now on: keep only a bounded tail here (trail-window.ts). */
  markWindowed(): void {
    if (this.windowed) return;
    this.windowed = true;
    this.maxRows = WINDOWED_MAX_ROWS;
    this.maxText = WINDOWED_MAX_TEXT;
    this.bump();
  }

  /** A live item from the session: shown on the next frame. */
  live(item: AuditItemView): void {
    const at = recordAt(item);
    if (this.liveTrusted && at?.stream === 'activity') this.readThrough(at.seq);
    this.push(item);
  }

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

  /** A read that delivered every activity record up to `seq` (history, the gap read). */
  readThrough(seq: number): void {
    if (seq > this.readTo) this.readTo = seq;
  }

  /** Where the next read starts so that nothing is missed. */
  get nextToRead(): number {
    return this.readTo + 1;
  }

  /** Live records are contiguous from now on (following, stream up), or no longer (link or stream down). */
  trustLive(on: boolean): void {
    this.liveTrusted = on;
  }

  highestSeq(stream: Stream): number {
    return this.lastSeq[stream];
  }

  /** The lowest activity seq shown (rows are in seq order within a stream), or null when none is. */
  firstActivitySeq(): number | null {
    for (const r of this.rows) if (isRecordRow(r) && r.stream === 'activity' && r.seq !== null) return r.seq;
    return null;
  }

  has(stream: Stream, seq: number): boolean {
    return this.seen[stream].has(seq);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const it of batch) this.ingest(it);
    this.bump();
  }

  private ingest(item: AuditItemView): void {
    const at = recordAt(item);
    if (!at) {
      const marker = toRow(item);
      this.text += marker.text.length;
      this.rows.push(marker);
      return;
    }
    const { stream: s, seq } = at;
    if (this.seen[s].has(seq) || seq <= this.floor[s]) return;
    this.seen[s].add(seq);
    const row = toRow(item);
    this.text += row.text.length;
    if (seq > this.lastSeq[s]) {
      this.lastSeq[s] = seq;
      this.rows.push(row);
    } else this.rows.splice(this.placeOf(s, seq), 0, row);
  }

  /** Where an older record goes: right after the nearest record of its stream with a lower seq. */
  private placeOf(stream: Stream, seq: number): number {
    let before = this.rows.length;
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const r = this.rows[i]!;
      if (!isRecordRow(r) || r.stream !== stream || r.seq === null) continue;
      if (r.seq < seq) return i + 1;
      before = i;
    }
    return before;
  }

  private bump(): void {
    if (this.rows.length > this.maxRows || this.text > this.maxText) {
      let cut = Math.max(0, this.rows.length - Math.floor(this.maxRows * 0.9));
      let text = this.text;
      for (let i = 0; i < cut; i++) text -= this.rows[i]!.text.length;
      while (cut < this.rows.length - 1 && text > this.maxText * 0.9) text -= this.rows[cut++]!.text.length;
      this.text = text;
      for (const r of this.rows.slice(0, cut)) {
        if (!isRecordRow(r) || r.stream === null || r.seq === null) continue;
        this.seen[r.stream].delete(r.seq);
        if (r.seq > this.floor[r.stream]) this.floor[r.stream] = r.seq;
      }
      this.rows = this.rows.slice(cut);
    }
    this.version++;
    this.listeners.forEach((l) => l());
  }
}

/** A record's place: a record, or the marker standing for one too long to show (`truncated`). */
export function recordAt(item: AuditItemView): { stream: Stream; seq: number } | null {
  if (item.type === 'record') return { stream: item.record.stream, seq: item.record.seq };
  const d = item.diagnostic as Record<string, unknown>;
  if (d.kind === 'truncated' && (d.stream === 'activity' || d.stream === 'receipts') && typeof d.record_seq === 'number') return { stream: d.stream, seq: d.record_seq };
  return null;
}

const isRecordRow = (r: AuditRow): boolean => r.kind === 'record' || r.kind === 'truncated';
