/**
 * The one status value per droplet that the tray icon, the menu, the
 * notifications and the dashboard all derive from.
 */
import type { SwitchReading } from '../controls/switch-state.js';
import type { LinkState } from '../ssh/link-state.js';

export interface DropletState {
  name: string;
  link: LinkState;
  /** When the link last left `connected`; null while connected or before the first connect. */
  downSince: string | null;
  /** JARVIS_SELF_MODIFY_ALLOWED as last read: false means paused; null means not read yet, or read as unknown. */
  selfModifyAllowed: boolean | null;
  /** The switch as last read, with the reason when unknown; null before the first read. */
  switch: SwitchReading | null;
  /** Which read the values above come from: reads are numbered when they start, and an older one never replaces a newer. */
  readSeq: number;
  breaker: 'armed' | 'tripped' | 'unreadable' | null;
  /** Hold-pause: `enabled` per droplet (on by default); `active` while it is holding a pause in place. */
  hold: { enabled: boolean; active: boolean };
  /** Unacknowledged tier-1 fabrication warnings. */
  fabrications: number;
  /** When the values above were read (this machine's clock). */
  checkedAt: string | null;
}

export const initialState = (name: string): DropletState => ({
  name,
  link: { state: 'idle' },
  downSince: null,
  selfModifyAllowed: null,
  switch: null,
  readSeq: 0,
  breaker: null,
  hold: { enabled: true, active: false },
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

/**
 * Apply a read of the droplet's values, numbered when the read started (or,
 * for a pause read back, when it finished): a read older than the one shown
 * never replaces it, so a slow refresh begun before a pause cannot undo the
 * pause on screen. Null when the read is stale and changes nothing.
 */
export function withRead(s: DropletState, seq: number, v: { switch?: SwitchReading; breaker?: DropletState['breaker'] }, now: Date): DropletState | null {
  if (seq <= s.readSeq) return null;
  const sw = v.switch ?? s.switch;
  return {
    ...s,
    switch: sw,
    selfModifyAllowed: sw === null || sw.selfModify === 'unknown' ? null : sw.selfModify === 'allowed',
    breaker: v.breaker !== undefined ? v.breaker : s.breaker,
    readSeq: seq,
    checkedAt: now.toISOString(),
  };
}

export interface Warning {
  id: string;
  name: string;
  at: string;
  kind: 'fabrication' | 'blocked-command-ran' | 'audit-rewritten' | 'audit-rollback' | 'sandbox-violation' | 'watch-failed' | 'control-tampered' | 'hold-pause' | 'destructive-while-paused';
  severity: 'critical' | 'warning' | 'info';
  tier: number | null;
  message: string;
  detail: Record<string, unknown>;
  /** When the person acknowledged it (console or tray); unacknowledged warnings keep the tray on "warning". */
  acknowledgedAt?: string;
}
