/**
 * One droplet's connection over its whole life in the app: the dial, the
 * background watchers, the refresh timer and the numbered reads that make up
 * its status value. One object per droplet, so that every caller shares it:
 *
 * - a connect already in flight is returned to a second caller, never
 *   started twice (two dials would leak a droplet, a timer and a feed);
 * - `close()` during a dial cancels it: the dial's result, when it comes,
 *   is closed at once and never becomes the connection;
 * - after a drop, the link reconnects by itself (SshLink); the feed, the
 *   watchers and the archive position carry on from where they were, and
 *   the values are read again.
 *
 * Plain Node: nothing here knows about Electron.
 */
import type { FeedItem } from '../audit/diagnostics.js';
import type { DropletProfile } from '../config/profile.js';
import { coreStatus } from '../controls/status.js';
import type { SwitchReading } from '../controls/switch-state.js';
import type { Droplet } from '../droplet/droplet.js';
import { describeError, StratamError } from '../errors.js';
import type { BackoffPolicy, LinkState } from '../ssh/link-state.js';
import type { Trigger } from '../tray/notify-policy.js';
import { feedAlert, watchAlert, whilePausedAlert, type Alert } from './alerts.js';
import { CatchUpWindow } from './catch-up.js';
import { CatchUpStore, type CatchUpPoint } from './catch-up-store.js';
import { startControlWatch, type ControlHandle } from './control-watcher.js';
import { initialState, withLink, withRead, type DropletState, type Warning } from './droplet-state.js';
import type { SessionEvent } from './session-events.js';
import { archiveEnd, startAuditFollow, startBreakerWatch, startFabricationWatch, type AuditWatch, type FabricationWatch, type WatchSink, type Watchers } from './watchers.js';
import { background } from '../log/logger.js';

/** What a connection needs from the session around it. */
export interface ConnectionHost {
  readonly via: string;
  readonly stateDir: string;
  readonly watch: { breaker?: boolean; audit?: boolean; fabrication?: boolean; control?: boolean } | undefined;
  readonly refreshMs: number;
  readonly backoff: BackoffPolicy | undefined;
  now(): number;
  passphrase(profile: DropletProfile): Promise<string | undefined>;
  push(e: SessionEvent): void;
  trigger(t: Trigger): void;
  /** notify false: listed and counted, but no notification of its own (a catch-up digest covers it). */
  addWarning(name: string, w: Omit<Warning, 'id' | 'name' | 'at'>, notify?: boolean): Warning;
  /** An error with nobody waiting for it (a background read): it goes to the log. */
  logError(source: string, err: unknown): void;
  /** The state value changed: the session pushes every droplet's state. */
  changed(): void;
}

export class DropletConnection {
  state: DropletState;
  private droplet: Droplet | null = null;
  private dialing: Promise<Droplet> | null = null;
  private closed = false;
  /** Aborted by close(): a dial in flight stops where it is (credentials, TCP, handshake, a retry timer). */
  private readonly dialAbort = new AbortController();
  private watchers: Watchers[] = [];
  private audit: AuditWatch | null = null;
  private fabrication: FabricationWatch | null = null;
  private control: ControlHandle | null = null;
  private sink: WatchSink | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Reads started so far: each read takes the next number when it starts (see withRead). */
  private issued = 0;
  private forwardAudit = false;
  /** How far this droplet has been judged, kept between runs (catch-up-store.ts). */
  private point: CatchUpStore | null = null;
  /** Open while what came in unseen is being judged (catch-up.ts). */
  private window: { kind: 'start' | 'reconnect'; w: CatchUpWindow } | null = null;
  private wasConnected = false;
  /** The feed has delivered what was there when it started (its first caught-up). */
  private backlogRead = false;
  /**
   * The background feed (and the archive, when fabrication is watched) has
   * read to the end once: what is appended from now on is judged live. On the
   * very first connection to a droplet there is no saved point, so judging
   * starts here; on every later start it resumes from the saved point.
   */
  feedLive = false;
  /** Settles when the audit feed has first read to the end (see followAudit). */
  private readonly feedCaught: Promise<void>;
  private markFeedCaught: () => void = () => undefined;

  constructor(
    public profile: DropletProfile,
    private readonly host: ConnectionHost,
  ) {
    this.state = { ...initialState(profile.name), hold: { enabled: profile.holdPause !== false, active: false } };
    this.feedCaught = new Promise((resolve) => (this.markFeedCaught = resolve));
  }

  get name(): string {
    return this.profile.name;
  }

  get connected(): Droplet | null {
    return this.droplet;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Open the droplet (once): every caller while a dial is in flight gets the
   * same promise. Rejects if the dial fails or `close()` cancels it.
   */
  open(profile: DropletProfile): Promise<Droplet> {
    if (this.closed) return Promise.reject(cancelled(this.name));
    if (this.droplet) return Promise.resolve(this.droplet);
    if (!this.dialing) {
      this.profile = profile;
      this.state = { ...this.state, hold: { enabled: profile.holdPause !== false, active: false } };
      this.dialing = this.dial(profile).finally(() => {
        this.dialing = null;
      });
    }
    return this.dialing;
  }

  private async dial(profile: DropletProfile): Promise<Droplet> {
    this.setLink({ state: 'connecting', attempt: 1 });
    let droplet: Droplet;
    try {
      if (profile.transport === 'local') {
        const { LocalDroplet } = await import('../droplet/local-droplet.js');
        droplet = new LocalDroplet(profile.paths);
      } else {
        const { SshDroplet } = await import('../droplet/ssh-droplet.js');
        const passphrase = await this.host.passphrase(profile);
        if (this.closed) throw cancelled(this.name);
        const ssh = await SshDroplet.connect(profile, {
          reconnect: true,
          signal: this.dialAbort.signal,
          ...(this.host.backoff ? { backoff: this.host.backoff } : {}),
          ...(passphrase ? { passphrase } : {}),
        });
        if (this.closed) {
          // Closed while dialing: this connection was never handed out, end it now.
          await ssh.close().catch((err: unknown) => this.host.logError(`${this.name}: closing a cancelled dial`, err));
          throw cancelled(this.name);
        }
        ssh.link.on('state', (s: LinkState) => this.onLink(s));
        droplet = ssh;
      }
    } catch (err) {
      if (this.closed) throw cancelled(this.name);
      this.setLink({ state: 'failed', reason: describeError(err), hostKeyRefused: (err as StratamError).detail?.hostKeyRefused === true });
      throw err;
    }
    this.droplet = droplet;
    this.setLink({ state: 'connected', since: new Date(this.host.now()).toISOString(), hostKey: droplet.identity.hostKey ?? '' });
    this.wasConnected = true;
    await this.refreshLogged('first read');
    const store = new CatchUpStore(this.host.stateDir, droplet.identity, (err) => this.host.logError(`${this.name}: catch-up position`, err));
    const saved = await store.load();
    // close() ran during the first reads: it has already ended this droplet.
    if (this.closed) throw cancelled(this.name);
    this.point = store;
    this.startWatchers(droplet, saved);
    this.timer = setInterval(() => background(this.refreshLogged('timed read'), 'session', 'a timed read'), this.host.refreshMs);
    this.timer.unref();
    return droplet;
  }

  /** The link's own reconnects: after one, read the values again (the watchers resume by themselves). */
  private onLink(link: LinkState): void {
    if (this.closed || link.state === 'closed') return;
    const back = link.state === 'connected' && !this.wasConnected;
    this.wasConnected = link.state === 'connected';
    this.setLink(link);
    if (!back) return;
    // What came in while the link was down is judged now: one digest, not a storm.
    if (this.host.watch?.audit !== false) this.openWindow('reconnect');
    background(this.refreshLogged('read after reconnect'), 'session', 'the read after a reconnect');
  }

  private openWindow(kind: 'start' | 'reconnect'): void {
    this.window?.w.stop();
    const since = kind === 'start' ? null : this.state.downSince;
    const w = new CatchUpWindow({
      needArchive: kind === 'start' && this.host.watch?.fabrication !== false,
      onDone: (lines) => this.host.trigger({ kind: 'digest', name: this.name, id: `${kind}:${since ?? new Date(this.host.now()).toISOString()}`, lines }),
    });
    this.window = { kind, w };
  }

  /** A warning judged from the feed or the archive: inside a catch-up window it waits for the digest. */
  private judged(w: Omit<Warning, 'id' | 'name' | 'at'>): boolean {
    const win = this.window?.w.active ? this.window.w : null;
    win?.count(w.kind);
    this.host.addWarning(this.name, w, win === null);
    return win === null;
  }

  private async refreshLogged(why: string): Promise<void> {
    try {
      await this.refresh();
    } catch (err) {
      // The link's own state already tells the person it is down; the read error goes to the log.
      this.host.logError(`${this.name}: ${why}`, err);
    }
  }

  /** Re-read flags and breaker (after an action, a reconnect, and on a timer). */
  async refresh(): Promise<DropletState> {
    const droplet = this.require();
    const seq = ++this.issued;
    const s = await coreStatus(droplet);
    this.applyRead(seq, { switch: s.flags.switch, breaker: s.breaker.state });
    return this.state;
  }

  /** The droplet, or a connect error that says what to do. */
  require(): Droplet {
    if (!this.droplet) throw new StratamError('connect', `${this.name} is not connected.`, { hint: `Connect to ${this.name} first (Connect in the dashboard).` });
    return this.droplet;
  }

  /** See withRead: numbered reads, the newest wins. */
  private applyRead(seq: number, v: { switch?: SwitchReading; breaker?: DropletState['breaker'] }): void {
    const next = withRead(this.state, seq, v, new Date(this.host.now()));
    if (!next) return;
    this.state = next;
    this.syncHold();
    this.host.changed();
  }

  /** A pause or resume read back on the droplet: numbered when it finished, so any read begun before it yields. */
  applyVerified(selfModifyAllowed: boolean): void {
    const prev = this.state.switch;
    const sw: SwitchReading = { selfModify: selfModifyAllowed ? 'allowed' : 'paused', eternalLoop: prev?.eternalLoop ?? 'unknown', unknown: prev?.eternalLoop === 'unknown' ? prev.unknown : null };
    this.applyRead(++this.issued, { switch: sw });
  }

  private startWatchers(droplet: Droplet, saved: CatchUpPoint | null): void {
    const name = this.name;
    const host = this.host;
    const point = this.point;
    const sink: WatchSink = (this.sink = {
      onAudit: (item) => this.onAudit(item),
      onTripped: (e) => {
        this.state = { ...this.state, breaker: 'tripped' };
        host.push({ type: 'breaker', name, event: 'tripped', ...e });
        host.trigger({ kind: 'breaker-tripped', name, by: e.by, at: e.at, reason: e.reason });
        host.changed();
      },
      onRearmed: (e) => {
        this.state = { ...this.state, breaker: 'armed' };
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
        void this.judged({
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
      if (saved) this.openWindow('start');
      // Without one, from the archive's end now, at connect: the feed can take seconds to catch up under load, and a
      // reply written meanwhile is judged too (the watch used to start at the end it found then, and skip it).
      const archiveStart = saved ? (saved.archive ?? 0) : watch?.fabrication === false ? undefined : archiveEnd(droplet, (err) => host.logError(`${name}: the archive's size at connect`, err));
      let first = true;
      this.audit = startAuditFollow(droplet, sink, {
        stateDir: host.stateDir,
        lines: 0,
        receipts: true,
        resume: saved?.audit,
        onPosition: (p) => point?.setAudit(p),
        onCaughtUp: () => {
          // Fabrication needs the turns' tool calls: the archive is read once the feed has caught up.
          if (first && watch?.fabrication !== false && !this.closed) {
            this.fabrication = startFabricationWatch(droplet, sink, {
              // A saved point without an archive offset: the archive was empty or absent then, all of it is new.
              startOffset: archiveStart,
              onOffset: (o) => point?.setArchive(o),
              onCaughtUp: () => {
                this.feedLive = true;
                this.window?.w.archiveCaughtUp();
              },
            });
          } else if (first) this.feedLive = true;
          first = false;
          this.backlogRead = true;
          this.markFeedCaught();
          this.window?.w.feedCaughtUp();
        },
      });
    }
    if (watch?.control !== false) {
      this.control = startControlWatch(
        droplet,
        {
          onEvent: (e) => {
            this.raise(watchAlert(name, e, this.state.link.state === 'connected'));
            this.syncHold();
          },
          // A flag change the watch saw is on screen at once, numbered like any other read.
          onReading: (r) => this.applyRead(++this.issued, { switch: r }),
          onHolding: () => this.syncHold(),
          onFailure: (message) => void host.addWarning(name, { kind: 'watch-failed', severity: 'warning', tier: null, message, detail: { watcher: 'control' } }),
        },
        { via: host.via, hold: this.state.hold.enabled },
      );
    }
  }

  /** Apply an alert: its feed marker, warning and notification, each when it has one (`judged`: from the logs, so a catch-up digest may hold its notification). */
  private raise(a: Alert, fromLogs = false): void {
    if (a.marker) this.host.push({ type: 'audit', name: this.name, item: { type: 'diagnostic', diagnostic: a.marker } });
    const notify = a.warning ? (fromLogs ? this.judged(a.warning) : (this.host.addWarning(this.name, a.warning), true)) : true;
    if (a.trigger && notify) this.host.trigger(a.trigger);
  }

  private syncHold(): void {
    const active = this.control?.holding ?? false;
    if (this.state.hold.active === active) return;
    this.state = { ...this.state, hold: { ...this.state.hold, active } };
    this.host.changed();
  }

  setHold(profile: DropletProfile, on: boolean): void {
    this.profile = profile;
    this.control?.setHold(on);
    this.state = { ...this.state, hold: { enabled: on, active: this.control?.holding ?? false } };
    this.host.changed();
  }

  /**
   * Forward live audit records to the UI (starting the feed if the background
   * one is off). Resolves once the feed has read to the end: a history read
   * the caller makes after this covers everything the feed will not deliver,
   * so no record falls between the two (at most 30 s, then it resolves anyway
   * and the caller's read covers what it can).
   */
  async followAudit(opts: { lines?: number; receipts?: boolean }): Promise<void> {
    const droplet = this.require();
    this.forwardAudit = true;
    if (!this.audit && this.sink) {
      this.audit = startAuditFollow(droplet, this.sink, { stateDir: this.host.stateDir, lines: opts.lines ?? 0, receipts: opts.receipts ?? true, onCaughtUp: () => this.markFeedCaught() });
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.feedCaught, new Promise<void>((r) => (timer = setTimeout(r, 30_000)))]);
    clearTimeout(timer);
  }

  unfollowAudit(): void {
    this.forwardAudit = false;
    if (this.host.watch?.audit === false) {
      this.audit?.stop();
      this.audit = null;
    }
  }

  private onAudit(item: FeedItem): void {
    if (this.forwardAudit) this.host.push({ type: 'audit', name: this.name, item });
    if (item.type === 'record' && item.record.stream === 'activity') {
      this.fabrication?.call(item.record.value);
      // The backlog of a start was written under a switch nobody read then: not judged against today's.
      const fromBefore = this.window?.kind === 'start' && !this.backlogRead;
      const paused = this.state.switch?.selfModify === 'paused' || (this.control?.holding ?? false);
      const a = fromBefore ? null : whilePausedAlert(this.name, item.record.seq, item.record.value, paused, new Date(this.host.now()).toISOString());
      if (a) this.raise(a, true);
    }
    if (item.type === 'diagnostic' && item.diagnostic.kind === 'alert') this.raise(feedAlert(this.name, item.diagnostic), true);
  }

  /** The unacknowledged tier-1 fabrication count the tray shows. */
  setFabrications(n: number): void {
    if (this.state.fabrications === n) return;
    this.state = { ...this.state, fabrications: n };
    this.host.changed();
  }

  /**
   * Close for good: stop every watcher and the timer, cancel a dial in
   * flight, end the droplet. Idempotent; a closed connection is never
   * reopened (the session makes a new one).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dialAbort.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const w of this.watchers) w.stop();
    const audit = this.audit;
    audit?.stop();
    this.fabrication?.stop();
    this.control?.stop();
    this.window?.w.stop();
    this.window = null;
    this.watchers = [];
    this.audit = null;
    this.fabrication = null;
    this.control = null;
    const d = this.droplet;
    this.droplet = null;
    this.state = withLink(this.state, { state: 'closed' }, new Date(this.host.now()));
    // The feed reports its last position as it stops; then the point is saved with it.
    if (audit) await Promise.race([audit.done, new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.point?.save();
    if (d) await d.close().catch((err: unknown) => this.host.logError(`${this.name}: closing the connection`, err));
  }

  private setLink(link: LinkState): void {
    this.state = withLink(this.state, link, new Date(this.host.now()));
    this.host.push({ type: 'link', name: this.name, link, droplet: this.state });
    this.host.changed();
  }
}

function cancelled(name: string): StratamError {
  return new StratamError('connect', `The connection to ${name} was closed while it was being made.`, { hint: `Connect to ${name} again if you still want it.` });
}
