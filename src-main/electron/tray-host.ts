/**
 * Applies the pure tray decisions (core/tray) to Electron's Tray: the icon
 * and tooltip from aggregateIcon, the menu from buildTrayMenu, which click
 * does what from trayGestures, the pause from onTrayDoubleClick,
 * confirmations from confirmationFor.
 */
import { join } from 'node:path';
import { Menu, Notification, Tray, dialog, nativeImage, nativeTheme, type MenuItemConstructorOptions } from 'electron';
import type { EventEmitter } from 'node:events';
import type { Session } from '../core/session/session.js';
import { onTrayDoubleClick } from '../core/tray/double-click.js';
import { GestureDispatcher, trayGestures, type GestureAction, type GestureMap } from '../core/tray/tray-gestures.js';
import type { Notification as Note } from '../core/tray/notify-policy.js';
import { buildTrayMenu, confirmationFor, type MenuSpec, type TrayAction } from '../core/tray/tray-menu.js';
import { aggregateIcon, type TrayIcon } from '../core/tray/tray-state.js';
import { describeError } from '../core/errors.js';
import { reportError } from '../core/log/logger.js';
import { notificationTarget, type DeepView } from '../ipc/deep-link.js';

export interface TrayHooks {
  /** Show the window, on a droplet (and one of its views) when named. */
  openDashboard(name?: string, view?: DeepView | null): void;
  /** Show the app's log file in the file manager. */
  revealLog(): void;
  quit(): void;
}

export interface TrayHostOptions {
  /** Whose tray conventions to follow (default: this machine's). */
  platform?: NodeJS.Platform;
}

export function iconFile(assetsDir: string, icon: TrayIcon, platform = process.platform, dark = nativeTheme.shouldUseDarkColors): string {
  // macOS draws template images itself (light/dark menu bar); elsewhere pick by theme.
  const variant = platform === 'darwin' ? 'Template' : dark ? '-dark' : '';
  return join(assetsDir, 'tray', `tray-${icon}${variant}.png`);
}

export class TrayHost {
  private readonly tray: Tray;
  private readonly platform: NodeJS.Platform;
  private readonly gestures: GestureMap;
  private readonly dispatcher: GestureDispatcher;
  private icon: TrayIcon | null = null;
  /** The current menu; popped up by hand where the tray has no fixed one (macOS). */
  private menu: Menu | null = null;
  /** A pause-all in flight: a second gesture joins it instead of writing again. */
  private pausing: Promise<void> | null = null;
  private destroyed = false;
  private readonly onSessionEvent = (e: { type: string; notification?: Note }) => {
    if (e.type === 'state' || e.type === 'link') this.render();
    if (e.type === 'notify' && e.notification) this.notify(e.notification);
  };
  private readonly onTheme = () => {
    this.icon = null;
    this.render();
  };

  constructor(
    private readonly session: Session,
    private readonly assetsDir: string,
    private readonly hooks: TrayHooks,
    opts: TrayHostOptions = {},
  ) {
    this.platform = opts.platform ?? process.platform;
    this.gestures = trayGestures(this.platform);
    this.tray = new Tray(nativeImage.createFromPath(iconFile(assetsDir, 'disconnected', this.platform)));
    let pending: NodeJS.Timeout | null = null;
    this.dispatcher = new GestureDispatcher(this.gestures, (a) => this.gesture(a), {
      start: (fn, ms) => {
        pending = setTimeout(fn, ms);
      },
      cancel: () => {
        if (pending) clearTimeout(pending);
        pending = null;
      },
    });
    // Tray's typed `on` has one overload per event name; the map names them as data.
    const emitter = this.tray as unknown as EventEmitter;
    for (const e of this.dispatcher.events) emitter.on(e, () => this.dispatcher.handle(e));
    session.on('event', this.onSessionEvent);
    nativeTheme.on('updated', this.onTheme);
    this.render();
  }

  render(): void {
    // Quitting destroys the tray before the session closes, and closing still sends state events.
    if (this.destroyed) return;
    const now = Date.now();
    const states = this.session.states();
    const { icon, tooltip } = aggregateIcon(states, now);
    if (icon !== this.icon) {
      this.tray.setImage(nativeImage.createFromPath(iconFile(this.assetsDir, icon, this.platform)));
      this.icon = icon;
    }
    this.tray.setToolTip(tooltip);
    const spec = buildTrayMenu(states, { now, mutedUntil: this.session.notifications.mutedUntil, pauseAllFirst: this.gestures.pauseAllFirst });
    this.menu = Menu.buildFromTemplate(this.toTemplate(spec));
    // macOS: a fixed menu would open on every mouse-down and swallow the double-click.
    if (this.gestures.contextMenu) this.tray.setContextMenu(this.menu);
  }

  private gesture(a: GestureAction): void {
    if (a === 'popUpMenu') {
      if (this.menu) this.tray.popUpContextMenu(this.menu);
      return;
    }
    this.doubleClick().catch((err: unknown) => reportError('tray', err, 'pausing all droplets'));
  }

  private toTemplate(spec: MenuSpec[]): MenuItemConstructorOptions[] {
    return spec.map((s) => {
      if (s.type === 'separator') return { type: 'separator' as const };
      if (s.type === 'submenu') return { label: s.label, submenu: this.toTemplate(s.items) };
      const action = s.action;
      return { label: s.label, enabled: s.enabled, ...(action ? { click: () => this.run(action).catch((err: unknown) => reportError('tray', err, `the tray's ${action.kind}`)) } : {}) };
    });
  }

  /** Pause every droplet and say how it went; never throws (it runs from a click). */
  private doubleClick(): Promise<void> {
    this.pausing ??= onTrayDoubleClick(this.session)
      .then(({ notification }) => this.notify(notification))
      .catch((err: unknown) => {
        reportError('tray', err, 'pausing all droplets');
        this.notify({ key: 'pause-all', title: 'Pause all FAILED', body: describeError(err), urgency: 'critical', name: null });
      })
      .finally(() => {
        this.pausing = null;
      });
    return this.pausing;
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
        case 'revealLog':
          return this.hooks.revealLog();
        case 'acknowledge':
          this.session.acknowledgeWarnings({ all: true, name: action.name });
          break;
        case 'quit':
          return this.hooks.quit();
      }
    } catch (err) {
      reportError('tray', err, `the tray's ${action.kind}`);
      this.notify({ key: 'action-failed', title: `${'name' in action ? action.name : 'Stratam'}: ${action.kind} failed`, body: describeError(err), urgency: 'critical', name: null });
    }
    this.render();
  }

  notify(n: Note): void {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: n.title, body: n.body, urgency: n.urgency, silent: n.urgency !== 'critical' });
    // A trip opens its incident (why it tripped, and the way back); see notificationTarget.
    note.on('click', () => {
      const target = notificationTarget(n);
      this.hooks.openDashboard(target?.name, target?.view);
    });
    note.show();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.session.off('event', this.onSessionEvent);
    nativeTheme.off('updated', this.onTheme);
    this.dispatcher.dispose();
    this.tray.destroy();
  }
}
