/**
 * The console's state: droplets and their link, warnings, the selected view,
 * and one AuditStore per droplet. Filled from pushed events and from calls;
 * nothing here is invented: an unknown value stays null and is shown as such.
 *
 * The droplet states (switch, breaker, hold-pause, when each was read) come
 * only from the core's pushed `dropletState`, merged by read number
 * (droplet-merge.ts). Call results such as `status` feed the details the
 * state does not carry (trust lists, agent, vault...), never the switch, so
 * no view can show a switch value the latest push disagrees with.
 */
import type { DropletStateView, Envelope, IpcError, ProfileView, WarningView } from '../../../src-main/ipc/api.js';
import type { Platform, StratamApi } from '../platform/platform.js';
import { AuditFeeds } from './audit-feeds.js';
import type { TrailWindow } from './trail-window.js';
import { background, messageOf } from './background.js';
import type { AuditStore } from './audit-store.js';
import { parseDeepLink } from './deep-link.js';
import { notConnectedText, withNotConnected, type ConnectError, type QueuedPause } from './link-down.js';
import { mergeDroplets } from './droplet-merge.js';
import type { Toast } from './toast.js';
import { mergeWarnings, upsert } from './warning-list.js';

export { visibleToast, type Toast } from './toast.js';

export type ViewName = 'dashboard' | 'audit' | 'warnings' | 'controls' | 'vault' | 'sandbox' | 'data' | 'settings' | 'incident' | 'diff';

/** The diff the Diff view shows, and the view it came from (its Back button). */
export interface DiffTarget {
  snapshot: string;
  /** null: against the code as it is now. */
  against: string | null;
  back: ViewName;
}

/** Link states after which the session no longer forwards this droplet's feed (a new connection starts with forwarding off). */
const LINK_DOWN: ReadonlySet<DropletStateView['link']['state']> = new Set(['closed', 'failed', 'idle']);

export interface AppState {
  profiles: ProfileView[];
  droplets: Record<string, DropletStateView>;
  selected: string | null;
  view: ViewName;
  warnings: WarningView[];
  transportUp: boolean;
  mutedUntil: string | null;
  /** A host key waiting for the person's decision. */
  hostKeyPrompt: { name: string; host: string; port: number; keyType: string; offered: string } | null;
  toast: Toast | null;
  loadError: string | null;
  details: Record<string, Details>;
  /** Alerts the person dismissed from the banner (this window only; the Warnings view keeps them). */
  dismissed: ReadonlySet<string>;
  /** What the Diff view shows (set by openDiff). */
  diff: DiffTarget | null;
  /** A failed connect's message and fix, kept on the card until a connection succeeds (link-down.ts). */
  connectErrors: Record<string, ConnectError>;
  /** The last `pauseQueue` push per droplet: a Pause pressed while the link was down. */
  pauseQueue: Record<string, QueuedPause>;
}

type R<C extends keyof StratamApi> = StratamApi[C] extends (a: never) => Promise<Envelope<infer T>> ? T : never;
/** What the dashboard and views know about one droplet beyond its link, each with its own error. */
export interface Details {
  /** When this read began (this page's clock). */
  at: number;
  status: R<'status'> | null;
  statusError: string | null;
  vault: R<'vaultStatus'> | null;
  vaultError: string | null;
  sandbox: R<'sandboxCheck'> | null;
  sandboxError: string | null;
  backups: R<'backupsList'> | null;
  backupsError: string | null;
  /** Set when these details were filled with "Not connected" because the link was down (link-down.ts). */
  down: string | null;
}

export class AppStore {
  private state: AppState = {
    profiles: [],
    droplets: {},
    selected: null,
    view: 'dashboard',
    warnings: [],
    transportUp: true,
    mutedUntil: null,
    hostKeyPrompt: null,
    toast: null,
    loadError: null,
    details: {},
    dismissed: new Set(),
    diff: null,
    connectErrors: {},
    pauseQueue: {},
  };
  private readonly listeners = new Set<() => void>();
  /** One audit feed per droplet, and how each is started (audit-feeds.ts). */
  private readonly feeds: AuditFeeds;
  private toastTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly refreshTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly detailsIssued = new Map<string, number>();
  private readonly detailsApplied = new Map<string, number>();
  /** Pause calls in this window waiting to hear whether the core queued them. */
  private readonly pauseWaiters = new Map<string, () => void>();

  constructor(readonly platform: Platform) {
    this.feeds = new AuditFeeds(platform, (error, what) => this.toast(describe(error, what), 'error'));
  }

  get api() {
    return this.platform.api;
  }
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getState = (): AppState => this.state;
  set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }

  audit(name: string): AuditStore {
    return this.feeds.store(name);
  }

  /** The feed's window over this desktop's mirror of the droplet's log (trail-window.ts). */
  trail(name: string): TrailWindow {
    return this.feeds.window(name);
  }

  /** Start (or restart, after a disconnect) one droplet's feed; see audit-feeds.ts. */
  startFeed(name: string): Promise<void> {
    return this.feeds.start(name);
  }

  /** The feed view opened: without a started feed, show this desktop's copy of the trail (audit-feeds.ts `browse`). */
  browseTrail(name: string): void {
    this.background(this.feeds.browse(name), `Reading this desktop's copy of the audit trail of ${name}`);
  }

  /** Start `p` without waiting for it; an unexpected failure is toasted and logged (background.ts). */
  background(p: Promise<unknown>, what: string): void {
    background(p, what, (text) => this.toast(text, 'error'));
  }

  toast(text: string, tone: 'ok' | 'error' = 'ok', claim: Toast['claim'] = null): void {
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.set({ toast: { text, tone, claim } });
    this.toastTimer = setTimeout(() => this.set({ toast: null }), tone === 'error' ? 9000 : 4000);
  }

  /** Unwrap an envelope; an error becomes a toast and `null`. */
  async call<T>(p: Promise<Envelope<T>>, what: string): Promise<T | null> {
    let env: Envelope<T>;
    try {
      env = await p;
    } catch (err) {
      // The host's transport itself failed (not the core): say so, like any other error.
      this.toast(`${what} failed: ${messageOf(err)}`, 'error');
      return null;
    }
    if (env.error) {
      this.toast(describe(env.error, what), 'error');
      return null;
    }
    return env.result as T;
  }

  /** Take in droplet states (see droplet-merge.ts); the only way the switch enters the console. */
  takeDroplets(list: readonly DropletStateView[], source: 'push' | 'call', complete: boolean): void {
    const before = this.state.droplets;
    this.set({ droplets: mergeDroplets(before, list, source, complete) });
    // A droplet missing from a complete push was disconnected (its link event may have been lost with the event stream).
    if (complete && source === 'push') for (const name of Object.keys(before)) if (!this.state.droplets[name]) this.feeds.down(name);
  }

  dismissAlert(id: string): void {
    this.set({ dismissed: new Set([...this.state.dismissed, id]) });
  }

  /** The incident behind a droplet's last trip (from the breaker card, Controls, or the trip notification). */
  openIncident(name: string): void {
    this.set({ selected: name, view: 'incident' });
  }

  /** One snapshot's diff (against another, or against the code now); Back returns to the view it came from. */
  openDiff(name: string, snapshot: string, against: string | null = null): void {
    const back = this.state.view === 'diff' ? (this.state.diff?.back ?? 'data') : this.state.view;
    this.set({ selected: name, view: 'diff', diff: { snapshot, against, back } });
  }

  /**
   * Follow an address fragment from the host (a notification click): a known droplet, and its incident when named.
   * main.tsx passes the window's once the droplets are known, and on every change (the store itself never touches `window`).
   */
  followLink(hash: string): void {
    const link = parseDeepLink(hash);
    if (!link || !this.state.profiles.some((p) => p.name === link.name)) return;
    if (link.view === 'incident') this.openIncident(link.name);
    else this.set({ selected: link.name, view: 'dashboard' });
  }

  async start(): Promise<void> {
    const api = this.api;
    api.on('link', (e) => {
      const was = this.state.droplets[e.name]?.link.state;
      this.takeDroplets([e.droplet], 'push', false);
      if (LINK_DOWN.has(e.link.state)) this.feeds.down(e.name);
      if (e.link.state === 'connected') this.clearConnectError(e.name);
      else this.markNotConnected(e.name);
      if (e.link.state === 'connected' && was !== 'connected') {
        this.refreshInBackground(e.name);
        // Also when this page loaded while the droplet was still connecting: nothing else starts its feed then.
        this.startFeedInBackground(e.name);
      }
    });
    api.on('breaker', (e) => this.refreshInBackground(e.name));
    api.on('pauseQueue', (e) => this.onPauseQueue(e));
    api.on('audit', (e) => this.feeds.store(e.name).live(e.item));
    api.on('warning', (w) => {
      // An acknowledged copy is never replaced by an older open one (see warning-list.ts).
      this.set({ warnings: upsert(this.state.warnings, w) });
      // A control-plane change may have touched what the details show (trust lists); the switch itself arrives pushed.
      if (w.kind === 'control-tampered' || w.kind === 'hold-pause') this.refreshSoon(w.name);
    });
    // The `state` push: every droplet the session holds, sent whenever a value changes.
    api.on('tray', (t) => this.takeDroplets(t.droplets, 'push', true));
    this.platform.onTransport?.((up) => {
      const was = this.state.transportUp;
      this.set({ transportUp: up });
      // Live records pushed while the stream is down are lost: they no longer say how far a feed is read.
      if (!up) this.feeds.streamDown();
      // Pushes sent while the event stream was down are lost: read the states and warnings again.
      if (up && !was) this.background(this.resync(), 'Reading the droplet states again');
    });

    const [profiles, conns, warns, tray] = await Promise.all([api.profilesList({}), api.connections({}), api.warningsList({}), api.trayState({})]);
    if (profiles.error) {
      this.set({ loadError: describe(profiles.error, 'Loading droplets') });
      return;
    }
    if (conns.result) this.takeDroplets(conns.result.droplets, 'call', true);
    const droplets = this.state.droplets;
    this.set({
      profiles: profiles.result.profiles,
      selected: profiles.result.profiles[0]?.name ?? null,
      warnings: mergeWarnings(this.state.warnings, warns.result?.warnings ?? []),
      mutedUntil: tray.result?.mutedUntil ?? null,
    });
    for (const p of profiles.result.profiles) {
      const st = droplets[p.name]?.link.state;
      if (st === 'connected') {
        this.refreshInBackground(p.name);
        this.startFeedInBackground(p.name);
      } else if (st === undefined || st === 'idle' || st === 'closed') this.background(this.connect(p.name), `Connecting to ${p.name}`);
      else this.markNotConnected(p.name);
      // connecting or reconnecting: the link event that says connected starts the feed.
    }
  }

  private async resync(): Promise<void> {
    const [conns, warns] = await Promise.all([this.api.connections({}), this.api.warningsList({})]);
    if (conns.result) this.takeDroplets(conns.result.droplets, 'call', true);
    else if (conns.error) this.toast(describe(conns.error, 'Reading the droplet states again'), 'error');
    if (warns.result) this.set({ warnings: mergeWarnings(this.state.warnings, warns.result.warnings) });
    // Live records pushed while the stream was down are lost too: read each followed feed on from where it is.
    await this.feeds.catchUp();
  }

  /** Acknowledge one warning, or every open one of a droplet (or of all): the tray and the counts then leave them out. */
  async acknowledge(sel: { id: string } | { all: true; name?: string }): Promise<void> {
    const r = await this.call(this.api.warningsAcknowledge(sel), 'Acknowledging warnings');
    // The session pushes each changed warning too; whichever arrives first, the acknowledged copy stays.
    if (r) this.set({ warnings: r.warnings.reduce<WarningView[]>((list, w) => upsert(list, w), this.state.warnings) });
  }

  /** Coalesce bursts (20 tamper alerts in a row) into one details refresh. */
  private refreshSoon(name: string): void {
    if (this.refreshTimers.has(name)) return;
    this.refreshTimers.set(
      name,
      setTimeout(() => {
        this.refreshTimers.delete(name);
        this.refreshInBackground(name);
      }, 500),
    );
  }

  /**
   * Pause: one click. The answer is toasted, but the switch shown is the one the core pushes after its read-back.
   * While the link is down the core queues it and says so (`pauseQueue`): this returns then, and the push that
   * says it was applied (or failed) is the answer.
   */
  async pause(name: string): Promise<void> {
    const call = this.call(this.api.pause({ name }), `Pause on ${name}`);
    const queued = new Promise<'queued'>((resolve) => this.pauseWaiters.set(name, () => resolve('queued')));
    const first = await Promise.race([call, queued]);
    this.pauseWaiters.delete(name);
    if (first === 'queued') {
      this.background(call, `Pause on ${name}`);
      return;
    }
    const r = first;
    if (r) {
      const text = r.changed ? `Paused ${name}: destructive tools refused (read back from .env).` : `${name} was already paused (read back from .env).`;
      this.toast(text, 'ok', r.selfModifyAllowed === false ? { name, selfModify: 'paused' } : null);
    }
    this.refreshInBackground(name);
  }

  private onPauseQueue(e: QueuedPause): void {
    this.set({ pauseQueue: { ...this.state.pauseQueue, [e.name]: e } });
    if (e.phase === 'queued') {
      this.pauseWaiters.get(e.name)?.();
      this.toast(e.message);
    } else if (e.phase === 'applied') this.toast(e.message, 'ok', { name: e.name, selfModify: 'paused' });
    else this.toast(`${e.message}${e.hint ? ` ${e.hint}` : ''}`, 'error');
  }

  /** "Not connected: <reason>" for `name`, or null while it is connected or still dialing (link-down.ts). */
  notConnected(name: string): string | null {
    return notConnectedText(name, this.state.droplets[name], this.state.connectErrors[name]?.text ?? null);
  }

  /** No view waits forever: what nobody could read says why (numbered, so a read begun before never replaces it). */
  private markNotConnected(name: string): void {
    const text = this.notConnected(name);
    if (!text) return;
    const n = (this.detailsIssued.get(name) ?? 0) + 1;
    this.detailsIssued.set(name, n);
    this.detailsApplied.set(name, n);
    const empty: Details = { at: Date.now(), status: null, statusError: null, vault: null, vaultError: null, sandbox: null, sandboxError: null, backups: null, backupsError: null, down: null };
    this.set({ details: { ...this.state.details, [name]: withNotConnected(this.state.details[name] ?? empty, text) } });
  }

  private clearConnectError(name: string): void {
    if (!(name in this.state.connectErrors)) return;
    const { [name]: _gone, ...rest } = this.state.connectErrors;
    this.set({ connectErrors: rest });
  }

  /** Resume, after the person confirmed. */
  async resume(name: string): Promise<void> {
    const r = await this.call(this.api.resume({ name, confirm: true }), 'Resume');
    if (r) this.toast(`Destructive tools on ${name} are allowed again (read back from .env).`, 'ok', r.selfModifyAllowed === true ? { name, selfModify: 'allowed' } : null);
    this.refreshInBackground(name);
  }

  /** Re-arm the breaker, after the person confirmed: the improvement loop is on again. */
  async rearm(name: string): Promise<void> {
    const r = await this.call(this.api.breakerRearm({ name, confirm: true }), 'Re-arm');
    if (r) this.toast(`Breaker on ${name} re-armed; the improvement loop is on again.`);
    await this.refresh(name);
  }

  /** Hold-pause on or off: saved by the core with the profile; the toggle shows what the core then pushes. */
  async setHoldPause(name: string, on: boolean): Promise<void> {
    await this.call(this.api.holdPauseSet({ name, on }), `Turning hold-pause ${on ? 'on' : 'off'} for ${name}`);
  }

  /** Re-read status, vault and sandbox for one droplet (each failure kept beside its card, not toasted). */
  async refresh(name: string): Promise<void> {
    const has = this.platform.has;
    // Numbered like the core's reads: a refresh that returns after a later one began never replaces it.
    const n = (this.detailsIssued.get(name) ?? 0) + 1;
    this.detailsIssued.set(name, n);
    const startedAt = Date.now();
    const [st, va, sb, bk] = await Promise.all([
      settled(this.api.status({ name })),
      has('vaultStatus') ? settled(this.api.vaultStatus({ name })) : Promise.resolve(null),
      has('sandboxCheck') ? settled(this.api.sandboxCheck({ name })) : Promise.resolve(null),
      has('backupsList') ? settled(this.api.backupsList({ name })) : Promise.resolve(null),
    ]);
    if (n < (this.detailsApplied.get(name) ?? 0)) return;
    this.detailsApplied.set(name, n);
    const d: Details = {
      // When the read began: the values are at least this old.
      at: startedAt,
      status: st.result ?? null,
      statusError: st.error ? describe(st.error, 'Reading status') : null,
      vault: va?.result ?? null,
      vaultError: va?.error ? va.error.message : null,
      sandbox: sb?.result ?? null,
      sandboxError: sb?.error ? sb.error.message : null,
      backups: bk?.result ?? null,
      backupsError: bk?.error ? bk.error.message : null,
      down: null,
    };
    this.set({ details: { ...this.state.details, [name]: d } });
  }

  /** `refresh` keeps each expected failure beside its card; only the unexpected reaches background(). */
  private refreshInBackground(name: string): void {
    this.background(this.refresh(name), `Reading the details of ${name}`);
  }

  /** The feed's reads and follow toast their own errors (audit-feeds.ts); only the unexpected reaches background(). */
  private startFeedInBackground(name: string): void {
    this.background(this.startFeed(name), `Starting the audit feed of ${name}`);
  }

  async connect(name: string): Promise<void> {
    const env = await settled(this.api.connect({ name }));
    if (env.error) {
      // Kept on the card (and in every view of this droplet) until a connection succeeds, not only in a toast.
      const text = describe(env.error, `Connecting to ${name}`);
      this.set({
        connectErrors: {
          ...this.state.connectErrors,
          [name]: { text: `${env.error.message}${env.error.hint ? ` Fix: ${env.error.hint}` : ''}`, hostKeyRefused: env.error.detail?.hostKeyRefused === true },
        },
      });
      this.markNotConnected(name);
      this.toast(text, 'error');
      return;
    }
    const r = env.result;
    if (r.status === 'confirm-host-key') {
      this.set({ hostKeyPrompt: { name, host: r.host, port: r.port, keyType: r.keyType, offered: r.offered } });
      return;
    }
    this.refreshInBackground(name);
    this.startFeedInBackground(name);
  }

  async confirmHostKey(accept: boolean): Promise<void> {
    const p = this.state.hostKeyPrompt;
    this.set({ hostKeyPrompt: null });
    if (!p || !accept) return;
    const r = await this.call(this.api.confirmHostKey({ name: p.name, fingerprint: p.offered }), `Pinning the host key of ${p.name}`);
    if (r) {
      await this.refreshProfiles();
      this.startFeedInBackground(p.name);
    }
  }

  async refreshProfiles(): Promise<void> {
    const r = await this.call(this.api.profilesList({}), 'Loading droplets');
    if (r) this.set({ profiles: r.profiles, selected: this.state.selected ?? r.profiles[0]?.name ?? null });
  }
}

/** A call whose transport rejected (the host, not the core, failed), as the error envelope the views already show. */
export function settled<T>(p: Promise<Envelope<T>>): Promise<Envelope<T>> {
  return p.catch((err: unknown): Envelope<T> => ({
    error: { kind: 'failed', message: `The app's host did not answer (${messageOf(err)}).`, hint: 'Reload the window; if it goes on, restart the app.' },
  }));
}

export function describe(e: IpcError, what: string): string {
  return `${what} failed: ${e.message}${e.hint ? ` ${e.hint}` : ''}`;
}
