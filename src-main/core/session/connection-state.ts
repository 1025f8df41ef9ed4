/**
 * One droplet's status value and every change to it: the numbered reads (the
 * newest wins, see withRead), the link, the breaker, the hold and the
 * fabrication count. Each change that the session must show tells it
 * (`changed`); the few that the caller announces itself are marked quiet.
 */
import { coreStatus } from '../controls/status.js';
import type { SwitchReading } from '../controls/switch-state.js';
import type { Droplet } from '../droplet/droplet.js';
import type { LinkState } from '../ssh/link-state.js';
import type { ConnectionHost } from './connection-host.js';
import { initialState, withLink, withRead, type DropletState } from './droplet-state.js';

export class ConnectionState {
  current: DropletState;
  /** Reads started so far: each read takes the next number when it starts (see withRead). */
  private issued = 0;

  constructor(
    private readonly name: string,
    holdEnabled: boolean,
    private readonly host: Pick<ConnectionHost, 'now' | 'push' | 'changed'>,
    /** Whether the control watch is holding a pause in place now. */
    private readonly holding: () => boolean,
  ) {
    this.current = { ...initialState(name), hold: { enabled: holdEnabled, active: false } };
  }

  /** Re-read flags and breaker (after an action, a reconnect, and on a timer). */
  async read(droplet: Droplet): Promise<DropletState> {
    const seq = ++this.issued;
    const s = await coreStatus(droplet);
    this.applyRead(seq, { switch: s.flags.switch, breaker: s.breaker.state });
    return this.current;
  }

  /** A pause or resume read back on the droplet: numbered when it finished, so any read begun before it yields. */
  applyVerified(selfModifyAllowed: boolean): void {
    const prev = this.current.switch;
    const sw: SwitchReading = { selfModify: selfModifyAllowed ? 'allowed' : 'paused', eternalLoop: prev?.eternalLoop ?? 'unknown', unknown: prev?.eternalLoop === 'unknown' ? prev.unknown : null };
    this.applyRead(++this.issued, { switch: sw });
  }

  /** A flag change the control watch saw: on screen at once, numbered like any other read. */
  applyWatched(reading: SwitchReading): void {
    this.applyRead(++this.issued, { switch: reading });
  }

  /** See withRead: numbered reads, the newest wins. */
  private applyRead(seq: number, v: { switch?: SwitchReading; breaker?: DropletState['breaker'] }): void {
    const next = withRead(this.current, seq, v, new Date(this.host.now()));
    if (!next) return;
    this.current = next;
    this.syncHold();
    this.host.changed();
  }

  setLink(link: LinkState): void {
    this.current = withLink(this.current, link, new Date(this.host.now()));
    this.host.push({ type: 'link', name: this.name, link, droplet: this.current });
    this.host.changed();
  }

  /** Quiet: the session announces the close itself. */
  setClosed(): void {
    this.current = withLink(this.current, { state: 'closed' }, new Date(this.host.now()));
  }

  /** Quiet: the breaker watch pushes its own event first, then tells the session. */
  setBreaker(breaker: 'tripped' | 'armed'): void {
    this.current = { ...this.current, breaker };
  }

  syncHold(): void {
    const active = this.holding();
    if (this.current.hold.active === active) return;
    this.current = { ...this.current, hold: { ...this.current.hold, active } };
    this.host.changed();
  }

  /** Quiet: a new dial starts with nothing held. */
  resetHold(enabled: boolean): void {
    this.current = { ...this.current, hold: { enabled, active: false } };
  }

  setHold(enabled: boolean): void {
    this.current = { ...this.current, hold: { enabled, active: this.holding() } };
    this.host.changed();
  }

  /** The unacknowledged tier-1 fabrication count the tray shows. */
  setFabrications(n: number): void {
    if (this.current.fabrications === n) return;
    this.current = { ...this.current, fabrications: n };
    this.host.changed();
  }
}
