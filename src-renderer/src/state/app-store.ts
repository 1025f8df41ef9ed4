/**
 * The console's state: droplets and their link, warnings, the selected view,
 * and one AuditStore per droplet. Filled from pushed events and from calls;
 * nothing here is invented: an unknown value stays null and is shown as such.
 */
import type { DropletStateView, Envelope, IpcError, ProfileView, WarningView } from '../../../src-main/ipc/api.js';
import type { Platform, StratamApi } from '../platform/platform.js';
import { AuditStore } from './audit-store.js';

export type ViewName = 'dashboard' | 'audit' | 'warnings' | 'controls' | 'vault' | 'sandbox' | 'data' | 'settings';

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
  toast: { text: string; tone: 'ok' | 'error' } | null;
  loadError: string | null;
  details: Record<string, Details>;
}

type R<C extends keyof StratamApi> = StratamApi[C] extends (a: never) => Promise<Envelope<infer T>> ? T : never;
/** What the dashboard and views know about one droplet beyond its link, each with its own error. */
export interface Details {
  at: number;
  status: R<'status'> | null;
  statusError: string | null;
  vault: R<'vaultStatus'> | null;
  vaultError: string | null;
  sandbox: R<'sandboxCheck'> | null;
  sandboxError: string | null;
  backups: R<'backupsList'> | null;
  backupsError: string | null;
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
  };
  private readonly listeners = new Set<() => void>();
  private readonly audits = new Map<string, AuditStore>();
  private toastTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly platform: Platform) {}

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
    let s = this.audits.get(name);
    if (!s) {
      s = new AuditStore();
      this.audits.set(name, s);
    }
    return s;
  }

  toast(text: string, tone: 'ok' | 'error' = 'ok'): void {
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.set({ toast: { text, tone } });
    this.toastTimer = setTimeout(() => this.set({ toast: null }), tone === 'error' ? 9000 : 4000);
  }

  /** Unwrap an envelope; an error becomes a toast and `null`. */
  async call<T>(p: Promise<Envelope<T>>, what: string): Promise<T | null> {
    const env = await p;
    if (env.error) {
      this.toast(describe(env.error, what), 'error');
      return null;
    }
    return env.result as T;
  }

  async start(): Promise<void> {
    const api = this.api;
    api.on('link', (e) => {
      const was = this.state.droplets[e.name]?.link.state;
      this.set({ droplets: { ...this.state.droplets, [e.name]: e.droplet } });
      if (e.link.state === 'connected' && was !== 'connected') void this.refresh(e.name);
    });
    api.on('breaker', (e) => void this.refresh(e.name));
    api.on('audit', (e) => this.audit(e.name).push(e.item));
    api.on('warning', (w) => this.set({ warnings: upsert(this.state.warnings, w) }));
    api.on('tray', (t) => this.set({ droplets: Object.fromEntries(t.droplets.map((d) => [d.name, d])) }));
    this.platform.onTransport?.((up) => this.set({ transportUp: up }));

    const [profiles, conns, warns, tray] = await Promise.all([
      api.profilesList({}),
      api.connections({}),
      api.warningsList({}),
      api.trayState({}),
    ]);
    if (profiles.error) {
      this.set({ loadError: describe(profiles.error, 'Loading droplets') });
      return;
    }
    const droplets = conns.result ? Object.fromEntries(conns.result.droplets.map((d) => [d.name, d])) : {};
    this.set({
      profiles: profiles.result.profiles,
      droplets,
      selected: profiles.result.profiles[0]?.name ?? null,
      warnings: warns.result?.warnings ?? [],
      mutedUntil: tray.result?.mutedUntil ?? null,
    });
    for (const p of profiles.result.profiles) {
      const st = droplets[p.name]?.link.state;
      if (st === 'connected') {
        void this.refresh(p.name);
        void this.startFeed(p.name);
      }
      else if (st === undefined || st === 'idle' || st === 'closed') void this.connect(p.name);
    }
  }

  /** Re-read status, vault and sandbox for one droplet (each failure kept beside its card, not toasted). */
  async refresh(name: string): Promise<void> {
    const has = this.platform.has;
    const [st, va, sb, bk] = await Promise.all([
      this.api.status({ name }),
      has('vaultStatus') ? this.api.vaultStatus({ name }) : Promise.resolve(null),
      has('sandboxCheck') ? this.api.sandboxCheck({ name }) : Promise.resolve(null),
      has('backupsList') ? this.api.backupsList({ name }) : Promise.resolve(null),
    ]);
    const d: Details = {
      at: Date.now(),
      status: st.result ?? null,
      statusError: st.error ? describe(st.error, 'Reading status') : null,
      vault: va?.result ?? null,
      vaultError: va?.error ? va.error.message : null,
      sandbox: sb?.result ?? null,
      sandboxError: sb?.error ? sb.error.message : null,
      backups: bk?.result ?? null,
      backupsError: bk?.error ? bk.error.message : null,
    };
    this.set({ details: { ...this.state.details, [name]: d } });
  }

  async connect(name: string): Promise<void> {
    const r = await this.call(this.api.connect({ name }), `Connecting to ${name}`);
    if (!r) return;
    if (r.status === 'confirm-host-key') {
      this.set({ hostKeyPrompt: { name, host: r.host, port: r.port, keyType: r.keyType, offered: r.offered } });
      return;
    }
    void this.refresh(name);
    void this.startFeed(name);
  }

  async confirmHostKey(accept: boolean): Promise<void> {
    const p = this.state.hostKeyPrompt;
    this.set({ hostKeyPrompt: null });
    if (!p || !accept) return;
    const r = await this.call(this.api.confirmHostKey({ name: p.name, fingerprint: p.offered }), `Pinning the host key of ${p.name}`);
    if (r) {
      await this.refreshProfiles();
      void this.startFeed(p.name);
    }
  }

  async refreshProfiles(): Promise<void> {
    const r = await this.call(this.api.profilesList({}), 'Loading droplets');
    if (r) this.set({ profiles: r.profiles, selected: this.state.selected ?? r.profiles[0]?.name ?? null });
  }

  /** History first (in pages), then live: the store drops the overlap by seq. */
  async startFeed(name: string): Promise<void> {
    const store = this.audit(name);
    if (store.following) return;
    store.following = true;
    if (this.platform.has('auditQuery') && !store.historyLoaded) {
      let from = 1;
      for (let page = 0; page < 60; page++) {
        const r = await this.api.auditQuery({ name, fromSeq: from, limit: 5000, receipts: true });
        if (r.error) {
          this.toast(describe(r.error, 'Loading the audit history'), 'error');
          break;
        }
        store.addMany(r.result.items);
        const last = store.highestSeq('activity');
        if (!r.result.truncated || last < from) break;
        from = last + 1;
      }
      store.historyLoaded = true;
    }
    const f = await this.api.auditFollow({ name, receipts: true, lines: 200 });
    if (f.error) {
      store.following = false;
      this.toast(describe(f.error, 'Following the audit log'), 'error');
      return;
    }
    // A record appended between the history read and the follow starting would be in neither
    // (the session's background feed may already be past it): read once more from where history
    // ended; the store drops whatever the live feed also delivers.
    if (this.platform.has('auditQuery') && store.historyLoaded) {
      const r = await this.api.auditQuery({ name, fromSeq: store.highestSeq('activity') + 1, limit: 5000, receipts: true });
      if (r.result) store.addMany(r.result.items.filter((i) => i.type === 'record'));
    }
  }
}

export function describe(e: IpcError, what: string): string {
  return `${what} failed: ${e.message}${e.hint ? ` ${e.hint}` : ''}`;
}

function upsert(list: WarningView[], w: WarningView): WarningView[] {
  const i = list.findIndex((x) => x.id === w.id);
  if (i < 0) return [w, ...list];
  const copy = list.slice();
  copy[i] = w;
  return copy;
}
