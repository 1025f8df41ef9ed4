/**
 * dockerode bound to a droplet: every request goes through ChannelAgent, so
 * over SSH it rides the existing connection and with --local it uses the
 * local socket. The host name is a placeholder: the agent ignores it.
 */
import Docker from 'dockerode';
import type { Droplet } from '../droplet/droplet.js';
import { ChannelAgent, DOCKER_SOCKET } from './channel-agent.js';

export interface DropletDocker {
  docker: Docker;
  agent: ChannelAgent;
  droplet: Droplet;
}

const clients = new WeakMap<Droplet, DropletDocker>();

/**
 * One client (and one channel pool) per droplet connection. Every request
 * gets its response head within `requestDeadlineMs` (default 30 s; the
 * first caller's choice, or a later caller's that names one).
 */
export function dockerFor(droplet: Droplet, opts: { requestDeadlineMs?: number } = {}): DropletDocker {
  let c = clients.get(droplet);
  if (c && opts.requestDeadlineMs !== undefined) c.agent.requestDeadlineMs = opts.requestDeadlineMs;
  if (!c) {
    const agent = new ChannelAgent(droplet, DOCKER_SOCKET, opts.requestDeadlineMs === undefined ? {} : { requestDeadlineMs: opts.requestDeadlineMs });
    const docker = new Docker({ protocol: 'http', host: 'docker', port: 80, agent } as Docker.DockerOptions);
    c = { docker, agent, droplet };
    clients.set(droplet, c);
  }
  return c;
}

/** Close the pooled channels (a CLI run calls this before closing the droplet). */
export function releaseDocker(droplet: Droplet): void {
  const c = clients.get(droplet);
  if (c) {
    c.agent.destroy();
    clients.delete(droplet);
  }
}

/** True for dockerode's "no such container" answer. */
export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number } | null)?.statusCode === 404;
}
