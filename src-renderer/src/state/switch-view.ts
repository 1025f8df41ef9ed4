/**
 * What the console may say about a droplet's off switch, derived from the
 * latest pushed droplet state and nothing else. The rule is the issue's:
 * never claim a state that was not read. So the switch is paused or allowed
 * only when the core read it with certainty during the current connection;
 * otherwise it is unknown, with the core's reason and fix, or (link down,
 * or reconnected and not read again yet) the last reading is kept only as
 * "last read", greyed, next to when it was read.
 */
import type { DropletStateView, SwitchReadingView } from '../../../src-main/ipc/api.js';

export type UnknownWhy = NonNullable<SwitchReadingView['unknown']>['reason'] | 'not-read';

export interface SwitchView {
  /** What may be claimed now. */
  selfModify: 'paused' | 'allowed' | 'unknown';
  eternalLoop: 'armed' | 'off' | 'unknown';
  /** Why a value is unknown now (the core's words when it read one); null when both are known. */
  unknown: { reason: UnknownWhy; detail: string; fix: string } | null;
  /**
   * The values are not current: the link is not connected, or it came back
   * and the switch was not read again since. `last` is then shown greyed.
   */
  stale: 'link-down' | 'reconnected' | null;
  /** The last reading, whatever its age; null before the first. */
  last: SwitchReadingView | null;
  /** When `last` was read (the core's clock). */
  checkedAt: string | null;
  /** When the link left `connected` (link down), or came back (reconnected). */
  since: string | null;
  readSeq: number;
  /** Resume may be offered: the switch reads paused now. Pause is always offered. */
  canResume: boolean;
  hold: DropletStateView['hold'];
}

const NOT_READ = { reason: 'not-read' as const, detail: 'The switch has not been read yet.', fix: 'Connect to the droplet; the switch is read as soon as the link is up.' };

export function switchView(d: DropletStateView | undefined): SwitchView {
  const base = { last: d?.switch ?? null, checkedAt: d?.checkedAt ?? null, readSeq: d?.readSeq ?? 0, hold: d?.hold ?? { enabled: true, active: false }, canResume: false };
  if (!d) return { ...base, selfModify: 'unknown', eternalLoop: 'unknown', unknown: NOT_READ, stale: null, since: null };
  const link = d.link;
  if (link.state !== 'connected') {
    const down = {
      reason: 'link-down' as const,
      detail: d.downSince ? `The SSH link has been down since ${clock(d.downSince)}.` : 'The droplet is not connected.',
      fix: link.state === 'reconnecting' ? 'The app is reconnecting; check the droplet and the network if it does not come back.' : 'Connect to the droplet; pause again once it is back if in doubt.',
    };
    return { ...base, selfModify: 'unknown', eternalLoop: 'unknown', unknown: down, stale: d.switch ? 'link-down' : null, since: d.downSince };
  }
  if (!d.switch || !d.checkedAt) return { ...base, selfModify: 'unknown', eternalLoop: 'unknown', unknown: NOT_READ, stale: null, since: null };
  // A reading from before this connection began is what was true then, not now (both times are the core's clock).
  if (Date.parse(d.checkedAt) < Date.parse(link.since)) {
    const again = {
      reason: 'link-down' as const,
      detail: `The link came back at ${clock(link.since)}; the switch has not been read again since.`,
      fix: 'Wait a moment for the new read; pause if in doubt.',
    };
    return { ...base, selfModify: 'unknown', eternalLoop: 'unknown', unknown: again, stale: 'reconnected', since: link.since };
  }
  const sw = d.switch;
  return {
    ...base,
    selfModify: sw.selfModify,
    eternalLoop: sw.eternalLoop,
    unknown:
      sw.selfModify === 'unknown' || sw.eternalLoop === 'unknown'
        ? (sw.unknown ?? { reason: 'unreadable', detail: 'The core could not read the switch.', fix: 'Run `stratam status` to see why.' })
        : null,
    stale: null,
    since: null,
    canResume: sw.selfModify === 'paused',
  };
}

/** The one word (or few) the header and cards show for destructive tools. */
export function switchWord(v: SwitchView): string {
  if (v.selfModify === 'paused') return 'paused';
  if (v.selfModify === 'allowed') return 'destructive tools allowed';
  if (v.stale) return 'unknown: link down';
  if (v.unknown?.reason === 'not-read') return 'not read yet';
  return 'switch unknown';
}

export const loopWord = (v: SwitchReadingView['eternalLoop']): string => (v === 'armed' ? 'armed' : v === 'off' ? 'off' : 'unknown');

/** Hold-pause in a few words: what it is doing right now. */
export function holdWord(h: DropletStateView['hold']): string {
  if (h.active) return 'holding the pause';
  return h.enabled ? 'on (holds once paused)' : 'off';
}

const clock = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
