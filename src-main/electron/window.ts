/** The dashboard window: created on demand, hidden (not closed) when the person closes it. */
import type { BrowserWindow } from 'electron';
import { reportError } from '../core/log/logger.js';
import { deepLinkHash, type DeepView } from '../ipc/deep-link.js';
import { createSecureWindow } from './secure-window.js';
import { APP_ENTRY } from './security.js';

export class DashboardWindow {
  private win: BrowserWindow | null = null;
  quitting = false;

  constructor(private readonly preload: string) {}

  get all(): BrowserWindow[] {
    return this.win && !this.win.isDestroyed() ? [this.win] : [];
  }

  /** Show the window, on one droplet (and view) when named (the page reads the fragment at start and on hashchange). */
  show(droplet?: string, view: DeepView | null = null): void {
    const url = droplet ? `${APP_ENTRY}${deepLinkHash({ name: droplet, view })}` : APP_ENTRY;
    if (!this.win || this.win.isDestroyed()) {
      this.win = createSecureWindow(this.preload, { width: 1200, height: 800, minWidth: 720, minHeight: 480, show: false, title: 'Stratam Tray', autoHideMenuBar: true });
      this.win.on('close', (e) => {
        if (this.quitting) return;
        e.preventDefault();
        this.win?.hide();
      });
      this.win.once('ready-to-show', () => this.win?.show());
      this.load(url);
      return;
    }
    if (droplet) this.load(url);
    this.win.show();
    this.win.focus();
  }

  /** loadURL rejects when a load is cut short (a newer one replaced it): logged, never unhandled. */
  private load(url: string): void {
    this.win?.loadURL(url).catch((err: unknown) => reportError('window', err, 'loading the dashboard'));
  }
}
