/**
 * The feed view's query API: filters, text search and a per-minute tool-call
 * rate, over what the app holds locally, in bounded memory.
 *
 * - A ring of the most recent records (default 5 000) as compact summaries
 *   (the exact line is kept only up to 4 KiB for search and display; the full
 *   line stays on the droplet, fetchable by file id and offset).
 * - A per-minute histogram of tool calls for the last 24 hours (1 440
 *   buckets), fed by every record seen, not only those still in the ring.
 * - Older records are not held here: the UI asks the feed to re-read them
 *   (`AuditFeed` with `fromSeq`) and they stream through `add()` again. The
 *   witness on disk is the durable index by seq.
 * Feed it with `add(record)` from an AuditFeed's onItem.
 */
import type { AuditRecord, StreamName } from './diagnostics.js';
import { outcomeOf } from './search/record-filter.js';
import type { Outcome } from './search/search-types.js';

export type { Outcome };

export interface FeedEntry {
  stream: StreamName;
  seq: number;
  ts: string;
  /** ms since epoch, NaN when `ts` does not parse. */
  at: number;
  tool: string;
  channel: string;
  trust: string;
  outcome: Outcome;
  blocked: string | null;
  file_id: string;
  offset: number;
  /** The line as text, at most TEXT_CAP bytes; `clipped` tells when it was cut. */
  text: string;
  clipped: boolean;
}

export interface FeedFilter {
  tools?: string[];
  outcomes?: Outcome[];
  channels?: string[];
  trust?: string[];
  /** ISO times or ms since epoch, inclusive. */
  since?: string | number;
  until?: string | number;
  /** Case-insensitive substring over the whole (kept) line. */
  text?: string;
  stream?: StreamName;
  /** Newest first; default 200. */
  limit?: number;
}

const TEXT_CAP = 4096;
const MINUTE = 60_000;
const RATE_MINUTES = 24 * 60;

const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
const toMs = (v: string | number | undefined) => (v === undefined ? undefined : typeof v === 'number' ? v : Date.parse(v));

export class AuditIndex {
  private ring: Array<FeedEntry | undefined>;
  private next = 0;
  private count = 0;
  /** minute number -> calls; pruned to the last RATE_MINUTES minutes seen. */
  private minutes = new Map<number, number>();
  private newestMinute = -Infinity;

  constructor(readonly capacity = 5000) {
    this.ring = new Array<FeedEntry | undefined>(capacity);
  }

  add(r: AuditRecord): FeedEntry {
    const v = r.value;
    const blocked = typeof v.blocked === 'string' ? v.blocked : null;
    const ts = str(v.ts, '');
    const at = Date.parse(ts);
    const clipped = r.bytes.length > TEXT_CAP;
    const e: FeedEntry = {
      stream: r.stream,
      seq: r.seq,
      ts,
      at,
      tool: str(v.tool, '?'),
      channel: str(v.channel, '?'),
      trust: str(v.trust, '?'),
      outcome: outcomeOf(v),
      blocked,
      file_id: r.file_id,
      offset: r.offset,
      text: r.bytes.subarray(0, TEXT_CAP).toString('utf8'),
      clipped,
    };
    this.ring[this.next] = e;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    if (!Number.isNaN(at)) this.countMinute(Math.floor(at / MINUTE));
    return e;
  }

  private countMinute(m: number): void {
    this.minutes.set(m, (this.minutes.get(m) ?? 0) + 1);
    if (m > this.newestMinute) {
      this.newestMinute = m;
      for (const k of this.minutes.keys()) if (k <= m - RATE_MINUTES) this.minutes.delete(k);
    }
  }

  get size(): number {
    return this.count;
  }

  /** Newest first. */
  query(f: FeedFilter = {}): FeedEntry[] {
    const since = toMs(f.since);
    const until = toMs(f.until);
    const needle = f.text?.toLowerCase();
    const limit = f.limit ?? 200;
    const out: FeedEntry[] = [];
    for (let i = 1; i <= this.count && out.length < limit; i++) {
      const e = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (!e) continue;
      if (f.stream && e.stream !== f.stream) continue;
      if (f.tools && !f.tools.includes(e.tool)) continue;
      if (f.outcomes && !f.outcomes.includes(e.outcome)) continue;
      if (f.channels && !f.channels.includes(e.channel)) continue;
      if (f.trust && !f.trust.includes(e.trust)) continue;
      if (since !== undefined && !(e.at >= since)) continue;
      if (until !== undefined && !(e.at <= until)) continue;
      if (needle && !e.text.toLowerCase().includes(needle)) continue;
      out.push(e);
    }
    return out;
  }

  /**
   * Tool calls per minute for the `minutes` minutes ending at `endMs` (default:
   * the newest record's minute), oldest first: the sparkline's points.
   */
  ratePerMinute(minutes = 60, endMs?: number): Array<{ minute: string; calls: number }> {
    const end = endMs !== undefined ? Math.floor(endMs / MINUTE) : this.newestMinute;
    if (!Number.isFinite(end)) return [];
    const n = Math.min(minutes, RATE_MINUTES);
    const out: Array<{ minute: string; calls: number }> = [];
    for (let m = end - n + 1; m <= end; m++) out.push({ minute: new Date(m * MINUTE).toISOString(), calls: this.minutes.get(m) ?? 0 });
    return out;
  }
}
