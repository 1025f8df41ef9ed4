/**
 * The catch-up window: after a start from a saved position, or a reconnect,
 * the feed and the archive deliver everything that came in while the app was
 * not looking. Judging it raises warnings like any other; what changes is the
 * tray: one digest notification at the end ("While you were away: 3
 * fabrication warnings, 1 blocked command that ran") instead of a storm.
 *
 * The window ends when the feed has caught up, the archive too (at start),
 * and then the fabrication scanner's quiet period has passed, since a reply
 * is judged only once its turn is quiet (antifab/live.ts).
 */
import type { Warning } from './droplet-state.js';

/** Longer than the LiveScanner's quiet period (5 s): every caught-up turn has been judged. */
export const CATCH_UP_SETTLE_MS = 6000;
/** An archive that never catches up (unreadable, a poll that keeps failing) must not hold notifications back for good. */
export const ARCHIVE_WAIT_MS = 60_000;

const LABELS: Partial<Record<Warning['kind'], [string, string]>> = {
  fabrication: ['fabrication warning', 'fabrication warnings'],
  'blocked-command-ran': ['blocked command that ran', 'blocked commands that ran'],
  'audit-rewritten': ['audit log rewrite', 'audit log rewrites'],
  'audit-rollback': ['audit log rollback', 'audit log rollbacks'],
  'sandbox-violation': ['sandbox violation', 'sandbox violations'],
};

export interface CatchUpOptions {
  /** The archive is read from a saved offset too (a start, not a reconnect). */
  needArchive: boolean;
  settleMs?: number;
  archiveWaitMs?: number;
  onDone(lines: string[]): void;
}

export class CatchUpWindow {
  private readonly counts = new Map<Warning['kind'], number>();
  private feedDone = false;
  private archiveDone: boolean;
  private timer: NodeJS.Timeout | null = null;
  private archiveTimer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(private readonly opts: CatchUpOptions) {
    this.archiveDone = !opts.needArchive;
  }

  get active(): boolean {
    return !this.ended;
  }

  /** A warning judged inside the window: counted for the digest, not notified on its own. */
  count(kind: Warning['kind']): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  feedCaughtUp(): void {
    if (!this.feedDone && !this.archiveDone) {
      const t = setTimeout(() => this.archiveCaughtUp(), this.opts.archiveWaitMs ?? ARCHIVE_WAIT_MS);
      t.unref();
      this.archiveTimer = t;
    }
    this.feedDone = true;
    this.maybeSettle();
  }

  archiveCaughtUp(): void {
    if (this.archiveTimer) clearTimeout(this.archiveTimer);
    this.archiveTimer = null;
    this.archiveDone = true;
    this.maybeSettle();
  }

  stop(): void {
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.archiveTimer) clearTimeout(this.archiveTimer);
    this.timer = null;
    this.archiveTimer = null;
  }

  private maybeSettle(): void {
    if (this.ended || this.timer || !this.feedDone || !this.archiveDone) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ended = true;
      const lines = digestLines(this.counts);
      if (lines.length > 0) this.opts.onDone(lines);
    }, this.opts.settleMs ?? CATCH_UP_SETTLE_MS);
    this.timer.unref();
  }
}

/** "3 fabrication warnings", "1 blocked command that ran", ... in a fixed order. */
export function digestLines(counts: ReadonlyMap<Warning['kind'], number>): string[] {
  const lines: string[] = [];
  let other = 0;
  for (const [kind, n] of counts) {
    const label = LABELS[kind];
    if (label) lines.push(`${n} ${n === 1 ? label[0] : label[1]}`);
    else other += n;
  }
  if (other > 0) lines.push(`${other} other warning${other === 1 ? '' : 's'}`);
  return lines;
}
