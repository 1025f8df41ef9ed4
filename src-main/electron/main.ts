/**
 * The Electron host, kept thin: lifecycle, the security guard, the app://
 * origin, IPC binding, the tray and the dashboard window. Every decision
 * lives in the core (session, tray rules) and the IPC layer.
 */
import { join } from 'node:path';
import { app, dialog, ipcMain, protocol, safeStorage, session as electronSession, shell } from 'electron';
import { offerScanWorker } from '../core/audit/scan-pool.js';
import { ProfileStore } from '../core/config/profile-store.js';
import { defaultStateDir } from '../core/config/state-dir.js';
import { describeError, StratamError } from '../core/errors.js';
import { logFilePath } from '../core/log/log-file.js';
import { log, openLog, reportError } from '../core/log/logger.js';
import { Session } from '../core/session/session.js';
import { registerAppScheme, serveApp } from './app-protocol.js';
import { chooseExportFile } from './export-dialog.js';
import { bindIpc } from './ipc-bind.js';
import { PassphraseStore } from './passphrases.js';
import { electronStoreBackend } from './profile-backend.js';
import { enforceCsp, installAppGuard, isAllowedExternal } from './security.js';
import { TrayHost } from './tray-host.js';
import { DashboardWindow } from './window.js';

const TICK_MS = 15_000;
/** How long quitting waits for the droplet connections to close (followers stopped on the droplet) before it quits anyway. */
const CLOSE_DEADLINE_MS = 5_000;

// Before anything else: a second launch only brings the first one forward.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme(protocol);
  // The audit backlog's scan worker is bundled beside this file.
  offerScanWorker(new URL('./scan-worker.cjs', import.meta.url));
  installAppGuard(app, (url) => {
    if (isAllowedExternal(url)) shell.openExternal(url).catch((err: unknown) => reportError('tray', err, 'opening a link in the browser'));
  });
  start().catch((err: unknown) => {
    // Nothing is on screen yet (no tray, no window): say why, then leave rather than run invisibly.
    reportError('tray', err, 'starting');
    dialog.showErrorBox('Stratam Tray could not start', withHint(err));
    app.exit(1);
  });
}

/** An error as a person reads it: what went wrong, then what to do. */
function withHint(err: unknown): string {
  return err instanceof StratamError && err.hint ? `${err.message}\n${err.hint}` : describeError(err);
}

/** First connect from the tray: show the offered key and pin it only if the person says so. */
async function connectWithDialog(session: Session, name: string): Promise<void> {
  const r = await session.connect(name);
  if (r.status === 'connected') return;
  const answer = await dialog.showMessageBox({
    type: 'question',
    title: 'Confirm the droplet host key',
    message: `First connection to ${name} (${r.host}:${r.port}).`,
    detail: `It offers this ${r.keyType} host key:\n\n${r.offered}\n\nCompare it with the droplet's own (on its console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). Only pin it if they are the same.`,
    buttons: ['Cancel', 'Pin and connect'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  if (answer.response === 1) await session.confirmHostKey(name, r.offered);
}

async function start(): Promise<void> {
  await app.whenReady();
  enforceCsp(electronSession.defaultSession);
  const stateDir = defaultStateDir();
  // Every swallowed error goes to <stateDir>/logs/stratam.log (Reveal log in the tray menu shows it).
  openLog(stateDir);
  log.info('tray', `Stratam Tray ${app.getVersion()} started`);
  const passphrases = new PassphraseStore(stateDir, safeStorage);
  const session = new Session({ stateDir, via: 'tray', profiles: new ProfileStore(electronStoreBackend(stateDir)), passphrase: (p) => passphrases.get(p.name) });
  const dashboard = new DashboardWindow(join(__dirname, 'preload.cjs'));
  serveApp(protocol, join(__dirname, '..', 'renderer'));
  const unbind = bindIpc(ipcMain, session, () => dashboard.all, { chooseExportFile: (name) => chooseExportFile(dashboard.all[0], name) });

  // Quitting closes every droplet connection first (stopping the followers and
  // watchers on the droplet), then lets the app go; a close that hangs on a
  // dead link does not keep the app from quitting.
  let closing = false;
  let closed = false;
  const quit = () => {
    if (closing) return;
    closing = true;
    dashboard.quitting = true;
    clearInterval(timer);
    unbind();
    tray.destroy();
    let deadline: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (deadline = setTimeout(resolve, CLOSE_DEADLINE_MS)));
    void Promise.race([session.close(), late])
      .catch((err: unknown) => reportError('tray', err, 'closing the droplet connections at quit'))
      .finally(() => {
        clearTimeout(deadline);
        closed = true;
        app.quit();
      });
  };
  const tray = new TrayHost(session, join(__dirname, '..', 'assets'), {
    openDashboard: (name, view) => dashboard.show(name, view),
    revealLog: () => shell.showItemInFolder(logFilePath(stateDir)),
    quit,
  });
  app.on('second-instance', () => dashboard.show());
  app.on('activate', () => dashboard.show());
  // Lives in the tray: closing the last window keeps the app (and its watchers) running.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (e) => {
    dashboard.quitting = true;
    if (closed) return;
    // The OS asked (Cmd-Q, the dock, log out): close the connections first, then quit.
    e.preventDefault();
    quit();
  });
  const timer = setInterval(() => session.tick(), TICK_MS);
  timer.unref();

  // Reconnect every saved droplet; unpinned ones ask first.
  let profiles: Record<string, unknown> = {};
  try {
    profiles = await session.profiles.all();
  } catch (err) {
    tray.notify({ key: 'profiles', title: 'Saved droplets could not be read', body: withHint(err), urgency: 'critical', name: null });
  }
  for (const name of Object.keys(profiles)) {
    connectWithDialog(session, name).catch((err: unknown) => tray.notify({ key: `connect:${name}`, title: `${name}: not connected`, body: describeError(err), urgency: 'critical', name }));
  }
  if (Object.keys(profiles).length === 0) dashboard.show();
}
