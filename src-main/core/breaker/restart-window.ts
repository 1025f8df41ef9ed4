/**
 * The contract's restart rule, as pure functions.
 *
 * A restart is a `start` of the agent container after it stopped (`die`), or a
 * `restart` event. `docker restart` emits die, start AND restart for one
 * restart, so each die opens a cycle and only the first start/restart of the
 * cycle counts. A `restart` with no die seen (its die fell before the history
 * we have) still counts; a `start` with no die before it is the first start,
 * not a restart.
 *
 * Trip: four or more restarts within any 60 minutes, counting only restarts
 * after the last re-arm.
 */
export const TRIP_COUNT = 4;
export const WINDOW_MS = 60 * 60 * 1000;

export interface ContainerEventLike {
  Action: string;
  /** nanoseconds since the epoch */
  timeNano: number;
}

export const RESTART_ACTIONS = ['die', 'start', 'restart'] as const;

/** Restart instants (ms since epoch), in order, from one container's events. */
export function restartTimes(events: readonly ContainerEventLike[]): number[] {
  const sorted = [...events].sort((a, b) => a.timeNano - b.timeNano);
  const out: number[] = [];
  let stopped = false;
  let counted = false; // a restart of the current cycle was already counted
  for (const e of sorted) {
    const ms = Math.floor(e.timeNano / 1e6);
    if (e.Action === 'die') {
      stopped = true;
      counted = false;
    } else if (e.Action === 'start') {
      if (stopped && !counted) out.push(ms);
      if (stopped) counted = true;
      stopped = false;
    } else if (e.Action === 'restart') {
      if (!counted) out.push(ms);
      counted = true;
      stopped = false;
    }
  }
  return out;
}

/** Streaming form of restartTimes, for a follower that sees events one by one. */
export class RestartCounter {
  private stopped = false;
  private counted = false;
  /** Set by assumeStopped(): a die may have been lost in a gap. */
  private maybeStopped = false;

  /** Returns the restart instant when this event is a restart, else null. */
  feed(e: ContainerEventLike): number | null {
    const ms = Math.floor(e.timeNano / 1e6);
    if (e.Action === 'die') {
      this.stopped = true;
      this.counted = false;
      this.maybeStopped = false;
      return null;
    }
    if (e.Action === 'start') {
      const isRestart = (this.stopped && !this.counted) || this.maybeStopped;
      if (this.stopped || this.maybeStopped) this.counted = true;
      this.stopped = false;
      this.maybeStopped = false;
      return isRestart ? ms : null;
    }
    if (e.Action === 'restart') {
      const isRestart = !this.counted;
      this.counted = true;
      this.stopped = false;
      this.maybeStopped = false;
      return isRestart ? ms : null;
    }
    return null;
  }

  /**
   * The stream broke and events may be lost for good: a restarted daemon
   * keeps no history, and it stops the agent after closing its API, so the
   * agent's `die` is never sent. Then the next `start` counts even with no die
   * seen (a running container is never started, so a start after a gap means
   * it stopped in it). A `restart` keeps the usual rule, so the tail of a
   * `docker restart` cut by the gap (start seen, restart replayed) still
   * counts once.
   */
  assumeStopped(): void {
    this.maybeStopped = true;
  }
}

/**
 * The first run of TRIP_COUNT restarts (after `rearmedAtMs`) that fits inside
 * WINDOW_MS, or null. Returns the restarts of that run.
 */
export function findTrip(times: readonly number[], rearmedAtMs: number | null): number[] | null {
  const t = times.filter((x) => rearmedAtMs === null || x > rearmedAtMs).sort((a, b) => a - b);
  for (let i = 0; i + TRIP_COUNT - 1 < t.length; i++) {
    const first = t[i]!;
    const last = t[i + TRIP_COUNT - 1]!;
    if (last - first <= WINDOW_MS) {
      // Report every restart of that 60 minutes, not just the first four.
      return t.filter((x) => x >= first && x <= first + WINDOW_MS);
    }
  }
  return null;
}
