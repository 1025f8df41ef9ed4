/**
 * `breaker check`: a one-shot rebuild of the restart history, so a cascade
 * that happened while no app was watching still trips the breaker.
 *
 * Docker keeps events only in memory, in a ring of a limited size (256 in
 * Docker 20.10), and loses them when the daemon restarts. So the history is
 * checked for completeness: it is complete when the daemon still remembers
 * something from before the window (or from before the container existed).
 * When it is not, RestartCount and StartedAt fill the gap:
 *   - a container created inside the window has had all of its RestartCount
 *     restarts inside the window (RestartCount counts restart-policy
 *     restarts since creation);
 *   - a StartedAt inside the window that no seen restart explains is one more
 *     restart (a lower bound).
 * See docs/breaker.md.
 */
import type { Droplet } from '../droplet/droplet.js';
import { requireAgentContainer, type ContainerFacts } from '../docker/agent-status.js';
import { eventHistory } from '../docker/events.js';
import { readBreaker, rearmedAtMs } from './breaker-file.js';
import { tripBreaker, type TripResult } from './breaker-actions.js';
import { measureDropletClock, type DropletClock } from './droplet-clock.js';
import { RESTART_ACTIONS, TRIP_COUNT, WINDOW_MS, findTrip, restartTimes } from './restart-window.js';

/** History before the window is read too, so a die just before it pairs with its start. */
export const PAIRING_SLACK_MS = 5 * 60_000;

export interface CheckResult {
  state: 'armed' | 'tripped' | 'unreadable';
  /** Restarts counted in the window, as ISO times. */
  restarts: string[];
  windowStart: string;
  history: 'complete' | 'partial';
  /** Set when RestartCount/StartedAt decided or added to the count. */
  fallback: string | null;
  container: { name: string; state: string; restartCount: number; startedAt: string | null };
  /** True when this check tripped the breaker. */
  trippedNow: boolean;
  trip: TripResult | null;
}

/** The earliest instant (ms) the daemon's event memory still reaches, or null if it holds nothing. */
export async function earliestRemembered(droplet: Droplet, untilMs: number): Promise<number | null> {
  const all = await eventHistory(droplet, { sinceMs: 1000, untilMs });
  return all.length > 0 ? Math.floor(all[0]!.timeNano / 1e6) : null;
}

export interface History {
  times: number[];
  complete: boolean;
  fetchStart: number;
  events: Awaited<ReturnType<typeof eventHistory>>;
}

/** Restart history of the container since `windowStart` (with pairing slack). */
export async function restartHistory(droplet: Droplet, facts: ContainerFacts, windowStart: number, now: number): Promise<History> {
  const fetchStart = windowStart - PAIRING_SLACK_MS;
  const events = await eventHistory(droplet, {
    sinceMs: fetchStart,
    untilMs: now,
    filters: { type: ['container'], container: [facts.id], event: [...RESTART_ACTIONS] },
  });
  const earliest = await earliestRemembered(droplet, now);
  const created = Date.parse(facts.createdAt);
  const complete = earliest !== null && (earliest <= fetchStart || (created >= fetchStart && earliest <= created));
  return { times: restartTimes(events), complete, fetchStart, events };
}

/** Apply the fallback when the event history has a gap. Returns the restart times to count. */
export function withFallback(h: History, facts: ContainerFacts, windowStart: number, now: number): { times: number[]; fallback: string | null } {
  const seen = h.times.filter((t) => t >= windowStart);
  if (h.complete) return { times: seen, fallback: null };
  const created = Date.parse(facts.createdAt);
  if (created >= windowStart && facts.restartCount > seen.length) {
    // Every RestartCount restart lies between creation and now, inside the window.
    // Their exact times are unknown; spread them between creation and the last start.
    const last = facts.startedAt ? Date.parse(facts.startedAt) : now;
    const n = facts.restartCount;
    const times = Array.from({ length: n }, (_, i) => Math.round(created + ((last - created) * (i + 1)) / n));
    return { times, fallback: `Docker's event memory does not reach back over the window; ${n} restarts taken from RestartCount (container created inside the window).` };
  }
  const started = facts.startedAt ? Date.parse(facts.startedAt) : NaN;
  if (Number.isFinite(started) && started >= windowStart && started > created + 1000 && !seen.some((t) => Math.abs(t - started) < 2000)) {
    return {
      times: [...seen, started].sort((a, b) => a - b),
      fallback: "Docker's event memory does not reach back over the window; the last StartedAt inside it counted as one restart (a lower bound).",
    };
  }
  return { times: seen, fallback: "Docker's event memory does not reach back over the window; the count is a lower bound." };
}

/**
 * `now` and `clock` are in droplet time: the window, Docker's `until` and the
 * comparison with `rearmed_at` all use the droplet's clock (droplet-clock.ts).
 */
export async function checkBreaker(droplet: Droplet, opts: { via?: string; now?: number; clock?: DropletClock } = {}): Promise<CheckResult> {
  const clock = opts.clock ?? (opts.now === undefined ? await measureDropletClock(droplet) : null);
  const now = opts.now ?? clock!.now();
  const b = await readBreaker(droplet);
  const rearmed = rearmedAtMs(b.record);
  const windowStart = Math.max(rearmed ?? 0, now - WINDOW_MS);
  const facts = await requireAgentContainer(droplet, 'the breaker would count no restarts; nothing was checked');
  const base = { windowStart: new Date(windowStart).toISOString(), trippedNow: false, trip: null };
  const h = await restartHistory(droplet, facts, windowStart, now);
  const { times, fallback } = withFallback(h, facts, windowStart, now);
  const counted = times.filter((t) => t >= windowStart && (rearmed === null || t > rearmed));
  const container = { name: facts.name, state: facts.state, restartCount: facts.restartCount, startedAt: facts.startedAt };
  const result: CheckResult = { ...base, state: b.state, restarts: counted.map((t) => new Date(t).toISOString()), history: h.complete ? 'complete' : 'partial', fallback, container };
  if (b.state === 'tripped') return result;
  const run = counted.length >= TRIP_COUNT ? findTrip(counted, rearmed) : null;
  if (!run) return result;
  const trip = await tripBreaker(droplet, run, opts.via ?? 'check', now);
  return { ...result, state: 'tripped', trippedNow: !trip.alreadyTripped, trip };
}
