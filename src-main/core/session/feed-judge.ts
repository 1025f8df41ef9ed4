/**
 * What one droplet's logs bring in, judged: the alerts the audit feed's
 * records and diagnostics raise (alerts.ts says which), the warnings the
 * fabrication watch finds, and the catch-up window that holds their
 * notifications back for one digest when they are what came in unseen
 * (catch-up.ts). The control watch's alerts are raised here too, never held.
 */
import type { FeedItem } from '../audit/diagnostics.js';
import { feedAlert, whilePausedAlert, type Alert } from './alerts.js';
import { CatchUpWindow } from './catch-up.js';
import type { ConnectionHost } from './connection-host.js';
import type { Warning } from './droplet-state.js';

export class FeedJudge {
  /** Open while what came in unseen is being judged (catch-up.ts). */
  private window: { kind: 'start' | 'reconnect'; w: CatchUpWindow } | null = null;
  /** The feed has delivered what was there when it started (its first caught-up). */
  private backlogRead = false;

  constructor(
    private readonly name: string,
    private readonly host: Pick<ConnectionHost, 'watch' | 'now' | 'push' | 'trigger' | 'addWarning'>,
    /** Whether destructive actions are paused now: as last read, or held by the control watch. */
    private readonly paused: () => boolean,
  ) {}

  /** since: when the link went down (a reconnect), null at a start; it names the digest. */
  openWindow(kind: 'start' | 'reconnect', since: string | null): void {
    this.window?.w.stop();
    const w = new CatchUpWindow({
      needArchive: kind === 'start' && this.host.watch?.fabrication !== false,
      onDone: (lines) => this.host.trigger({ kind: 'digest', name: this.name, id: `${kind}:${since ?? new Date(this.host.now()).toISOString()}`, lines }),
    });
    this.window = { kind, w };
  }

  /** The background feed has read to the end: what it delivers from now on was written after it started. */
  feedCaughtUp(): void {
    this.backlogRead = true;
    this.window?.w.feedCaughtUp();
  }

  archiveCaughtUp(): void {
    this.window?.w.archiveCaughtUp();
  }

  stop(): void {
    this.window?.w.stop();
    this.window = null;
  }

  /** A warning judged from the feed or the archive: inside a catch-up window it waits for the digest. */
  judged(w: Omit<Warning, 'id' | 'name' | 'at'>): boolean {
    const win = this.window?.w.active ? this.window.w : null;
    win?.count(w.kind);
    this.host.addWarning(this.name, w, win === null);
    return win === null;
  }

  /** Apply an alert: its feed marker, warning and notification, each when it has one (`judged`: from the logs, so a catch-up digest may hold its notification). */
  raise(a: Alert, fromLogs = false): void {
    if (a.marker) this.host.push({ type: 'audit', name: this.name, item: { type: 'diagnostic', diagnostic: a.marker } });
    const notify = a.warning ? (fromLogs ? this.judged(a.warning) : (this.host.addWarning(this.name, a.warning), true)) : true;
    if (a.trigger && notify) this.host.trigger(a.trigger);
  }

  /** One item of the audit feed: an activity record done while paused, or the feed's own alert. */
  onAudit(item: FeedItem): void {
    if (item.type === 'record' && item.record.stream === 'activity') {
      // The backlog of a start was written under a switch nobody read then: not judged against today's.
      const fromBefore = this.window?.kind === 'start' && !this.backlogRead;
      const a = fromBefore ? null : whilePausedAlert(this.name, item.record.seq, item.record.value, this.paused(), new Date(this.host.now()).toISOString());
      if (a) this.raise(a, true);
    }
    if (item.type === 'diagnostic' && item.diagnostic.kind === 'alert') this.raise(feedAlert(this.name, item.diagnostic), true);
  }
}
