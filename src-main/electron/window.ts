/** The dashboard window: created on demand, hidden (not closed) when the person closes it. */
import type { BrowserWindow } from 'electron';
import { createSecureWindow } from './secure-window.js';
import { APP_ENTRY } from './security.js';

export class DashboardWindow {
  private win: BrowserWindow | null = null;
  quitting = false;

  constructor(private readonly preload: string) {}

  get all(): BrowserWindow[] {
    return this.win && !this.win.isDestroyed() ? [this.win] : [];
  }

  show(droplet?: string): void {
    if (!this.win || this.win.isDestroyed()) {
      this.win = createSecureWindow(this.preload, { width: 1200, height: 800, minWidth: 720, minHeight: 480, show: false, title: 'Stratam Tray', autoHideMenuBar: true });
      this.win.on('close', (e) => {
        if (this.quitting) return;
        e.preventDefault();
        this.win?.hide();
      });
      this.win.once('ready-to-show', () => this.win?.show());
      void this.win.loadURL(droplet ? `${APP_ENTRY}#/droplet/${encodeURIComponent(droplet)}` : APP_ENTRY);
      return;
    }
    if (droplet) void this.win.loadURL(`${APP_ENTRY}#/droplet/${encodeURIComponent(droplet)}`);
    this.win.show();
    this.win.focus();
  }
}
