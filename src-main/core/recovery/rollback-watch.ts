/**
 * The last two steps of a rollback: restart the agent container through the
 * Docker API, then watch it. Healthy means: running, with the same StartedAt
 * and RestartCount as right after our restart for the whole watch (Docker
 * restarted nothing behind our back), and, where the image has a health
 * check, `healthy` at the end. A check still `starting` when the time is up
 * is waited for a little longer (see HEALTH_GRACE_S), then called unhealthy.
 * Zero seconds: the restarted container is verified running once, no more.
 */
import { dockerFor } from '../docker/docker-client.js';
import { inspectContainer, type ContainerFacts } from '../docker/agent-status.js';
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import type { RollbackResult } from './recovery-types.js';
import { abortableDelay } from '../time/abortable-delay.js';

/** Docker's own default stop timeout: the agent gets this long to exit on SIGTERM. */
const STOP_TIMEOUT_S = 10;
const POLL_MS = 250;
/** How much longer a health check still `starting` at the end is waited for. */
export const HEALTH_GRACE_S = 30;

export type ContainerView = RollbackResult['container'];

const view = (f: ContainerFacts): ContainerView => ({ state: f.state, health: f.health, restartCount: f.restartCount, startedAt: f.startedAt });

async function inspectOrFail(droplet: Droplet, name: string): Promise<ContainerFacts> {
  const f = await inspectContainer(droplet, name);
  if (f) return f;
  throw new StratamError('failed', `The agent container "${name}" disappeared during the rollback.`, {
    hint: 'Recreate the agent container on the droplet; the restored code is in place and the droplet is still paused.',
    detail: { container: name },
  });
}

/** `docker restart` (stop with a timeout, then start), then what the container looks like right after. */
export async function restartAgent(droplet: Droplet, name: string): Promise<ContainerFacts> {
  await dockerFor(droplet).docker.getContainer(name).restart({ t: STOP_TIMEOUT_S });
  return inspectOrFail(droplet, name);
}

export interface WatchOutcome {
  outcome: RollbackResult['outcome'];
  container: ContainerView;
  detail: string;
}

function interrupted(): StratamError {
  return new StratamError('failed', 'The watch was interrupted before it could say whether the agent stays up.', {
    hint: 'Run `stratam status` to see the agent container; the restored code is in place and the droplet is still paused.',
    detail: { interrupted: true },
  });
}

/**
 * Watch the container restarted at `after` for `seconds`. Returns as soon as
 * it dies (not running, or a new start) or reports unhealthy.
 */
export async function watchAgent(droplet: Droplet, after: ContainerFacts, seconds: number, signal?: AbortSignal): Promise<WatchOutcome> {
  const died = (f: ContainerFacts, why: string): WatchOutcome => ({ outcome: 'died', container: view(f), detail: why });
  if (after.state !== 'running') return died(after, `the container is ${after.state} right after the restart`);
  if (seconds === 0) return { outcome: 'healthy', container: view(after), detail: 'running right after the restart (not watched: --health-seconds 0)' };
  const started = Date.now();
  const end = started + seconds * 1000;
  let last = after;
  for (;;) {
    await abortableDelay(POLL_MS, signal);
    if (signal?.aborted) throw interrupted();
    last = await inspectOrFail(droplet, after.name);
    const at = `${((Date.now() - started) / 1000).toFixed(1)} s in`;
    if (last.state !== 'running') return died(last, `the container was ${last.state} ${at}`);
    if (last.startedAt !== after.startedAt || last.restartCount !== after.restartCount) return died(last, `the container restarted ${at} (RestartCount ${after.restartCount} → ${last.restartCount})`);
    if (last.health === 'unhealthy') return { outcome: 'unhealthy', container: view(last), detail: `its health check reported unhealthy ${at}` };
    const now = Date.now();
    if (now < end) continue;
    if (last.health === null) return { outcome: 'healthy', container: view(last), detail: `running with no restart for ${seconds} s (the image has no health check)` };
    if (last.health === 'healthy') return { outcome: 'healthy', container: view(last), detail: `running with no restart for ${seconds} s and healthy` };
    if (now >= end + HEALTH_GRACE_S * 1000) {
      return { outcome: 'unhealthy', container: view(last), detail: `running for ${seconds + HEALTH_GRACE_S} s, but its health check never reported healthy (${last.health})` };
    }
  }
}
