/**
 * The console shell: droplet picker, view navigation, the always-visible
 * kill switch, keyboard shortcuts, the host-key prompt and toasts.
 *
 * The single-key shortcuts (1-8, /, Shift+P) do nothing while a modal dialog
 * is open (they would switch the view out from under it) or when turned off
 * in Settings (WCAG 2.1.4). A view switched to by key gets focus on its home
 * (its heading, or the feed's rows); focus lost to a removed or disabled
 * control is put back there too (components/focus.ts).
 */
import { useEffect, useRef } from 'react';
import type { ChannelName } from '../../src-main/ipc/api.js';
import { Confirm } from './components/confirm.js';
import { ControlAlertsBanner } from './components/control-alerts.js';
import { focusViewHome, openModal, rescueLostFocus } from './components/focus.js';
import { ReadAge, SwitchBadge } from './components/switch-state.js';
import { visibleToast, type ViewName } from './state/app-store.js';
import { useAppState, useStore } from './state/hooks.js';
import { shortcutsEnabled, useShortcutsEnabled } from './state/shortcuts.js';
import { switchView } from './state/switch-view.js';
import { isOpen } from './state/warning-list.js';
import { AuditFeed } from './views/audit-feed.js';
import { Controls, PauseButton } from './views/controls.js';
import { Dashboard } from './views/dashboard.js';
import { Diff } from './views/diff.js';
import { Incident } from './views/incident.js';
import { Data } from './views/data.js';
import { Sandbox } from './views/sandbox.js';
import { Settings } from './views/settings.js';
import { Vault } from './views/vault.js';
import { Warnings } from './views/warnings.js';

/** A view is offered only when the host serves the channels it needs: no placeholder screens. */
const VIEWS: Array<{ id: ViewName; label: string; key: string; needs: ChannelName[] }> = [
  { id: 'dashboard', label: 'Dashboard', key: '1', needs: ['status'] },
  { id: 'audit', label: 'Audit feed', key: '2', needs: ['auditFollow'] },
  { id: 'warnings', label: 'Warnings', key: '3', needs: ['warningsList'] },
  { id: 'controls', label: 'Controls', key: '4', needs: ['pause', 'trustAdd', 'breakerStatus'] },
  { id: 'vault', label: 'Vault', key: '5', needs: ['vaultStatus'] },
  { id: 'sandbox', label: 'Sandbox', key: '6', needs: ['sandboxCheck', 'sandboxRun'] },
  { id: 'data', label: 'Data', key: '7', needs: ['snapshotsList', 'backupsList', 'exportData'] },
  { id: 'settings', label: 'Settings', key: '8', needs: ['profilesList'] },
];

export function App() {
  const app = useStore();
  const s = useAppState();
  const views = VIEWS.filter((v) => v.needs.every((c) => app.platform.has(c)));
  const sel = s.selected;
  const drop = sel ? s.droplets[sel] : undefined;
  // The header states only what the latest pushed read says (never a call result kept aside).
  const sw = switchView(drop);
  const toast = visibleToast(s);
  // Acknowledged warnings stay listed under Warnings but are not counted.
  const warnCount = s.warnings.filter((w) => (!sel || w.name === sel) && isOpen(w)).length;
  const keys = useShortcutsEnabled();
  const shell = useRef<HTMLDivElement>(null);
  // Set by a view switch from the keyboard: the new view's home takes focus once it is drawn.
  const homeWanted = useRef(false);

  useEffect(() => (shell.current ? rescueLostFocus(shell.current) : undefined), [s.loadError]);

  useEffect(() => {
    if (!homeWanted.current) return;
    homeWanted.current = false;
    focusViewHome();
  }, [s.view]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      if (typing || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (!shortcutsEnabled() || openModal()) return;
      const v = views.find((x) => x.key === e.key);
      if (v) {
        e.preventDefault();
        if (app.getState().view === v.id) return focusViewHome();
        homeWanted.current = true;
        app.set({ view: v.id });
      } else if (e.key === '/') {
        app.set({ view: 'audit' });
        setTimeout(() => document.getElementById('feed-search')?.focus(), 0);
        e.preventDefault();
      } else if (e.key === 'P' && e.shiftKey && sel) {
        const pause = document.querySelector<HTMLButtonElement>('header.top button.pause');
        pause?.click();
        // The control that acted takes focus when nothing else had it, so the answer ("Pausing…", "Paused") is where focus is.
        if (document.activeElement === document.body) pause?.focus();
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [app, views, sel]);

  if (s.loadError)
    return (
      <p className="fatal" role="alert">
        {s.loadError}
      </p>
    );

  const needsDroplet = s.view !== 'dashboard' && s.view !== 'settings' && s.view !== 'warnings';
  return (
    <div className="shell" ref={shell}>
      <header className="top">
        <span className="brand">Stratam Tray</span>
        {s.profiles.length > 0 && (
          <select aria-label="Droplet" value={sel ?? ''} onChange={(e) => app.set({ selected: e.target.value })}>
            {s.profiles.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        )}
        {drop && <span className={`dot dot-${drop.link.state}`} role="img" aria-label={`link ${drop.link.state}`} />}
        {sel && (
          <span className={`header-switch${sw.stale ? ' stale' : ''}`}>
            <SwitchBadge v={sw} testId="flag-state" />
            {sw.checkedAt && <ReadAge at={sw.checkedAt} testId="header-read-age" />}
          </span>
        )}
        <span className="spacer" />
        {!s.transportUp && <span className="badge b-failed">harness unreachable — retrying</span>}
        {sel && app.platform.has('pause') && <PauseButton name={sel} paused={sw.selfModify === 'paused'} compact />}
      </header>
      <nav className="side" aria-label="Views">
        {views.map((v) => (
          <button
            key={v.id}
            type="button"
            className={s.view === v.id ? 'current' : ''}
            aria-current={s.view === v.id ? 'page' : undefined}
            onClick={() => app.set({ view: v.id })}
            title={keys ? `Key ${v.key}` : undefined}
          >
            <span>{v.label}</span>
            {v.id === 'warnings' && warnCount > 0 && (
              <span className="count" data-testid="warnings-open-count">
                {warnCount}
              </span>
            )}
            {keys && <kbd aria-hidden="true">{v.key}</kbd>}
          </button>
        ))}
        {keys && (
          <p className="hint small muted">
            <kbd>/</kbd> search · <kbd>⇧P</kbd> pause
          </p>
        )}
      </nav>
      <main className="main">
        <ControlAlertsBanner />
        {needsDroplet && !sel ? (
          <p className="empty">Add a droplet under Settings first.</p>
        ) : s.view === 'dashboard' ? (
          <Dashboard />
        ) : s.view === 'audit' ? (
          <AuditFeed key={sel} name={sel!} />
        ) : s.view === 'warnings' ? (
          <Warnings name={sel} />
        ) : s.view === 'controls' ? (
          <Controls name={sel!} />
        ) : s.view === 'vault' ? (
          <Vault name={sel!} />
        ) : s.view === 'sandbox' ? (
          <Sandbox name={sel!} />
        ) : s.view === 'data' ? (
          <Data key={sel} name={sel!} />
        ) : s.view === 'incident' ? (
          <Incident key={sel} name={sel!} />
        ) : s.view === 'diff' ? (
          <Diff key={sel} name={sel!} target={s.diff} />
        ) : (
          <Settings />
        )}
      </main>
      {toast && (
        <div className={`toast t-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
          {toast.text}
          <button type="button" className="link" aria-label="Dismiss message" onClick={() => app.set({ toast: null })}>
            ×
          </button>
        </div>
      )}
      {s.hostKeyPrompt && (
        <Confirm
          title={`Trust the host key of ${s.hostKeyPrompt.name}?`}
          confirmLabel="Trust and connect"
          onConfirm={() => app.background(app.confirmHostKey(true), 'Trusting the host key')}
          onCancel={() => app.background(app.confirmHostKey(false), 'Closing the host key prompt')}
        >
          <p>
            {s.hostKeyPrompt.host}:{s.hostKeyPrompt.port} offers this {s.hostKeyPrompt.keyType} key. Compare it with the droplet console (<code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>)
            before trusting it.
          </p>
          <p className="mono">{s.hostKeyPrompt.offered}</p>
        </Confirm>
      )}
    </div>
  );
}
