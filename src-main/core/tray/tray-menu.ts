/**
 * The tray menu as data. Linux trays do not always deliver clicks, so the
 * menu offers everything the icon does (and leads with it there: see
 * tray-gestures.ts). Electron turns this into a Menu; the
 * actions come back to `TrayAction` handlers in the host. Resume and re-arm
 * carry `confirm`: the host asks the person (confirmationFor) before acting.
 */
import type { DropletState } from '../session/droplet-state.js';
import { describeDroplet } from './tray-state.js';

export type TrayAction =
  | { kind: 'pause'; name: string }
  | { kind: 'pauseAll' }
  | { kind: 'resume'; name: string }
  | { kind: 'rearm'; name: string }
  | { kind: 'open'; name: string }
  | { kind: 'openDashboard' }
  | { kind: 'mute'; hours: 1 | 8 | 24 }
  | { kind: 'unmute' }
  | { kind: 'revealLog' }
  | { kind: 'acknowledge'; name: string }
  | { kind: 'quit' };

export type MenuSpec = { type: 'separator' } | { type: 'item'; label: string; enabled: boolean; action: TrayAction | null; confirm: boolean } | { type: 'submenu'; label: string; items: MenuSpec[] };

const item = (label: string, action: TrayAction | null, enabled = true, confirm = false): MenuSpec => ({ type: 'item', label, enabled: enabled && action !== null, action, confirm });

export interface TrayMenuOptions {
  now: number;
  mutedUntil: number | null;
  /** Lead with "Pause all droplets" even for one droplet (Linux, where activation does the same). */
  pauseAllFirst?: boolean;
}

export function buildTrayMenu(states: readonly DropletState[], opts: TrayMenuOptions): MenuSpec[] {
  const menu: MenuSpec[] = [];
  const anyConnected = states.some((s) => s.link.state === 'connected');
  if (states.length > 1 || opts.pauseAllFirst === true) menu.push(item('Pause all droplets', { kind: 'pauseAll' }, anyConnected), { type: 'separator' });
  for (const s of states) {
    const connected = s.link.state === 'connected';
    menu.push(
      item(`${s.name}: ${describeDroplet(s, opts.now)}`, null),
      // Pause stays enabled even when already paused: it is idempotent and re-verifies the flag.
      item('Pause', { kind: 'pause', name: s.name }, connected),
      item('Resume…', { kind: 'resume', name: s.name }, connected && s.selfModifyAllowed === false, true),
      item('Re-arm breaker…', { kind: 'rearm', name: s.name }, connected && s.breaker === 'tripped', true),
      // Only with something to acknowledge: the icon leaves "warning" once the person has seen them.
      ...(s.fabrications > 0 ? [item(`Acknowledge warnings (${s.fabrications} fabrication${s.fabrications === 1 ? '' : 's'})`, { kind: 'acknowledge', name: s.name })] : []),
      item('Open', { kind: 'open', name: s.name }),
      { type: 'separator' },
    );
  }
  menu.push(item('Open dashboard', { kind: 'openDashboard' }));
  const muted = opts.mutedUntil !== null && opts.mutedUntil > opts.now;
  menu.push({
    type: 'submenu',
    label: muted ? `Notifications muted until ${new Date(opts.mutedUntil!).toLocaleTimeString()}` : 'Mute notifications',
    items: [
      item('For 1 hour', { kind: 'mute', hours: 1 }),
      item('For 8 hours', { kind: 'mute', hours: 8 }),
      item('For 24 hours', { kind: 'mute', hours: 24 }),
      ...(muted ? [{ type: 'separator' } as const, item('Unmute', { kind: 'unmute' })] : []),
    ],
  });
  menu.push({ type: 'separator' }, item('Reveal log', { kind: 'revealLog' }), item('Quit', { kind: 'quit' }));
  return menu;
}

export interface Confirmation {
  title: string;
  message: string;
  detail: string;
  confirmLabel: string;
}

/** The question asked before an action that loosens a safety control; null for actions that need none. */
export function confirmationFor(action: TrayAction): Confirmation | null {
  if (action.kind === 'resume') {
    return {
      title: 'Resume destructive actions?',
      message: `Allow the agent on ${action.name} to modify its code, restart and run shell commands again?`,
      detail: 'This sets JARVIS_SELF_MODIFY_ALLOWED=1. The agent picks it up on its next gated call. A receipt is written either way.',
      confirmLabel: 'Resume',
    };
  }
  if (action.kind === 'rearm') {
    return {
      title: 'Re-arm the breaker?',
      message: `Turn the eternal-improvement loop on ${action.name} back on?`,
      detail: 'The breaker tripped because the agent restarted too often. Check why first (dashboard, agent logs). Re-arming sets JARVIS_ETERNAL_LOOP=1.',
      confirmLabel: 'Re-arm',
    };
  }
  return null;
}
