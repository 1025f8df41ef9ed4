/**
 * Docker's /events: a one-shot history read (since..until) and a follower
 * that keeps a long-lived stream open on its own channel. After the SSH link
 * drops and comes back, the follower re-subscribes with `since` set to the
 * last event it saw, so nothing that happened during the gap is missed; the
 * overlap is removed by event identity.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import Docker from 'dockerode';
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { ChannelAgent, DOCKER_SOCKET } from './channel-agent.js';
import { dockerFor } from './docker-client.js';
import { background, reportError } from '../log/logger.js';

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano: number;
}

export interface EventFilters {
  container?: string[];
  event?: string[];
  type?: string[];
  label?: string[];
}

/** Docker takes `seconds.nanoseconds`; a bare number of seconds is too coarse for re-subscribing. */
export function dockerTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}

export function nanoTime(timeNano: number): string {
  const ns = BigInt(Math.round(timeNano));
  const s = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${s}.${frac}`;
}

export const eventKey = (e: DockerEvent) => `${e.timeNano}:${e.Actor?.ID}:${e.Action}`;

/** Split a byte stream of JSON objects (one per line) into events. */
function parseLines(stream: NodeJS.ReadableStream, onEvent: (e: DockerEvent) => void): void {
  let buf = '';
  stream.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      let event: DockerEvent;
      try {
        event = JSON.parse(line) as DockerEvent;
      } catch (err) {
        // Docker writes whole JSON objects; anything else is noted and skipped (only the parse is guarded, never the handler).
        reportError('docker-events', err, 'reading a Docker event line that is not JSON');
        continue;
      }
      onEvent(event);
    }
  });
}

/** Events between two instants (Docker closes the stream at `until`). */
export async function eventHistory(droplet: Droplet, opts: { sinceMs: number; untilMs?: number; filters?: EventFilters }): Promise<DockerEvent[]> {
  const { docker } = dockerFor(droplet);
  const stream = await docker.getEvents({
    since: dockerTime(opts.sinceMs) as unknown as number,
    until: dockerTime(opts.untilMs ?? Date.now()) as unknown as number,
    filters: (opts.filters ?? {}) as Docker.GetEventsOptions['filters'],
  });
  const out: DockerEvent[] = [];
  parseLines(stream, (e) => out.push(e));
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    // A stream cut short (the link dropped) must not pass for the whole history.
    stream.on('close', () =>
      (stream as IncomingMessage).complete === false
        ? reject(new StratamError('connect', "Reading Docker's event history: the connection to the droplet was lost mid-answer.", { hint: 'Retry once the droplet is reachable again.' }))
        : resolve(),
    );
    stream.on('error', reject);
  });
  return out.sort((a, b) => a.timeNano - b.timeNano);
}

interface LinkLike extends EventEmitter {
  state: { state: string };
}

export interface FollowOptions {
  filters?: EventFilters;
  /** Start from this instant (default: now). */
  sinceMs?: number;
}

/**
 * Emits 'event' (DockerEvent), 'subscribed' ({since, resumed}), 'gap'
 * (the stream broke; a re-subscribe follows) and 'error' (only if it gives up,
 * which it does not while the link may come back).
 */
export class EventFollower extends EventEmitter {
  private readonly docker: Docker;
  private readonly agent: ChannelAgent;
  private current: IncomingMessage | null = null;
  private stopped = false;
  private lastNano: number | null = null;
  private seenAtLast = new Set<string>();
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly link: LinkLike | null;
  private readonly onLinkState = (s: { state: string }) => {
    if (s.state === 'connected' && !this.current && this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      background(this.subscribe(true), 'docker-events', 'subscribing to Docker events again');
    }
  };
  private readonly onDrop = () => this.current?.destroy();

  constructor(
    droplet: Droplet,
    private readonly opts: FollowOptions = {},
  ) {
    super();
    // Its own agent, no pooling: the stream holds its channel for as long as
    // it runs, and must never block or be handed to ordinary API calls.
    this.agent = new ChannelAgent(droplet, DOCKER_SOCKET, { keepAlive: false, maxSockets: Infinity });
    this.docker = new Docker({ protocol: 'http', host: 'docker', port: 80, agent: this.agent } as Docker.DockerOptions);
    this.link = (droplet as unknown as { link?: LinkLike }).link ?? null;
  }

  async start(): Promise<void> {
    this.link?.on('state', this.onLinkState);
    this.link?.on('drop', this.onDrop);
    await this.subscribe(false);
  }

  private async subscribe(resumed: boolean): Promise<void> {
    if (this.stopped) return;
    const since = this.lastNano !== null ? nanoTime(this.lastNano) : dockerTime(this.opts.sinceMs ?? Date.now());
    let stream: IncomingMessage;
    try {
      stream = (await this.docker.getEvents({ since: since as unknown as number, filters: (this.opts.filters ?? {}) as Docker.GetEventsOptions['filters'] })) as IncomingMessage;
    } catch (err) {
      if (!resumed && this.lastNano === null) throw err; // the first subscribe reports its failure
      this.retry();
      return;
    }
    if (this.stopped) {
      stream.destroy();
      return;
    }
    this.current = stream;
    this.emit('subscribed', { since, resumed });
    parseLines(stream, (e) => this.deliver(e));
    let ended = false;
    const onEnd = () => {
      if (ended) return;
      ended = true;
      if (this.current === stream) this.current = null;
      if (!this.stopped) {
        this.emit('gap', { since: this.lastNano !== null ? nanoTime(this.lastNano) : since });
        this.retry();
      }
    };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
    stream.on('aborted', onEnd);
  }

  private deliver(e: DockerEvent): void {
    // Re-subscribing with `since` = the last event's time replays events of
    // that same nanosecond; drop the ones already delivered.
    const key = eventKey(e);
    if (this.lastNano !== null && e.timeNano < this.lastNano) return;
    if (this.lastNano !== null && e.timeNano === this.lastNano && this.seenAtLast.has(key)) return;
    if (this.lastNano !== e.timeNano) this.seenAtLast = new Set();
    this.lastNano = e.timeNano;
    this.seenAtLast.add(key);
    this.emit('event', e);
  }

  private retry(delayMs = 500): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      background(this.subscribe(true), 'docker-events', 'subscribing to Docker events again');
    }, delayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.link?.off('state', this.onLinkState);
    this.link?.off('drop', this.onDrop);
    this.current?.destroy();
    this.current = null;
    this.agent.destroy();
  }
}
