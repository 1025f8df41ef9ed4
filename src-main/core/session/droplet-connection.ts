/**
 * One droplet's connection over its whole life in the app: the dial, the
 * link's reconnects, the refresh timer and the close. One object per droplet,
 * so that every caller shares it:
 *
 * - a connect already in flight is returned to a second caller, never
 *   started twice (two dials would leak a droplet, a timer and a feed);
 * - `close()` during a dial cancels it: the dial's result, when it comes,
 *   is closed at once and never becomes the connection;
 * - after a drop, the link reconnects by itself (SshLink); the feed, the
 *   watchers and the archive position carry on from where they were, and
 *   the values are read again.
 *
 * Its parts: the status value and its numbered reads (connection-state.ts),
 * the background watchers (connection-watchers.ts), and the judging of what
 * the logs bring in, with the catch-up window (feed-judge.ts).
 *
 * Plain Node: nothing here knows about Electron.
 */
import { mirrorCapBytes, type DropletProfile } from '../config/profile.js';
import type { Droplet } from '../droplet/droplet.js';
import { describeError, StratamError } from '../errors.js';
import type { LinkState } from '../ssh/link-state.js';
import { CatchUpStore } from './catch-up-store.js';
import type { ConnectionHost } from './connection-host.js';
import { ConnectionState } from './connection-state.js';
import { ConnectionWatchers } from './connection-watchers.js';
import { archiveEnd } from './watchers.js';
import type { DropletState } from './droplet-state.js';
import { FeedJudge } from './feed-judge.js';
import { background } from '../log/logger.js';

export class DropletConnection {
  private readonly values: ConnectionState;
  private readonly judge: FeedJudge;
  private readonly watchers: ConnectionWatchers;
  private droplet: Droplet | null = null;
  private dialing: Promise<Droplet> | null = null;
  private closed = false;
  /** Aborted by close(): a dial in flight stops where it is (credentials, TCP, handshake, a retry timer). */
  private readonly dialAbort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  /** How far this droplet has been judged, kept between runs (catch-up-store.ts). */
  private point: CatchUpStore | null = null;
  private wasConnected = false;

  constructor(
    public profile: DropletProfile,
    private readonly host: ConnectionHost,
  ) {
    const name = profile.name;
    this.values = new ConnectionState(name, profile.holdPause !== false, host, () => this.watchers.holding);
    this.judge = new FeedJudge(name, host, () => this.values.current.switch?.selfModify === 'paused' || this.watchers.holding);
    this.watchers = new ConnectionWatchers(name, host, this.values, this.judge, () => this.closed);
  }

  get name(): string {
    return this.profile.name;
  }

  get state(): DropletState {
    return this.values.current;
  }

  /** The background feed has caught up once (see ConnectionWatchers.feedLive). */
  get feedLive(): boolean {
    return this.watchers.feedLive;
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
      this.values.resetHold(profile.holdPause !== false);
      this.dialing = this.dial(profile).finally(() => {
        this.dialing = null;
      });
    }
    return this.dialing;
  }

  private async dial(profile: DropletProfile): Promise<Droplet> {
    this.values.setLink({ state: 'connecting', attempt: 1 });
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
      this.values.setLink({ state: 'failed', reason: describeError(err), hostKeyRefused: (err as StratamError).detail?.hostKeyRefused === true });
      throw err;
    }
    this.droplet = droplet;
    this.values.setLink({ state: 'connected', since: new Date(this.host.now()).toISOString(), hostKey: droplet.identity.hostKey ?? '' });
    this.wasConnected = true;
    await this.refreshLogged('first read');
    const store = new CatchUpStore(this.host.stateDir, droplet.identity, (err) => this.host.logError(`${this.name}: catch-up position`, err));
    const saved = await store.load();
    // close() ran during the first reads: it has already ended this droplet.
    if (this.closed) throw cancelled(this.name);
    this.point = store;
    // Without a saved point the archive is judged from where it ends now, read before connect resolves: a reply
    // written once connect has returned is judged, however long the feed then takes to catch up.
    const watch = this.host.watch;
    const archiveStart =
      saved || watch?.audit === false || watch?.fabrication === false ? undefined : await archiveEnd(droplet, (err) => this.host.logError(`${this.name}: the archive's size at connect`, err));
    if (this.closed) throw cancelled(this.name);
    this.watchers.start(droplet, saved, store, archiveStart, mirrorCapBytes(this.profile));
    this.timer = setInterval(() => background(this.refreshLogged('timed read'), 'session', 'a timed read'), this.host.refreshMs);
    this.timer.unref();
    return droplet;
  }

  /** The link's own reconnects: after one, read the values again (the watchers resume by themselves). */
  private onLink(link: LinkState): void {
    if (this.closed || link.state === 'closed') return;
    const back = link.state === 'connected' && !this.wasConnected;
    this.wasConnected = link.state === 'connected';
    this.values.setLink(link);
    if (!back) return;
    // What came in while the link was down is judged now: one digest, not a storm.
    if (this.host.watch?.audit !== false) this.judge.openWindow('reconnect', this.values.current.downSince);
    background(this.refreshLogged('read after reconnect'), 'session', 'the read after a reconnect');
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
    return this.values.read(this.require());
  }

  /** The droplet, or a connect error that says what to do. */
  require(): Droplet {
    if (!this.droplet) throw new StratamError('connect', `${this.name} is not connected.`, { hint: `Connect to ${this.name} first (Connect in the dashboard).` });
    return this.droplet;
  }

  /** A pause or resume read back on the droplet: numbered when it finished, so any read begun before it yields. */
  applyVerified(selfModifyAllowed: boolean): void {
    this.values.applyVerified(selfModifyAllowed);
  }

  setHold(profile: DropletProfile, on: boolean): void {
    this.profile = profile;
    this.watchers.setHold(on);
    this.values.setHold(on);
  }

  /** See ConnectionWatchers.follow: resolves once the feed has read to the end (at most 30 s). */
  async followAudit(opts: { lines?: number; receipts?: boolean }): Promise<void> {
    await this.watchers.follow(this.require(), opts);
  }

  unfollowAudit(): void {
    this.watchers.unfollow();
  }

  /** The unacknowledged tier-1 fabrication count the tray shows. */
  setFabrications(n: number): void {
    this.values.setFabrications(n);
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
    const audit = this.watchers.stop();
    this.judge.stop();
    const d = this.droplet;
    this.droplet = null;
    this.values.setClosed();
    // The feed reports its last position as it stops; then the point is saved with it.
    if (audit) await Promise.race([audit.done, new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.point?.save();
    if (d) await d.close().catch((err: unknown) => this.host.logError(`${this.name}: closing the connection`, err));
  }
}

function cancelled(name: string): StratamError {
  return new StratamError('connect', `The connection to ${name} was closed while it was being made.`, { hint: `Connect to ${name} again if you still want it.` });
}
