/**
 * The app's session: the saved droplets, one DropletConnection each
 * (droplet-connection.ts holds the lifecycle; host-key-trust.ts decides
 * whether a droplet's key is trusted before it is dialled), the warnings log, the
 * notification policy, and one stream of events for whatever face listens
 * (Electron's tray and window, the browser harness, tests). Plain Node:
 * nothing here knows about Electron.
 */
import { EventEmitter } from 'node:events';
import type { DropletProfile } from '../config/profile.js';
import { ProfileStore } from '../config/profile-store.js';
import { pause, resume, type FlagResult } from '../controls/pause.js';
import type { Droplet } from '../droplet/droplet.js';
import { describeError, refusedError, StratamError } from '../errors.js';
import type { BackoffPolicy } from '../ssh/link-state.js';
import { NotificationPolicy, type Trigger } from '../tray/notify-policy.js';
import type { DropletState, Warning } from './droplet-state.js';
import type { ConnectionHost } from './connection-host.js';
import { DropletConnection } from './droplet-connection.js';
import { checkHostKey, checkKeyToPin, type ConfirmHostKey } from './host-key-trust.js';
import type { SessionEvent } from './session-events.js';
import { WarningsLog } from './warnings-log.js';
import { linkWillReturn, PauseQueue, refuseResumeWhileDown } from './queued-pause.js';
import { reportError } from '../log/logger.js';

export interface SessionOptions {
  stateDir: string;
  /** Saved droplets (default: the profiles file in stateDir). */
  profiles?: ProfileStore;
  /** Recorded in receipts as `via` (default "tray"). */
  via?: string;
  /** The passphrase of an encrypted identity file (the app reads it from safeStorage). */
  passphrase?: (profile: DropletProfile) => Promise<string | undefined>;
  /** Background watchers (default on); tests of the contract turn them off. */
  watch?: { breaker?: boolean; audit?: boolean; fabrication?: boolean; control?: boolean };
  /** How often the flags and breaker are re-read (default 30 s). */
  refreshMs?: number;
  backoff?: BackoffPolicy;
  now?: () => number;
  /** Where errors nobody waits for go (default: the log; see core/log). */
  logError?: (source: string, err: unknown) => void;
}

export type ConnectOutcome =
  /** hostKey is null for a local droplet (this machine: no host key to verify). */
  { status: 'connected'; hostKey: string | null } | ConfirmHostKey;

export class Session extends EventEmitter {
  readonly profiles: ProfileStore;
  readonly notifications = new NotificationPolicy();
  private readonly connections = new Map<string, DropletConnection>();
  private readonly log: WarningsLog;
  private readonly now: () => number;
  private readonly host: ConnectionHost;
  private readonly pauses: PauseQueue; // pressed while a link was down, applied first when it is back
  private closed = false;

  constructor(readonly opts: SessionOptions) {
    super();
    this.profiles = opts.profiles ?? new ProfileStore(opts.stateDir);
    this.now = opts.now ?? Date.now;
    this.log = new WarningsLog(this.now);
    const logError = opts.logError ?? defaultLogError;
    this.host = {
      via: this.via,
      stateDir: opts.stateDir,
      watch: opts.watch,
      refreshMs: opts.refreshMs ?? 30_000,
      backoff: opts.backoff,
      now: this.now,
      passphrase: async (p) => opts.passphrase?.(p),
      push: (e) => this.push(e),
      trigger: (t) => this.trigger(t),
      addWarning: (name, w, notify) => this.addWarning(name, w, notify),
      logError,
      changed: () => this.pushState(),
    };
    this.pauses = new PauseQueue({ now: this.now, push: (e) => this.emit('event', e), apply: (name, queuedAt) => this.pauseNow(name, { queuedAt }) });
  }

  get via(): string {
    return this.opts.via ?? 'tray';
  }

  push(e: SessionEvent): void {
    // A queued pause starts here, before anyone hears that the link is back (the connection's reads come after this push).
    if (e.type === 'link') this.pauses.onLink(e.name, e.link);
    this.emit('event', e);
  }

  states(): DropletState[] {
    return [...this.connections.values()].map((c) => c.state);
  }

  stateOf(name: string): DropletState | null {
    return this.connections.get(name)?.state ?? null;
  }

  /** The connected droplet, or a connect error that says what to do. */
  droplet(name: string): Droplet {
    const c = this.connections.get(name);
    if (!c) throw new StratamError('connect', `${name} is not connected.`, { hint: `Connect to ${name} first (Connect in the dashboard).` });
    return c.require();
  }

  /**
   * Connect a saved droplet. Every caller while a connect is in flight shares
   * it (the host's auto-connect and the console's Connect, a double click):
   * one dial, one set of watchers.
   */
  async connect(name: string): Promise<ConnectOutcome> {
    const existing = this.connections.get(name);
    if (existing?.connected) return { status: 'connected', hostKey: existing.connected.identity.hostKey };
    const profile = await this.profiles.get(name);
    if (profile.transport === 'local') return this.open(profile);
    // A dial already under way has passed the host-key check below.
    if (existing && !existing.isClosed && existing.state.link.state === 'connecting') return this.open(profile);
    return (await checkHostKey(name, profile)) ?? this.open(profile);
  }

  /** Pin the key the person confirmed, but only if the droplet still offers exactly that key. */
  async confirmHostKey(name: string, fingerprint: string): Promise<{ status: 'connected'; hostKey: string }> {
    const profile = await this.profiles.get(name);
    await checkKeyToPin(name, profile, fingerprint);
    const pinned = { ...profile, fingerprint };
    await this.profiles.save(pinned);
    await this.open(pinned);
    return { status: 'connected', hostKey: fingerprint };
  }

  private async open(profile: DropletProfile): Promise<{ status: 'connected'; hostKey: string | null }> {
    let c = this.connections.get(profile.name);
    if (!c || c.isClosed) {
      c = new DropletConnection(profile, this.host);
      this.connections.set(profile.name, c);
    }
    const droplet = await c.open(profile);
    return { status: 'connected', hostKey: droplet.identity.hostKey };
  }

  /** Hold-pause on or off for one droplet (saved with its profile; on by default). */
  async setHoldPause(name: string, on: boolean): Promise<DropletState> {
    const c = this.connectionOf(name);
    const profile = { ...(await this.profiles.get(name)), holdPause: on };
    await this.profiles.save(profile);
    c.setHold(profile, on);
    return c.state;
  }

  /** Forward live audit records to the UI (starting the feed if the background one is off). */
  followAudit(name: string, opts: { lines?: number; receipts?: boolean } = {}): Promise<void> {
    return this.connectionOf(name).followAudit(opts);
  }

  /** The droplet's background feed has caught up once (tests and the harness wait on it). */
  feedLive(name: string): boolean {
    return this.connections.get(name)?.feedLive ?? false;
  }

  unfollowAudit(name: string): void {
    this.connections.get(name)?.unfollowAudit();
  }

  /** notify false: listed and counted but not notified on its own (a catch-up digest covers it). */
  addWarning(name: string, w: Omit<Warning, 'id' | 'name' | 'at'>, notify = true): Warning {
    const c = this.connectionOf(name);
    const warning = this.log.add(name, w);
    if (w.kind === 'fabrication' && w.tier === 1) {
      if (notify) this.trigger({ kind: 'fabrication', name, tier: 1, id: String(w.detail.key ?? warning.id), phrases: Array.isArray(w.detail.phrases) ? (w.detail.phrases as string[]) : [] });
      c.setFabrications(this.log.openFabrications(name));
    }
    this.push({ type: 'warning', warning });
    return warning;
  }

  warnings(name?: string): Warning[] {
    if (name !== undefined) this.connectionOf(name);
    return this.log.list(name);
  }

  /**
   * Acknowledge one warning, or all (of one droplet or every one): the tray
   * and the counts then reflect only what is still open. Each changed warning
   * is pushed again, so every open console shows it acknowledged.
   */
  acknowledgeWarnings(sel: { id: string } | { all: true; name?: string }): Warning[] {
    const changed = this.log.acknowledge(sel);
    for (const w of changed) this.push({ type: 'warning', warning: w });
    for (const name of new Set(changed.map((w) => w.name))) this.connections.get(name)?.setFabrications(this.log.openFabrications(name));
    return changed;
  }

  /** Re-read flags and breaker (after an action, a reconnect, and on a timer). */
  async refresh(name: string): Promise<DropletState> {
    return this.connectionOf(name).refresh();
  }

  /** Verified by read-back; while the link is down, queued (a `pauseQueue` event says so) and resolved once applied on reconnect. */
  async pause(name: string): Promise<FlagResult> {
    this.droplet(name);
    const link = this.connectionOf(name).state.link;
    return linkWillReturn(link) || this.pauses.has(name) ? this.pauses.queue(name, link) : this.pauseNow(name);
  }

  private async pauseNow(name: string, args?: Record<string, unknown>): Promise<FlagResult> {
    const r = await pause(this.droplet(name), this.via, args);
    this.connections.get(name)?.applyVerified(r.selfModifyAllowed);
    return r;
  }

  /** The caller has asked the person; `confirmed` must be literally true. */
  async resume(name: string, confirmed: boolean): Promise<FlagResult> {
    if (confirmed !== true) throw refusedError('Resuming destructive actions needs confirmation.', 'Ask the person, then send confirm: true.');
    const droplet = this.droplet(name);
    refuseResumeWhileDown(name, this.connectionOf(name).state.link);
    const r = await resume(droplet, this.via);
    this.connectionOf(name).applyVerified(r.selfModifyAllowed);
    return r;
  }

  /** Pause every droplet the session knows, in parallel; each result verified by read-back. */
  async pauseAll(): Promise<Array<{ name: string; ok: boolean; selfModifyAllowed: boolean | null; changed: boolean | null; error: string | null }>> {
    return Promise.all(
      [...this.connections.keys()].map(async (name) => {
        try {
          const r = await this.pause(name);
          return { name, ok: r.selfModifyAllowed === false, selfModifyAllowed: r.selfModifyAllowed, changed: r.changed, error: null };
        } catch (err) {
          return { name, ok: false, selfModifyAllowed: null, changed: null, error: describeError(err) };
        }
      }),
    );
  }

  /** Disconnect one droplet: a dial in flight is cancelled, every watcher stops, the connection ends. */
  async disconnect(name: string): Promise<boolean> {
    const c = this.connections.get(name);
    if (!c) return false;
    this.connections.delete(name);
    await c.close();
    this.push({ type: 'link', name, link: { state: 'closed' }, droplet: c.state });
    this.pushState();
    return true;
  }

  async removeProfile(name: string): Promise<boolean> {
    await this.disconnect(name);
    this.log.forget(name);
    return this.profiles.remove(name);
  }

  /** Connection-lost notifications; the host calls this on a timer. */
  tick(): void {
    for (const n of this.notifications.tick(this.states(), this.now())) this.push({ type: 'notify', notification: n });
  }

  mute(hours: 0 | 1 | 8 | 24): number | null {
    return this.notifications.mute(hours, this.now());
  }

  trigger(t: Trigger): void {
    const n = this.notifications.consider(t, this.now());
    if (n) this.push({ type: 'notify', notification: n });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.connections.keys()].map((n) => this.disconnect(n)));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private connectionOf(name: string): DropletConnection {
    const c = this.connections.get(name);
    if (!c) throw new StratamError('connect', `${name} is not connected.`, { hint: `Connect to ${name} first.` });
    return c;
  }

  private pushState(): void {
    this.push({ type: 'state', droplets: this.states() });
  }
}

function defaultLogError(doing: string, err: unknown): void {
  reportError('session', err, doing);
}
