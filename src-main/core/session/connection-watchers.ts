/**
 * The background watchers of one connected droplet and their set-up: the
 * breaker watch, the audit feed (and the UI's follow of it), the fabrication
 * watch, which starts once the feed has caught up, and the control watch. The
 * WatchSink built here routes what they report to the droplet's status value
 * (connection-state.ts), its judge (feed-judge.ts) and the session.
 */
import type { FeedItem } from '../audit/diagnostics.js';
import type { Droplet } from '../droplet/droplet.js';
import { watchAlert } from './alerts.js';
import type { CatchUpPoint, CatchUpStore } from './catch-up-store.js';
import type { ConnectionHost } from './connection-host.js';
import type { ConnectionState } from './connection-state.js';
import { startControlWatch, type ControlHandle } from './control-watcher.js';
import type { FeedJudge } from './feed-judge.js';
import { startAuditFollow, startBreakerWatch, startFabricationWatch, type AuditWatch, type FabricationWatch, type WatchSink, type Watchers } from './watchers.js';
import { MirrorKeeper } from './mirror-keeper.js';

export class ConnectionWatchers {
  private watchers: Watchers[] = [];
  private audit: AuditWatch | null = null;
  private fabrication: FabricationWatch | null = null;
  private mirror: MirrorKeeper | null = null;
  private control: ControlHandle | null = null;
  private sink: WatchSink | null = null;
  private forwardAudit = false;
  /**
   * The background feed (and the archive, when fabrication is watched) has
   * read to the end once: what is appended from now on is judged live. On the
   * very first connection to a droplet there is no saved point, so judging
   * starts here; on every later start it resumes from the saved point.
   */
  feedLive = false;
  /** Settles when the audit feed has first read to the end (see follow). */
  private readonly feedCaught: Promise<void>;
  private markFeedCaught: () => void = () => undefined;

  constructor(
    private readonly name: string,
    private readonly host: ConnectionHost,
    private readonly state: ConnectionState,
    private readonly judge: FeedJudge,
    private readonly isClosed: () => boolean,
  ) {
    this.feedCaught = new Promise((resolve) => (this.markFeedCaught = resolve));
  }

  /** Hold-pause is holding a pause in place right now. */
  get holding(): boolean {
    return this.control?.holding ?? false;
  }

  setHold(on: boolean): void {
    this.control?.setHold(on);
  }

  /**
   * point: where the feed and the archive positions are kept; saved: where they were at the last close;
   * archiveEnd: without a saved point, the archive's size at connect (the fabrication watch reads on from there).
   */
  start(droplet: Droplet, saved: CatchUpPoint | null, point: CatchUpStore | null, archiveEnd: number | undefined, mirrorCapBytes: number): void {
    const name = this.name;
    const host = this.host;
    const sink: WatchSink = (this.sink = {
      onAudit: (item) => this.onAudit(item),
      onTripped: (e) => {
        this.state.setBreaker('tripped');
        host.push({ type: 'breaker', name, event: 'tripped', ...e });
        host.trigger({ kind: 'breaker-tripped', name, by: e.by, at: e.at, reason: e.reason });
        host.changed();
      },
      onRearmed: (e) => {
        this.state.setBreaker('armed');
        host.push({ type: 'breaker', name, event: 'rearmed', by: null, at: e.at, reason: null, restarts: [] });
        host.changed();
      },
      onFailure: (what, message, severity) => {
        // Nobody waits 30 s for a feed that has stopped.
        if (what === 'audit') this.markFeedCaught();
        host.addWarning(name, { kind: 'watch-failed', severity: severity ?? 'warning', tier: null, message, detail: { watcher: what } });
        if (severity === 'critical') host.trigger({ kind: 'trip-failed', name, detail: message, at: new Date(host.now()).toISOString() });
      },
      onFabrication: (w, excerpt) =>
        void this.judge.judged({
          kind: 'fabrication',
          severity: w.tier === 1 ? 'critical' : 'warning',
          tier: w.tier,
          message: `The reply says "${w.phrase}" (${w.claim}), but no tool call in turn ${w.turn} backs it${w.calls.length ? ' (only ones that do not do that, or failed)' : ''}.`,
          detail: { key: `${w.turn}:${w.tier}:${w.claim}`, turn: w.turn, phrase: w.phrase, phrases: [w.phrase], claim: w.claim, calls: w.calls, droplet: w.droplet, excerpt, ts: w.ts },
        }),
    });
    const watch = host.watch;
    if (watch?.breaker !== false) this.watchers.push(startBreakerWatch(droplet, sink, host.via));
    if (watch?.audit !== false) {
      // From the saved point when there is one: what was written while the app was closed is judged now.
      if (saved) this.judge.openWindow('start', null);
      // Without one, from the archive's end at connect: the feed can take seconds to catch up under load, and a
      // reply written meanwhile is judged too (the watch used to start at the end it found then, and skip it).
      const archiveStart = saved ? (saved.archive ?? 0) : archiveEnd;
      let first = true;
      const keeper = new MirrorKeeper(droplet, host.stateDir, mirrorCapBytes, (err) => host.logError(`${name}: syncing the audit mirror`, err));
      this.mirror = keeper;
      this.audit = startAuditFollow(droplet, sink, {
        stateDir: host.stateDir,
        lines: 0,
        receipts: true,
        resume: saved?.audit,
        mirrorCapBytes,
        onMirrorBehind: () => keeper.request(),
        onPosition: (p) => point?.setAudit(p),
        onCaughtUp: () => {
          // The history the mirror does not have yet, read once after the live feed is going.
          if (first) keeper.request();
          // Fabrication needs the turns' tool calls: the archive is read once the feed has caught up.
          if (first && watch?.fabrication !== false && !this.isClosed()) {
            this.fabrication = startFabricationWatch(droplet, sink, {
              // A saved point without an archive offset: the archive was empty or absent then, all of it is new.
              startOffset: archiveStart,
              onOffset: (o) => point?.setArchive(o),
              onCaughtUp: () => {
                this.feedLive = true;
                this.judge.archiveCaughtUp();
              },
            });
          } else if (first) this.feedLive = true;
          first = false;
          this.markFeedCaught();
          this.judge.feedCaughtUp();
        },
      });
    }
    if (watch?.control !== false) {
      this.control = startControlWatch(
        droplet,
        {
          onEvent: (e) => {
            this.judge.raise(watchAlert(name, e, this.state.current.link.state === 'connected'));
            this.state.syncHold();
          },
          // A flag change the watch saw is on screen at once, numbered like any other read.
          onReading: (r) => this.state.applyWatched(r),
          onHolding: () => this.state.syncHold(),
          onFailure: (message) => void host.addWarning(name, { kind: 'watch-failed', severity: 'warning', tier: null, message, detail: { watcher: 'control' } }),
        },
        { via: host.via, hold: this.state.current.hold.enabled },
      );
    }
  }

  /**
   * Forward live audit records to the UI (starting the feed if the background
   * one is off). Resolves once the feed has read to the end: a history read
   * the caller makes after this covers everything the feed will not deliver,
   * so no record falls between the two (at most 30 s, then it resolves anyway
   * and the caller's read covers what it can).
   */
  async follow(droplet: Droplet, opts: { lines?: number; receipts?: boolean }): Promise<void> {
    this.forwardAudit = true;
    if (!this.audit && this.sink) {
      this.audit = startAuditFollow(droplet, this.sink, { stateDir: this.host.stateDir, lines: opts.lines ?? 0, receipts: opts.receipts ?? true, onCaughtUp: () => this.markFeedCaught() });
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.feedCaught, new Promise<void>((r) => (timer = setTimeout(r, 30_000)))]);
    clearTimeout(timer);
  }

  unfollow(): void {
    this.forwardAudit = false;
    if (this.host.watch?.audit === false) {
      this.audit?.stop();
      this.audit = null;
    }
  }

  private onAudit(item: FeedItem): void {
    if (this.forwardAudit) this.host.push({ type: 'audit', name: this.name, item });
    if (item.type === 'record' && item.record.stream === 'activity') this.fabrication?.call(item.record.value);
    this.judge.onAudit(item);
  }

  /** Stop every watcher; returns the audit feed that was running, whose `done` settles once it has reported its last position. */
  stop(): AuditWatch | null {
    for (const w of this.watchers) w.stop();
    const audit = this.audit;
    audit?.stop();
    this.fabrication?.stop();
    this.control?.stop();
    this.mirror?.stop();
    this.mirror = null;
    this.watchers = [];
    this.audit = null;
    this.fabrication = null;
    this.control = null;
    return audit;
  }
}
