/**
 * The app's session: one connected droplet per profile (reconnect on), the
 * status value of each, the background watchers, and one stream of events
 * for whatever face listens (Electron's tray and window, the browser
 * harness, tests). Plain Node: nothing here knows about Electron.
 */
import { EventEmitter } from 'node:events';
import type { FeedItem } from '../audit/diagnostics.js';
import type { DropletProfile } from '../config/profile.js';
import { ProfileStore } from '../config/profile-store.js';
import { pause, resume, type FlagResult } from '../controls/pause.js';
import { coreStatus } from '../controls/status.js';
import type { SwitchReading } from '../controls/switch-state.js';
import type { Droplet } from '../droplet/droplet.js';
import { describeError, refusedError, StratamError } from '../errors.js';
import type { BackoffPolicy, LinkState } from '../ssh/link-state.js';
import { NotificationPolicy, type Trigger } from '../tray/notify-policy.js';
import { initialState, withLink, withRead, type DropletState, type Warning } from './droplet-state.js';
import { changedKeyError, knownHostsVerdict, probeHostKey } from './host-key-probe.js';
import type { SessionEvent } from './session-events.js';
import { feedAlert, watchAlert, whilePausedAlert, type Alert } from './alerts.js';
import { startControlWatch, type ControlHandle } from './control-watcher.js';
import type { WatchEvent } from '../watch/control-watch.js';
import { startAuditFollow, startBreakerWatch, startFabricationWatch, type FabricationWatch, type WatchSink, type Watchers } from './watchers.js';

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
}

export type ConnectOutcome =
  /** hostKey is null for a local droplet (this machine: no host key to verify). */
  | { status: 'connected'; hostKey: string | null }
  | { status: 'confirm-host-key'; host: string; port: number; keyType: string; offered: string };

interface Entry {
  profile: DropletProfile;
  droplet: Droplet | null;
  state: DropletState;
  watchers: Watchers[];
  audit: Watchers | null;
  fabrication: FabricationWatch | null;
  control: ControlHandle | null;
  /** Reads started so far: each read takes the next number when it starts (see applyRead). */
  issued: number;
  forwardAudit: boolean;
  sink: WatchSink | null;
  warnings: Warning[];
  timer: NodeJS.Timeout | null;
}

const MAX_WARNINGS = 500;

export class Session extends EventEmitter {
  readonly profiles: ProfileStore;
  readonly notifications = new NotificationPolicy();
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private warningSeq = 0;
  private closed = false;

  constructor(readonly opts: SessionOptions) {
    super();
    this.profiles = opts.profiles ?? new ProfileStore(opts.stateDir);
    this.now = opts.now ?? Date.now;
  }

  get via(): string {
    return this.opts.via ?? 'tray';
  }

  push(e: SessionEvent): void {
    this.emit('event', e);
  }

  states(): DropletState[] {
    return [...this.entries.values()].map((e) => e.state);
  }

  stateOf(name: string): DropletState | null {
    return this.entries.get(name)?.state ?? null;
  }

  /** The connected droplet, or a connect error that says what to do. */
  droplet(name: string): Droplet {
    const e = this.entries.get(name);
    if (!e?.droplet) throw new StratamError('connect', `${name} is not connected.`, { hint: `Connect to ${name} first (Connect in the dashboard).` });
    return e.droplet;
  }

  async connect(name: string): Promise<ConnectOutcome> {
    const profile = await this.profiles.get(name);
    const existing = this.entries.get(name);
    if (existing?.droplet) return { status: 'connected', hostKey: existing.droplet.identity.hostKey };
    if (profile.transport === 'local') return this.open(profile);
    const offered = await probeHostKey(profile.host, profile.port);
    if (profile.fingerprint) {
      if (offered.fingerprint !== profile.fingerprint) throw changedKeyError(offered, profile.fingerprint, `the profile "${name}"`);
      return this.open(profile);
    }
    const { file, verdict } = await knownHostsVerdict(offered, profile.knownHostsFile);
    if (verdict.status === 'match') return this.open(profile);
    if (verdict.status === 'changed') throw changedKeyError(offered, `a different key (line ${verdict.lines.join(', ')})`, file);
    if (verdict.status === 'revoked') throw refusedError(`The host key ${offered.fingerprint} of ${profile.host}:${profile.port} is marked @revoked in ${file}.`, 'Do not connect until the droplet has a new host key.');
    return { status: 'confirm-host-key', host: offered.host, port: offered.port, keyType: offered.keyType, offered: offered.fingerprint };
  }

  /** Pin the key the person confirmed, but only if the droplet still offers exactly that key. */
  async confirmHostKey(name: string, fingerprint: string): Promise<{ status: 'connected'; hostKey: string }> {
    const profile = await this.profiles.get(name);
    if (profile.fingerprint && profile.fingerprint !== fingerprint) {
      throw refusedError(`${name} already pins ${profile.fingerprint}; a different key is never pinned over it.`, 'If the droplet was rebuilt, check its key on the console, then remove the droplet and add it again.');
    }
    const offered = await probeHostKey(profile.host, profile.port);
    if (offered.fingerprint !== fingerprint) throw changedKeyError(offered, fingerprint, 'the key you confirmed');
    const pinned = { ...profile, fingerprint };
    await this.profiles.save(pinned);
    await this.open(pinned);
    return { status: 'connected', hostKey: fingerprint };
  }

  private async open(profile: DropletProfile): Promise<{ status: 'connected'; hostKey: string | null }> {
    const entry: Entry = this.entries.get(profile.name) ?? {
      profile,
      droplet: null,
      state: initialState(profile.name),
      watchers: [],
      audit: null,
      fabrication: null,
      control: null,
      issued: 0,
      forwardAudit: false,
      sink: null,
      warnings: [],
      timer: null,
    };
    entry.profile = profile;
    entry.state = { ...entry.state, hold: { enabled: profile.holdPause !== false, active: false } };
    this.entries.set(profile.name, entry);
    this.setLink(entry, { state: 'connecting', attempt: 1 });
    let droplet: Droplet;
    try {
      if (profile.transport === 'local') {
        const { LocalDroplet } = await import('../droplet/local-droplet.js');
        droplet = new LocalDroplet(profile.paths);
      } else {
        const { SshDroplet } = await import('../droplet/ssh-droplet.js');
        const passphrase = await this.opts.passphrase?.(profile);
        const ssh = await SshDroplet.connect(profile, { reconnect: true, ...(this.opts.backoff ? { backoff: this.opts.backoff } : {}), ...(passphrase ? { passphrase } : {}) });
        ssh.link.on('state', (s: LinkState) => this.onLink(entry, s));
        ssh.link.on('state', (s: LinkState) => { if (s.state === 'connected') void this.refresh(profile.name); });
        droplet = ssh;
      }
    } catch (err) {
      this.setLink(entry, { state: 'failed', reason: describeError(err), hostKeyRefused: (err as StratamError).detail?.hostKeyRefused === true });
      throw err;
    }
    entry.droplet = droplet;
    this.setLink(entry, { state: 'connected', since: new Date(this.now()).toISOString(), hostKey: droplet.identity.hostKey ?? '' });
    await this.refresh(profile.name).catch(() => {});
    this.startWatchers(entry, droplet);
    const refreshMs = this.opts.refreshMs ?? 30_000;
    entry.timer = setInterval(() => void this.refresh(profile.name).catch(() => {}), refreshMs);
    entry.timer.unref();
    return { status: 'connected', hostKey: droplet.identity.hostKey };
  }

  private startWatchers(entry: Entry, droplet: Droplet): void {
    const name = entry.profile.name;
    const sink: WatchSink = (entry.sink = {
      onAudit: (item) => this.onAudit(entry, item),
      onTripped: (e) => {
        entry.state = { ...entry.state, breaker: 'tripped' };
        this.push({ type: 'breaker', name, event: 'tripped', ...e });
        this.trigger({ kind: 'breaker-tripped', name, by: e.by, at: e.at, reason: e.reason });
        this.pushState();
      },
      onRearmed: (e) => {
        entry.state = { ...entry.state, breaker: 'armed' };
        this.push({ type: 'breaker', name, event: 'rearmed', by: null, at: e.at, reason: null, restarts: [] });
        this.pushState();
      },
      onFailure: (what, message, severity) => {
        this.addWarning(entry, { kind: 'watch-failed', severity: severity ?? 'warning', tier: null, message, detail: { watcher: what } });
        if (severity === 'critical') this.trigger({ kind: 'trip-failed', name, detail: message, at: new Date(this.now()).toISOString() });
      },
      onFabrication: (w, excerpt) =>
        void this.addWarning(entry, {
          kind: 'fabrication',
          severity: w.tier === 1 ? 'critical' : 'warning',
          tier: w.tier,
          message: `The reply says "${w.phrase}" (${w.claim}), but no tool call in turn ${w.turn} backs it${w.calls.length ? ' (only ones that do not do that, or failed)' : ''}.`,
          detail: { key: `${w.turn}:${w.tier}:${w.claim}`, turn: w.turn, phrase: w.phrase, phrases: [w.phrase], claim: w.claim, calls: w.calls, droplet: w.droplet, excerpt, ts: w.ts },
        }),
    });
    if (this.opts.watch?.breaker !== false) entry.watchers.push(startBreakerWatch(droplet, sink, this.via));
    if (this.opts.watch?.audit !== false) {
      entry.audit = startAuditFollow(droplet, sink, { stateDir: this.opts.stateDir, lines: 0, receipts: true });
      // Fabrication needs the feed's tool calls, so it runs with it.
      if (this.opts.watch?.fabrication !== false) entry.fabrication = startFabricationWatch(droplet, sink);
    }
    if (this.opts.watch?.control !== false) {
      entry.control = startControlWatch(
        droplet,
        {
          onEvent: (e) => this.onControl(entry, e),
          // A flag change the watch saw is on screen at once, numbered like any other read.
          onReading: (r) => this.applyRead(entry, ++entry.issued, { switch: r }),
          onFailure: (message) => void this.addWarning(entry, { kind: 'watch-failed', severity: 'warning', tier: null, message, detail: { watcher: 'control' } }),
        },
        { via: this.via, hold: entry.state.hold.enabled },
      );
    }
  }

  private onControl(entry: Entry, e: WatchEvent): void {
    this.raise(entry, watchAlert(entry.profile.name, e, entry.state.link.state === 'connected'));
    this.syncHold(entry);
  }

  /** Apply an alert: its feed marker, warning and notification, each when it has one. */
  private raise(entry: Entry, a: Alert): void {
    const name = entry.profile.name;
    if (a.marker) this.push({ type: 'audit', name, item: { type: 'diagnostic', diagnostic: a.marker } });
    if (a.warning) this.addWarning(entry, a.warning);
    if (a.trigger) this.trigger(a.trigger);
  }

  private syncHold(entry: Entry): void {
    const active = entry.control?.holding ?? false;
    if (entry.state.hold.active === active) return;
    entry.state = { ...entry.state, hold: { ...entry.state.hold, active } };
    this.pushState();
  }

  /** Hold-pause on or off for one droplet (saved with its profile; on by default). */
  async setHoldPause(name: string, on: boolean): Promise<DropletState> {
    const e = this.entryOf(name);
    const profile = { ...(await this.profiles.get(name)), holdPause: on };
    await this.profiles.save(profile);
    e.profile = profile;
    e.control?.setHold(on);
    e.state = { ...e.state, hold: { enabled: on, active: e.control?.holding ?? false } };
    this.pushState();
    return e.state;
  }

  /** See withRead: numbered reads, the newest wins. */
  private applyRead(entry: Entry, seq: number, v: { switch?: SwitchReading; breaker?: DropletState['breaker'] }): boolean {
    const next = withRead(entry.state, seq, v, new Date(this.now()));
    if (!next) return false;
    entry.state = next;
    this.syncHold(entry);
    this.pushState();
    return true;
  }

  /** Forward live audit records to the UI (starting the feed if the background one is off). */
  followAudit(name: string, opts: { lines?: number; receipts?: boolean } = {}): void {
    const e = this.entryOf(name);
    e.forwardAudit = true;
    if (!e.audit) {
      const sink = e.sink;
      if (sink) e.audit = startAuditFollow(this.droplet(name), sink, { stateDir: this.opts.stateDir, lines: opts.lines ?? 0, receipts: opts.receipts ?? true });
    }
  }

  unfollowAudit(name: string): void {
    const e = this.entries.get(name);
    if (!e) return;
    e.forwardAudit = false;
    if (this.opts.watch?.audit === false) {
      e.audit?.stop();
      e.audit = null;
    }
  }

  private onAudit(entry: Entry, item: FeedItem): void {
    const name = entry.profile.name;
    if (entry.forwardAudit) this.push({ type: 'audit', name, item });
    if (item.type === 'record' && item.record.stream === 'activity') {
      entry.fabrication?.call(item.record.value);
      const paused = entry.state.switch?.selfModify === 'paused' || (entry.control?.holding ?? false);
      const a = whilePausedAlert(name, item.record.seq, item.record.value, paused, new Date(this.now()).toISOString());
      if (a) this.raise(entry, a);
    }
    if (item.type === 'diagnostic' && item.diagnostic.kind === 'alert') this.raise(entry, feedAlert(name, item.diagnostic));
  }

  addWarning(entry: Entry | string, w: Omit<Warning, 'id' | 'name' | 'at'>): Warning {
    const e = typeof entry === 'string' ? this.entryOf(entry) : entry;
    const warning: Warning = { id: `w${++this.warningSeq}`, name: e.profile.name, at: new Date(this.now()).toISOString(), ...w };
    e.warnings.push(warning);
    if (e.warnings.length > MAX_WARNINGS) e.warnings.shift();
    if (w.kind === 'fabrication' && w.tier === 1) {
      e.state = { ...e.state, fabrications: e.state.fabrications + 1 };
      this.trigger({ kind: 'fabrication', name: e.profile.name, tier: 1, id: String(w.detail.key ?? warning.id), phrases: Array.isArray(w.detail.phrases) ? (w.detail.phrases as string[]) : [] });
      this.pushState();
    }
    this.push({ type: 'warning', warning });
    return warning;
  }

  warnings(name?: string): Warning[] {
    const list = name ? this.entryOf(name).warnings : [...this.entries.values()].flatMap((e) => e.warnings);
    return [...list].sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Re-read flags and breaker (after an action, a reconnect, and on a timer). */
  async refresh(name: string): Promise<DropletState> {
    const e = this.entryOf(name);
    const droplet = this.droplet(name);
    const seq = ++e.issued;
    const s = await coreStatus(droplet);
    this.applyRead(e, seq, { switch: s.flags.switch, breaker: s.breaker.state });
    return e.state;
  }

  async pause(name: string): Promise<FlagResult> {
    const r = await pause(this.droplet(name), this.via);
    this.applyVerified(this.entryOf(name), r);
    return r;
  }

  /** The caller has asked the person; `confirmed` must be literally true. */
  async resume(name: string, confirmed: boolean): Promise<FlagResult> {
    if (confirmed !== true) throw refusedError('Resuming destructive actions needs confirmation.', 'Ask the person, then send confirm: true.');
    const r = await resume(this.droplet(name), this.via);
    this.applyVerified(this.entryOf(name), r);
    return r;
  }

  /** A pause or resume read back on the droplet: numbered when it finished, so any read begun before it yields. */
  private applyVerified(e: Entry, r: FlagResult): void {
    const prev = e.state.switch;
    const sw: SwitchReading = { selfModify: r.selfModifyAllowed ? 'allowed' : 'paused', eternalLoop: prev?.eternalLoop ?? 'unknown', unknown: prev?.eternalLoop === 'unknown' ? prev.unknown : null };
    this.applyRead(e, ++e.issued, { switch: sw });
  }

  /** Pause every droplet the session knows, in parallel; each result verified by read-back. */
  async pauseAll(): Promise<Array<{ name: string; ok: boolean; selfModifyAllowed: boolean | null; changed: boolean | null; error: string | null }>> {
    return Promise.all(
      [...this.entries.values()].map(async (e) => {
        const name = e.profile.name;
        try {
          const r = await this.pause(name);
          return { name, ok: r.selfModifyAllowed === false, selfModifyAllowed: r.selfModifyAllowed, changed: r.changed, error: null };
        } catch (err) {
          return { name, ok: false, selfModifyAllowed: null, changed: null, error: describeError(err) };
        }
      }),
    );
  }

  async disconnect(name: string): Promise<boolean> {
    const e = this.entries.get(name);
    if (!e) return false;
    this.entries.delete(name);
    this.stopEntry(e);
    await e.droplet?.close().catch(() => {});
    this.push({ type: 'link', name, link: { state: 'closed' }, droplet: { ...e.state, link: { state: 'closed' } } });
    this.pushState();
    return true;
  }

  async removeProfile(name: string): Promise<boolean> {
    await this.disconnect(name);
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
    await Promise.all([...this.entries.keys()].map((n) => this.disconnect(n)));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private entryOf(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw new StratamError('connect', `${name} is not connected.`, { hint: `Connect to ${name} first.` });
    return e;
  }

  private stopEntry(e: Entry): void {
    if (e.timer) clearInterval(e.timer);
    for (const w of e.watchers) w.stop();
    e.audit?.stop();
    e.fabrication?.stop();
    e.control?.stop();
    e.watchers = [];
    e.audit = null;
    e.fabrication = null;
    e.control = null;
  }

  private onLink(entry: Entry, link: LinkState): void {
    if (!this.entries.has(entry.profile.name) || link.state === 'closed') return;
    this.setLink(entry, link);
    this.tick();
  }

  private setLink(entry: Entry, link: LinkState): void {
    entry.state = withLink(entry.state, link, new Date(this.now()));
    this.push({ type: 'link', name: entry.profile.name, link, droplet: entry.state });
    this.pushState();
  }

  private pushState(): void {
    this.push({ type: 'state', droplets: this.states() });
  }
}
