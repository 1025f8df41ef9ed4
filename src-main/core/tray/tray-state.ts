/**
 * Which tray icon to show, derived from the droplets' status values alone.
 * Severity, highest first: tripped > warning > disconnected > paused > armed.
 * Unknown is never shown as safe: a droplet whose flags were not read, or
 * were read too long ago, counts as disconnected; a switch read as unknown
 * (no .env where the agent keeps it, a link, a line the agent may read
 * differently) and an unreadable breaker file count as a warning.
 */
import type { DropletState } from '../session/droplet-state.js';

export type TrayIcon = 'armed' | 'paused' | 'tripped' | 'warning' | 'disconnected';

export const ICON_SEVERITY: readonly TrayIcon[] = ['tripped', 'warning', 'disconnected', 'paused', 'armed'];

/** Flags older than this are stale (the session re-reads them every 30 s). */
export const STALE_MS = 2 * 60_000;

export function dropletIcon(s: DropletState, now: number, staleMs = STALE_MS): TrayIcon {
  if (s.link.state !== 'connected') return 'disconnected';
  if (s.checkedAt === null || now - Date.parse(s.checkedAt) > staleMs) return 'disconnected';
  if (s.breaker === 'tripped') return 'tripped';
  if (s.breaker === 'unreadable' || s.breaker === null || s.fabrications > 0 || s.switch?.selfModify === 'unknown') return 'warning';
  if (s.selfModifyAllowed === null) return 'disconnected';
  return s.selfModifyAllowed ? 'armed' : 'paused';
}

const LABEL: Record<TrayIcon, string> = {
  armed: 'armed',
  paused: 'paused',
  tripped: 'breaker tripped',
  warning: 'needs attention',
  disconnected: 'disconnected',
};

export function describeDroplet(s: DropletState, now: number): string {
  const icon = dropletIcon(s, now);
  if (icon === 'disconnected') {
    if (s.link.state === 'reconnecting') return 'reconnecting';
    if (s.link.state === 'connecting') return 'connecting';
    if (s.link.state === 'failed') return s.link.hostKeyRefused ? 'host key refused' : 'connection failed';
    if (s.link.state === 'connected') return 'stale (no recent read)';
  }
  if (icon === 'warning' && s.fabrications > 0) return `${s.fabrications} fabrication warning${s.fabrications > 1 ? 's' : ''}`;
  if (icon === 'warning' && s.switch?.selfModify === 'unknown') return `switch UNKNOWN: ${s.switch.unknown?.reason ?? 'not read'}`;
  if (icon === 'warning' && s.breaker === 'unreadable') return 'breaker file unreadable';
  if (icon === 'paused' && s.hold.active) return 'paused (held)';
  return LABEL[icon];
}

export function aggregateIcon(states: readonly DropletState[], now: number): { icon: TrayIcon; tooltip: string } {
  if (states.length === 0) return { icon: 'disconnected', tooltip: 'Stratam Tray: no droplet connected' };
  let worst = ICON_SEVERITY.length - 1;
  for (const s of states) worst = Math.min(worst, ICON_SEVERITY.indexOf(dropletIcon(s, now)));
  const icon = ICON_SEVERITY[worst]!;
  const lines = states.map((s) => `${s.name}: ${describeDroplet(s, now)}`);
  return { icon, tooltip: `Stratam Tray: ${LABEL[icon]}\n${lines.join('\n')}` };
}
