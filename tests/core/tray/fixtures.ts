import type { DropletState } from '../../../src-main/core/session/droplet-state.js';

export const NOW = Date.parse('2026-11-28T12:00:00.000Z');
export const ago = (ms: number) => new Date(NOW - ms).toISOString();

/** A connected, armed, freshly read droplet; override what a test is about. */
export function state(name: string, over: Partial<DropletState> = {}): DropletState {
  const allowed = over.selfModifyAllowed === undefined ? true : over.selfModifyAllowed;
  return {
    name,
    link: { state: 'connected', since: ago(60_000), hostKey: 'SHA256:' + 'A'.repeat(43) },
    downSince: null,
    selfModifyAllowed: allowed,
    // The switch as read agrees with selfModifyAllowed unless a test sets it.
    switch: allowed === null ? null : { selfModify: allowed ? 'allowed' : 'paused', eternalLoop: 'armed', unknown: null },
    readSeq: 1,
    breaker: 'armed',
    hold: { enabled: true, active: false },
    fabrications: 0,
    checkedAt: ago(5_000),
    ...over,
  };
}
