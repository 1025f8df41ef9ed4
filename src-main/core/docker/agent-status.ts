/**
 * The agent container as `stratam status` shows it: name, state, health,
 * image, when it started, Docker's RestartCount and the restarts of the last
 * hour (by the breaker's rule, from Docker's event history).
 */
import { refusedError } from '../errors.js';
import type { Droplet } from '../droplet/droplet.js';
import { RESTART_ACTIONS, WINDOW_MS, restartTimes } from '../breaker/restart-window.js';
import { dockerFor, isNotFound } from './docker-client.js';
import { eventHistory } from './events.js';

export interface AgentStatus {
  name: string;
  /** Docker's State.Status (running, exited, restarting, paused, created, dead) or `missing`. */
  state: string;
  /** healthy / unhealthy / starting, or null when the image has no healthcheck (or it is missing). */
  health: string | null;
  image: string | null;
  startedAt: string | null;
  restartCount: number;
  restartsLastHour: number;
}

export interface ContainerFacts {
  id: string;
  name: string;
  state: string;
  health: string | null;
  image: string;
  createdAt: string;
  startedAt: string | null;
  restartCount: number;
}

/** Inspect one container; null when it does not exist. */
export async function inspectContainer(droplet: Droplet, name: string): Promise<ContainerFacts | null> {
  const { docker } = dockerFor(droplet);
  try {
    const info = await docker.getContainer(name).inspect();
    const started = info.State.StartedAt;
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      state: info.State.Status,
      health: (info.State as { Health?: { Status?: string } }).Health?.Status ?? null,
      image: info.Config.Image,
      createdAt: info.Created,
      // Docker reports a never-started container as 0001-01-01T00:00:00Z.
      startedAt: started && !started.startsWith('0001-') ? started : null,
      restartCount: info.RestartCount,
    };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * The agent container's facts, or a refusal (exit 3) when there is no such
 * container: Docker reports no events for a name it does not know, so a check
 * or a watch of a wrong name would see nothing and report all is well while
 * the real agent runs unwatched. `consequence` says what would have gone wrong.
 */
export async function requireAgentContainer(droplet: Droplet, consequence: string): Promise<ContainerFacts> {
  const name = droplet.paths.agentContainer;
  const facts = await inspectContainer(droplet, name);
  if (facts) return facts;
  throw refusedError(
    `There is no container "${name}" on the droplet, so ${consequence}. Name the agent's container with --container NAME (or the profile's agent container).`,
    "Run `docker ps -a` on the droplet to find the agent container's name.",
    { container: name },
  );
}

/** Restart instants of one container from Docker's event history. */
export async function containerRestarts(droplet: Droplet, container: string, sinceMs: number, untilMs = Date.now()): Promise<number[]> {
  const events = await eventHistory(droplet, {
    sinceMs,
    untilMs,
    filters: { type: ['container'], container: [container], event: [...RESTART_ACTIONS] },
  });
  return restartTimes(events);
}

export async function agentStatus(droplet: Droplet): Promise<AgentStatus> {
  const name = droplet.paths.agentContainer;
  const facts = await inspectContainer(droplet, name);
  if (!facts) return { name, state: 'missing', health: null, image: null, startedAt: null, restartCount: 0, restartsLastHour: 0 };
  const now = Date.now();
  // A little slack before the hour so a die just before it pairs with its start.
  const times = await containerRestarts(droplet, facts.id, now - WINDOW_MS - 5 * 60_000, now);
  return {
    name,
    state: facts.state,
    health: facts.health,
    image: facts.image,
    startedAt: facts.startedAt,
    restartCount: facts.restartCount,
    restartsLastHour: times.filter((t) => t >= now - WINDOW_MS).length,
  };
}
