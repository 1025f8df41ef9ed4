/**
 * What each click on the tray icon does, per platform. Electron's trays do
 * not agree:
 *
 * - Windows emits `click`, `double-click` and `right-click`; a context menu
 *   set with setContextMenu opens on right-click only.
 * - macOS emits `click` (clickCount 1) and then `double-click` (clickCount 2)
 *   for one double-click; but once a context menu is set, any mouse-down
 *   opens it and the double-click never arrives. So no fixed menu there: a
 *   click pops the menu once the double-click interval has passed without a
 *   second click.
 * - Linux (StatusNotifierItem) sends one activation, `click`, and never a
 *   double-click; the menu opens from the secondary action. Activation pauses
 *   every droplet: pausing never loosens anything, so an accidental one is
 *   safe, and the menu leads with "Pause all droplets" so the same thing is
 *   one obvious item away on trays that show only the menu.
 *
 * Pure: the host applies the map (tray-host.ts); the timer is passed in.
 */

export type TrayEvent = 'click' | 'double-click' | 'right-click';
export type GestureAction = 'pauseAll' | 'popUpMenu';

export interface GestureMap {
  /** Give the tray a fixed context menu (setContextMenu); otherwise the host pops it up itself. */
  contextMenu: boolean;
  /** What each event does, right away. */
  events: Partial<Record<TrayEvent, GestureAction>>;
  /** A click that becomes this action only if no second click follows within the double-click interval. */
  delayedClick: GestureAction | null;
  /** The menu's first item is "Pause all droplets", whatever the number of droplets. */
  pauseAllFirst: boolean;
}

/** macOS's default double-click interval (NSEvent.doubleClickInterval). */
export const DOUBLE_CLICK_MS = 500;

export function trayGestures(platform: NodeJS.Platform): GestureMap {
  switch (platform) {
    case 'darwin':
      return { contextMenu: false, events: { 'double-click': 'pauseAll', 'right-click': 'popUpMenu' }, delayedClick: 'popUpMenu', pauseAllFirst: false };
    case 'win32':
      return { contextMenu: true, events: { 'double-click': 'pauseAll' }, delayedClick: null, pauseAllFirst: false };
    default:
      // Linux and the BSDs: whatever delivers activation as `click`.
      return { contextMenu: true, events: { click: 'pauseAll' }, delayedClick: null, pauseAllFirst: true };
  }
}

export interface GestureTimer {
  start(fn: () => void, ms: number): void;
  cancel(): void;
}

/**
 * Turns the tray's raw events into actions by the map: immediate ones at
 * once, the delayed click only when its interval passes with no second click
 * (a double-click cancels it, as does a second single click).
 */
export class GestureDispatcher {
  private pending = false;

  constructor(
    private readonly map: GestureMap,
    private readonly act: (a: GestureAction) => void,
    private readonly timer: GestureTimer,
    private readonly intervalMs = DOUBLE_CLICK_MS,
  ) {}

  /** Events the host must listen to. */
  get events(): TrayEvent[] {
    const set = new Set(Object.keys(this.map.events) as TrayEvent[]);
    if (this.map.delayedClick) set.add('click').add('double-click');
    return [...set];
  }

  handle(e: TrayEvent): void {
    if (this.map.delayedClick && (e === 'click' || e === 'double-click')) {
      if (this.pending) {
        // The second click of a double-click: the menu must not open under it.
        this.pending = false;
        this.timer.cancel();
      } else if (e === 'click') {
        this.pending = true;
        const delayed = this.map.delayedClick;
        this.timer.start(() => {
          this.pending = false;
          this.act(delayed);
        }, this.intervalMs);
        return;
      }
    }
    const a = this.map.events[e];
    if (a) this.act(a);
  }

  dispose(): void {
    if (this.pending) this.timer.cancel();
    this.pending = false;
  }
}
