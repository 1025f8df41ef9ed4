/**
 * The feed's window over this desktop's mirror of one droplet's activity log
 * (issue 16, docs/audit-mirror.md "The console"). The feed's older part is one
 * slot per seq, from the mirror's first seq up to just below the newest
 * records the feed holds; a slot's row is fetched from the core
 * (`auditWindow`) only when it comes into view, a page of seqs at a time, and
 * at most MAX_PAGES pages are held, the least recently wanted dropped first.
 * So the renderer holds what a screen and its margins need, whatever the
 * trail's size.
 *
 * A slot with no row yet is a `pending` row; a seq the mirror has no line
 * for is a `not-held` row (lost on the droplet, or dropped by the mirror's
 * cap). A seq past what the mirror held when its page was read (the mirror
 * is still syncing) stays pending, and its page is read again once the
 * mirror has grown past it. Rows are keyed by seq (id = -seq), so the
 * keyboard cursor and an open drawer survive a page being dropped and read
 * again.
 */
import type { IpcError, ResultOf } from '../../../src-main/ipc/api.js';
import type { Platform } from '../platform/platform.js';
import { messageOf } from './background.js';
import { toRow, type AuditRow } from './audit-rows.js';
import { recordAt } from './audit-store.js';

type Answer = ResultOf<'auditWindow'>;
export type MirrorView = NonNullable<Answer['mirror']>;

/** Seqs per page: four screens of rows in one request of about 30 kB. */
export const WINDOW_PAGE = 100;
/** Pages held at most: 3,000 rows, about 1.5 MB of real records. */
const MAX_PAGES = 30;
/**
 * And text held at most: an agent that writes long lines (the core clips each
 * at 64 KiB, audit-window-handler.ts) fills fewer pages, not more memory.
 */
const MAX_TEXT = 24 * 1024 * 1024;
/** Requests in flight at most: a fast scroll asks for the newest wanted pages, not every page it passed. */
const MAX_INFLIGHT = 2;
/** How often a pending slot past the mirror's end asks whether the mirror has grown. */
const GROW_POLL_MS = 1500;

interface Page {
  rows: Map<number, AuditRow>;
  /** Characters of row text held (what a page costs in memory beyond its row count). */
  text: number;
  /** The mirror's last seq when this page was read: a slot past it is pending, not missing. */
  heldThrough: number;
}

export class TrailWindow {
  /** Whether this droplet keeps a mirror (null: not asked yet, or the host has no auditWindow). */
  kept: boolean | null = null;
  mirror: MirrorView | null = null;
  version = 0;
  private readonly pages = new Map<number, Page>();
  private readonly inflight = new Set<number>();
  private wanted: { from: number; to: number } | null = null;
  private lastGrowAsk = 0;
  private readonly listeners = new Set<() => void>();
  private failed = false;

  constructor(
    private readonly platform: Platform,
    private readonly name: string,
    private readonly fail: (error: IpcError, what: string) => void,
  ) {}

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getVersion = (): number => this.version;

  /** Ask the core whether this droplet keeps a mirror and what it holds; false when it keeps none or cannot say. */
  async describe(): Promise<boolean> {
    if (!this.platform.has('auditWindow')) return false;
    let r;
    try {
      r = await this.platform.api.auditWindow({ name: this.name });
    } catch (err) {
      // Said once; the feed then loads its history from the droplet instead.
      this.fail(unexpected(err), 'Reading what this desktop holds of the audit trail');
      return false;
    }
    if (r.error) {
      this.fail(r.error, 'Reading what this desktop holds of the audit trail');
      return false;
    }
    this.take(r.result);
    this.bump();
    return this.kept === true;
  }

  /** The row for a seq: fetched, or a placeholder (pending / not held). */
  row(seq: number): AuditRow {
    const page = this.pages.get(pageOf(seq));
    const found = page?.rows.get(seq);
    if (found) return found;
    return placeholder(seq, page && seq <= page.heldThrough ? 'not-held' : 'pending');
  }

  /** The slots from..to are on screen (with their margin): read the pages they need, drop what is far away. */
  want(from: number, to: number): void {
    if (to < from) return;
    this.wanted = { from, to };
    const first = pageOf(from);
    const last = pageOf(to);
    for (let p = first; p <= last; p++) {
      const page = this.pages.get(p);
      if (!page) continue;
      // Most recently wanted last: Map order is the eviction order.
      this.pages.delete(p);
      this.pages.set(p, page);
    }
    this.askGrowth(first, last);
    this.pump();
  }

  /** The seq of the first record at or after a time (ISO 8601), or null when the mirror holds none that late. */
  async locate(time: string): Promise<{ seq: number | null } | { error: IpcError }> {
    const r = await this.platform.api.auditWindow({ name: this.name, time });
    if (r.error) return { error: r.error };
    this.take(r.result);
    this.bump();
    return { seq: r.result.seq };
  }

  private take(a: Answer): void {
    this.kept = a.kept;
    if (a.mirror && (this.mirror?.endSeq ?? -1) > (a.mirror.endSeq ?? -1) && this.mirror?.startSeq === a.mirror.startSeq) return; // an older answer
    this.mirror = a.mirror;
  }

  /** A wanted page read while the mirror was behind is read again once the mirror has grown past it. */
  private askGrowth(first: number, last: number): void {
    if (this.failed || !this.wanted) return;
    const end = this.mirror?.endSeq ?? 0;
    const to = this.wanted.to;
    let stale = false;
    for (let p = first; p <= last; p++) {
      const page = this.pages.get(p);
      // Only slots the list shows count: the page holding the mirror's last seq is not stale for seqs past the list.
      if (page && page.heldThrough < Math.min(pageEnd(p), to)) {
        if (end > page.heldThrough) this.pages.delete(p);
        else stale = true;
      }
    }
    if (!stale || Date.now() - this.lastGrowAsk < GROW_POLL_MS) return;
    this.lastGrowAsk = Date.now();
    setTimeout(() => {
      this.describe().then(
        (kept) => {
          // A failed look was said once (describe); no more polling until the feed is opened again.
          if (!kept) this.failed = true;
          else if (this.wanted) this.want(this.wanted.from, this.wanted.to);
        },
        (err: unknown) => this.stop(unexpected(err)),
      );
    }, GROW_POLL_MS);
  }

  /** Start reads for wanted pages not held, nearest the wanted range's middle first. */
  private pump(): void {
    if (!this.wanted || this.failed) return;
    const { from, to } = this.wanted;
    const mid = pageOf((from + to) / 2);
    const missing: number[] = [];
    for (let p = pageOf(from); p <= pageOf(to); p++) if (!this.pages.has(p) && !this.inflight.has(p)) missing.push(p);
    missing.sort((a, b) => Math.abs(a - mid) - Math.abs(b - mid));
    for (const p of missing) {
      if (this.inflight.size >= MAX_INFLIGHT) break;
      this.inflight.add(p);
      this.read(p).then(
        () => {
          this.inflight.delete(p);
          this.pump();
        },
        (err: unknown) => {
          this.inflight.delete(p);
          this.stop(unexpected(err));
        },
      );
    }
  }

  private async read(p: number): Promise<void> {
    const r = await this.platform.api.auditWindow({ name: this.name, fromSeq: p * WINDOW_PAGE, toSeq: pageEnd(p) });
    if (r.error) return this.stop(r.error);
    this.take(r.result);
    const rows = new Map<number, AuditRow>();
    let text = 0;
    for (const item of r.result.items) {
      // A record, or the marker standing for one too long to send whole.
      const at = recordAt(item);
      if (!at) continue;
      const row = { ...toRow(item), id: -at.seq };
      text += row.text.length;
      rows.set(at.seq, row);
    }
    this.pages.set(p, { rows, text, heldThrough: r.result.mirror?.endSeq ?? 0 });
    this.evict();
    this.bump();
  }

  /** A read failed: say so once, and read no more until the feed is opened again (pending rows stay pending). */
  private stop(error: IpcError): void {
    if (this.failed) return;
    this.failed = true;
    this.fail(error, 'Reading older audit records from this desktop’s copy');
  }

  /** The feed view opened again: reads that failed before are tried again. */
  retry(): void {
    this.failed = false;
  }

  private evict(): void {
    const keepFrom = this.wanted ? pageOf(this.wanted.from) : -1;
    const keepTo = this.wanted ? pageOf(this.wanted.to) : -1;
    let text = 0;
    for (const page of this.pages.values()) text += page.text;
    for (const [p, page] of this.pages) {
      if (this.pages.size <= MAX_PAGES && text <= MAX_TEXT) break;
      if (p >= keepFrom && p <= keepTo) continue;
      this.pages.delete(p);
      text -= page.text;
    }
  }

  private bump(): void {
    this.version++;
    this.listeners.forEach((l) => l());
  }
}

/** A rejection that is not an answer (the transport broke): as an error the feed can toast. */
const unexpected = (err: unknown): IpcError => ({ kind: 'failed', message: messageOf(err), hint: null });
const pageOf = (seq: number) => Math.floor(seq / WINDOW_PAGE);
const pageEnd = (p: number) => p * WINDOW_PAGE + WINDOW_PAGE - 1;

function placeholder(seq: number, kind: 'pending' | 'not-held'): AuditRow {
  return {
    id: -seq,
    kind,
    stream: 'activity',
    seq,
    ts: '',
    tsMs: 0,
    tool: '',
    outcome: null,
    blocked: null,
    channel: '',
    trust: '',
    elapsed: null,
    turn: null,
    summary: kind === 'pending' ? '…' : 'Not in this desktop’s copy of the trail (lost on the droplet, or dropped by the copy’s size cap)',
    text: '',
    fullLength: null,
    severity: null,
  };
}
