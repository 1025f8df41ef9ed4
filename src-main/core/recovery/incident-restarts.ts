/**
 * The incident's restarts: for each restart breaker.json (or the trip
 * receipt) lists, the `die` that preceded it in Docker's event history, with
 * its exit code, and the last lines the dying run logged (container-logs.ts).
 *
 * Pairing: the restart instant is the counted `start` (or `restart`) event's
 * time in ms (restart-window.ts), so the event is found by that instant; its
 * die is the last `die` before it with no `start` between, and the dying run
 * began after the die before that (its own lines precede its `start`). Events are read for the container's
 * name, so a container re-created since still shows its history; its old
 * runs' logs went with it. Docker keeps events only in memory, so an old trip
 * may have restarts with no die left: exit code and logs are then null and
 * empty, with a warning, never a failure.
 */
import type { Droplet } from '../droplet/droplet.js';
import { describeError } from '../errors.js';
import { eventHistory, type DockerEvent } from '../docker/events.js';
import { containerLogFacts, runLogs, LOG_LINES } from '../docker/container-logs.js';
import { PAIRING_SLACK_MS } from '../breaker/breaker-check.js';
import type { IncidentRestart } from './recovery-types.js';

/** Restarts shown (the first ones: the cascade's start is what explains it). */
export const MAX_RESTARTS = 20;
/** How far from the listed instant the start event may lie (breaker.json keeps ms; fallback counts are estimates). */
const MATCH_MS = 2000;
/** How long before its `start` event a run whose previous death is unknown may have logged. */
const START_SLACK_NS = 5e9;

const iso = (ns: number) => new Date(Math.floor(ns / 1e6)).toISOString();

export async function gatherRestarts(droplet: Droplet, listed: string[], opts: { signal?: AbortSignal; warnings: string[] }): Promise<IncidentRestart[]> {
  const { warnings } = opts;
  const times = listed
    .map((s) => Date.parse(s))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (times.length === 0) {
    warnings.push('The trip lists no restarts, so there are no exit codes or logs to show.');
    return [];
  }
  if (times.length > MAX_RESTARTS) warnings.push(`The trip lists ${times.length} restarts; the first ${MAX_RESTARTS} are shown.`);
  const shown = times.slice(0, MAX_RESTARTS);
  const restarts: IncidentRestart[] = shown.map((t) => ({ at: new Date(t).toISOString(), exitCode: null, diedAt: null, logs: [], logsTruncated: false }));
  const name = droplet.paths.agentContainer;

  let events: DockerEvent[];
  try {
    events = await eventHistory(droplet, {
      sinceMs: shown[0]! - PAIRING_SLACK_MS,
      // Past the last restart's start; at most a second in the future, which Docker waits out.
      untilMs: shown[shown.length - 1]! + 1000,
      filters: { type: ['container'], container: [name], event: ['die', 'start', 'restart'] },
    });
  } catch (err) {
    warnings.push(`Docker's event history could not be read (${describeError(err)}), so exit codes and logs are missing.`);
    return restarts;
  }
  opts.signal?.throwIfAborted();

  let facts: { id: string; tty: boolean } | null = null;
  try {
    facts = await containerLogFacts(droplet, name);
    if (!facts) warnings.push(`The container "${name}" no longer exists, so the logs of its runs are gone.`);
  } catch (err) {
    warnings.push(`Docker could not be asked about the container "${name}" (${describeError(err)}), so no logs are shown.`);
  }

  let unpaired = 0;
  let otherContainer = 0;
  for (const [i, t] of shown.entries()) {
    const r = restarts[i]!;
    const startIdx = findStart(events, t);
    const dieIdx = startIdx < 0 ? -1 : previous(events, startIdx, 'die', 'start');
    if (dieIdx < 0) {
      unpaired++;
      continue;
    }
    const die = events[dieIdx]!;
    const code = Number(die.Actor?.Attributes?.exitCode);
    r.exitCode = Number.isSafeInteger(code) ? code : null;
    r.diedAt = iso(die.timeNano);
    if (!facts) continue;
    if (die.Actor?.ID !== facts.id) {
      otherContainer++;
      continue;
    }
    const runStart = runStartOf(events, dieIdx);
    try {
      const logs = await runLogs(droplet, facts.id, { sinceNano: runStart, untilNano: die.timeNano, tty: facts.tty, ...(opts.signal ? { signal: opts.signal } : {}) });
      r.logs = logs.lines;
      r.logsTruncated = logs.truncated;
      if (logs.cut) warnings.push(`The run that died at ${r.diedAt} logged more than Docker's logs can be read for in its last second; the lines shown are not its very last ones.`);
    } catch (err) {
      opts.signal?.throwIfAborted();
      warnings.push(`The logs of the run that died at ${r.diedAt} could not be read (${describeError(err)}).`);
    }
    opts.signal?.throwIfAborted();
  }
  if (unpaired)
    warnings.push(
      `Docker no longer remembers the death before ${unpaired} of the restarts (it keeps a limited number of events in memory, and none across a daemon restart), so their exit codes and logs are unknown.`,
    );
  if (otherContainer) warnings.push(`${otherContainer} of the runs belonged to an earlier container named "${name}" (re-created since), so their logs are gone.`);
  if (restarts.some((r) => r.logsTruncated)) warnings.push(`Only the last ${LOG_LINES} lines of each run are shown.`);
  return restarts;
}

/** The index of the start/restart event at restart instant `t` (ms), or -1. */
function findStart(events: DockerEvent[], t: number): number {
  let best = -1;
  let bestGap = MATCH_MS + 1;
  for (const [i, e] of events.entries()) {
    if (e.Action !== 'start' && e.Action !== 'restart') continue;
    const gap = Math.abs(Math.floor(e.timeNano / 1e6) - t);
    // Ties go to the earlier event: `docker restart` sends start then restart in the same instant.
    if (gap < bestGap) {
      best = i;
      bestGap = gap;
    }
  }
  return best;
}

/** The nearest event before `idx` with action `want`, stopping (-1) at one with action `stop`. */
function previous(events: DockerEvent[], idx: number, want: string, stop: string): number {
  for (let j = idx - 1; j >= 0; j--) {
    const a = events[j]!.Action;
    if (a === want) return j;
    if (a === stop) return -1;
  }
  return -1;
}

/**
 * Where the dying run's log begins (ns), or null (from the log's start). A
 * run writes before Docker sends its `start` event (measured: a line stamped
 * 40 ms before it), so the bound is the death before the run, and only when
 * that is not in the history, a few seconds before the run's start.
 */
function runStartOf(events: DockerEvent[], dieIdx: number): number | null {
  const prevDie = previous(events, dieIdx, 'die', '');
  if (prevDie >= 0) return events[prevDie]!.timeNano;
  const start = previous(events, dieIdx, 'start', 'die');
  return start >= 0 ? events[start]!.timeNano - START_SLACK_NS : null;
}
