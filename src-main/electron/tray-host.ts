/**
 * Applies the pure tray decisions (core/tray) to Electron's Tray: the icon
 * and tooltip from aggregateIcon, the menu from buildTrayMenu, the
 * double-click from onTrayDoubleClick, confirmations from confirmationFor.
 */
import { join } from 'node:path';
import { Menu, Notification, Tray, dialog, nativeImage, nativeTheme, type MenuItemConstructorOptions } from 'electron';
import type { Session } from '../core/session/session.js';
import { onTrayDoubleClick } from '../core/tray/double-click.js';
import type { Notification as Note } from '../core/tray/notify-policy.js';
import { buildTrayMenu, confirmationFor, type MenuSpec, type TrayAction } from '../core/tray/tray-menu.js';
import { aggregateIcon, type TrayIcon } from '../core/tray/tray-state.js';
import { describeError } from '../core/errors.js';

export interface TrayHooks {
  openDashboard(name?: string): void;
  quit(): void;
}

export function iconFile(assetsDir: string, icon: TrayIcon, platform = process.platform, dark = nativeTheme.shouldUseDarkColors): string {
  // macOS draws template images itself (light/dark menu bar); elsewhere pick by theme.
  const variant = platform === 'darwin' ? 'Template' : dark ? '-dark' : '';
  return join(assetsDir, 'tray', `tray-${icon}${variant}.png`);
}

export class TrayHost {
  private readonly tray: Tray;
  private icon: TrayIcon | null = null;

  constructor(private readonly session: Session, private readonly assetsDir: string, private readonly hooks: TrayHooks) {
    this.tray = new Tray(nativeImage.createFromPath(iconFile(assetsDir, 'disconnected')));
    this.tray.on('double-click', () => void this.doubleClick());
    session.on('event', (e: { type: string; notification?: Note }) => {
      if (e.type === 'state' || e.type === 'link') this.render();
      if (e.type === 'notify' && e.notification) this.notify(e.notification);
    });
    nativeTheme.on('updated', () => {
      this.icon = null;
      this.render();
    });
    this.render();
  }

  render(): void {
    const now = Date.now();
    const states = this.session.states();
    const { icon, tooltip } = aggregateIcon(states, now);
    if (icon !== this.icon) {
      this.tray.setImage(nativeImage.createFromPath(iconFile(this.assetsDir, icon)));
      this.icon = icon;
    }
    this.tray.setToolTip(tooltip);
    this.tray.setContextMenu(Menu.buildFromTemplate(this.toTemplate(buildTrayMenu(states, { now, mutedUntil: this.session.notifications.mutedUntil }))));
  }

  private toTemplate(spec: MenuSpec[]): MenuItemConstructorOptions[] {
    return spec.map((s) => {
      if (s.type === 'separator') return { type: 'separator' as const };
      if (s.type === 'submenu') return { label: s.label, submenu: this.toTemplate(s.items) };
      const action = s.action;
      return { label: s.label, enabled: s.enabled, ...(action ? { click: () => void this.run(action) } : {}) };
    });
  }

  private async doubleClick(): Promise<void> {
    const { notification } = await onTrayDoubleClick(this.session);
    this.notify(notification);
  }

  private async run(action: TrayAction): Promise<void> {
    const c = confirmationFor(action);
    if (c) {
      const r = await dialog.showMessageBox({ type: 'warning', title: c.title, message: c.message, detail: c.detail, buttons: ['Cancel', c.confirmLabel], defaultId: 0, cancelId: 0, noLink: true });
      if (r.response !== 1) return;
    }
    try {
      switch (action.kind) {
        case 'pause': {
          const r = await this.session.pause(action.name);
          this.notify({ key: 'pause', title: `${action.name}: paused (verified)`, body: r.changed ? 'Destructive actions are off.' : 'It was already paused.', urgency: 'normal', name: action.name });
          break;
        }
        case 'pauseAll':
          return this.doubleClick();
        case 'resume':
          await this.session.resume(action.name, true);
          break;
        case 'rearm': {
          const { rearmBreaker } = await import('../core/breaker/breaker-actions.js');
          await rearmBreaker(this.session.droplet(action.name), { confirmed: true, via: this.session.via });
          await this.session.refresh(action.name);
          break;
        }
        case 'open':
          return this.hooks.openDashboard(action.name);
        case 'openDashboard':
          return this.hooks.openDashboard();
        case 'mute':
          this.session.mute(action.hours);
          break;
        case 'unmute':
          this.session.mute(0);
          break;
        case 'quit':
          return this.hooks.quit();
      }
    } catch (err) {
      this.notify({ key: 'action-failed', title: `${'name' in action ? action.name : 'Stratam'}: ${action.kind} failed`, body: describeError(err), urgency: 'critical', name: null });
    }
    this.render();
  }

  notify(n: Note): void {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: n.title, body: n.body, urgency: n.urgency, silent: n.urgency !== 'critical' });
    note.on('click', () => this.hooks.openDashboard(n.name ?? undefined));
    note.show();
  }

  destroy(): void {
    this.tray.destroy();
  }
}
