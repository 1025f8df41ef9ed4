/**
 * The incident: why did the breaker trip (issue 14)? One read-only gathering
 * of the last trip (incident-trip.ts), each restart of its window with the
 * exit code and last log lines of the run that died (incident-restarts.ts),
 * the `self_modify_code` records before the first restart with the agent's
 * reply in their turn (incident-changes.ts, incident-replies.ts), and the
 * suggested fix: the snapshot of the last successful change before the
 * cascade, whose tree is the code as it was just before that change.
 *
 * Only "there is no trip" fails (exit 2). Every other part that cannot be
 * gathered (Docker unreachable, logs gone, the archive or keyring unreadable)
 * becomes a warning, so the person still sees what could be found. It reads
 * only, so it leaves no receipt, like `status` and `breaker status`.
 */
import type { Droplet } from '../droplet/droplet.js';
import { StratamError, describeError } from '../errors.js';
import { findTripFacts } from './incident-trip.js';
import { gatherRestarts } from './incident-restarts.js';
import { gatherChanges } from './incident-changes.js';
import { attachReplies } from './incident-replies.js';
import { requireSnapshot } from './snapshot-tree.js';
import type { Incident, IncidentChange } from './recovery-types.js';

export async function gatherIncident(droplet: Droplet, opts: { signal?: AbortSignal } = {}): Promise<Incident> {
  const warnings: string[] = [];
  const sub = { warnings, ...(opts.signal ? { signal: opts.signal } : {}) };
  const trip = await findTripFacts(droplet, warnings);
  opts.signal?.throwIfAborted();
  const restarts = await gatherRestarts(droplet, trip.restarts, sub);
  opts.signal?.throwIfAborted();
  // Changes made before the cascade began; with no restart listed, before the trip itself.
  const firstRestart = restarts.length > 0 ? Date.parse(restarts[0]!.at) : Date.parse(trip.trippedAt ?? '');
  const cutoff = Number.isFinite(firstRestart) ? firstRestart : Date.now();
  const changes = await gatherChanges(droplet, cutoff, sub);
  opts.signal?.throwIfAborted();
  await attachReplies(droplet, changes, sub);
  const suggestion = await suggest(droplet, changes, restarts[0]?.at ?? null, warnings);
  return {
    source: trip.source,
    trippedAt: trip.trippedAt,
    reason: trip.reason,
    by: trip.by,
    stillTripped: trip.stillTripped,
    container: droplet.paths.agentContainer,
    restarts,
    changes,
    suggestion,
    warnings,
  };
}

/**
 * The snapshot of the last successful change before the cascade. Only that
 * one: an earlier snapshot would also undo earlier changes that did not
 * crash, which is the person's call (they can pick one from the list).
 */
async function suggest(droplet: Droplet, changes: IncidentChange[], firstRestartAt: string | null, warnings: string[]): Promise<Incident['suggestion']> {
  const last = changes.filter((c) => c.ok).at(-1);
  if (!last) {
    warnings.push('No successful self_modify_code before the first restart was found, so there is no snapshot to suggest; the cause may be outside the agent code (see the logs above).');
    return null;
  }
  if (!last.snapshot) {
    warnings.push(`The last change before the cascade (seq ${last.seq}) names no snapshot, so there is none to suggest.`);
    return null;
  }
  if (!last.snapshotFound) {
    warnings.push(`The last change before the cascade (seq ${last.seq}) names snapshot ${last.snapshot}, but that folder is gone (or is not a real folder), so there is none to suggest.`);
    return null;
  }
  try {
    await requireSnapshot(droplet, last.snapshot);
  } catch (err) {
    if (!(err instanceof StratamError)) throw err;
    warnings.push(`The snapshot ${last.snapshot} cannot be rolled back to: ${describeError(err)}`);
    return null;
  }
  const what = [last.label ? `"${last.label}"` : null, last.files.length ? `changing ${last.files.slice(0, 5).join(', ')}${last.files.length > 5 ? ', …' : ''}` : null].filter(Boolean).join(', ');
  const why = `${last.snapshot} holds the code as it was just before self_modify_code #${last.seq}${what ? ` (${what})` : ''} at ${last.ts}, the last change before the first restart${firstRestartAt ? ` at ${firstRestartAt}` : ''}.`;
  return { snapshot: last.snapshot, seq: last.seq, why };
}
