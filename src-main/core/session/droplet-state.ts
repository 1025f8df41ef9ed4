/**
 * The one status value per droplet that the tray icon, the menu, the
 * notifications and the dashboard all derive from.
 */
import type { LinkState } from '../ssh/link-state.js';

export interface DropletState {
  name: string;
  link: LinkState;
  /** When the link last left `connected`; null while connected or before the first connect. */
  downSince: string | null;
  /** JARVIS_SELF_MODIFY_ALLOWED as last read: false means paused; null means not read yet. */
  selfModifyAllowed: boolean | null;
  breaker: 'armed' | 'tripped' | 'unreadable' | null;
  /** Unacknowledged tier-1 fabrication warnings. */
  fabrications: number;
  checkedAt: string | null;
}

export const initialState = (name: string): DropletState => ({
  name,
  link: { state: 'idle' },
  downSince: null,
  selfModifyAllowed: null,
  breaker: null,
  fabrications: 0,
  checkedAt: null,
});

/** Apply a link change: remember when the link went down, clear it when back. */
export function withLink(s: DropletState, link: LinkState, now: Date): DropletState {
  const wasUp = s.link.state === 'connected';
  const isUp = link.state === 'connected';
  const downSince = isUp ? null : wasUp ? now.toISOString() : s.downSince;
  return { ...s, link, downSince };
}

export interface Warning {
  id: string;
  name: string;
  at: string;
  kind: 'fabrication' | 'blocked-command-ran' | 'audit-rewritten' | 'audit-rollback' | 'sandbox-violation' | 'watch-failed';
  severity: 'critical' | 'warning' | 'info';
  tier: number | null;
  message: string;
  detail: Record<string, unknown>;
}
