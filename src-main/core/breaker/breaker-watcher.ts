/**
 * `breaker watch` and the tray's breaker: follows the agent container's Docker
 * events, counts restarts by the contract's rule, and trips when it is met.
 * It also polls breaker.json, so a trip (or a re-arm) written by the droplet
 * itself is noticed and reported the same way.
 *
 * Events (EventEmitter):
 *   'restart'  {at, count}                    a counted restart (count: in the window, after re-arm)
 *   'tripped'  {by, at, reason, restarts}     by "tray" (this watcher tripped it) or "droplet"
 *   'rearmed'  {at}                           breaker.json went back to armed
 *   'failure'  Error                          a trip that could not be written (the watcher keeps going)
 *   'docker'   {kind: 'subscribed'|'gap', ...} the event stream's own health
 */
import { EventEmitter } from 'node:events';
import type { Droplet } from '../droplet/droplet.js';
import { inspectContainer } from '../docker/agent-status.js';
import { EventFollower, eventKey, type DockerEvent } from '../docker/events.js';
import { readBreaker, rearmedAtMs, type BreakerRead } from './breaker-file.js';
import { tripBreaker } from './breaker-actions.js';
import { checkBreaker, restartHistory } from './breaker-check.js';
import { RESTART_ACTIONS, RestartCounter, TRIP_COUNT, WINDOW_MS, findTrip } from './restart-window.js';
import { measureDropletClock, type DropletClock } from './droplet-clock.js';
import { background, describeForLog, logEvery } from '../log/logger.js';

export interface TrippedEvent {
  by: 'tray' | 'droplet' | null;
  at: string | null;
  reason: string | null;
  restarts: string[];
}

export interface WatchOptions {
  /** How often breaker.json is looked at for droplet-side changes (default 2 s). */
  pollMs?: number;
  via?: string;
}

export class BreakerWatcher extends EventEmitter {
  private follower: EventFollower | null = null;
  private counter = new RestartCounter();
  private restarts: number[] = [];
  private rearmed: number | null = null;
  private lastState: BreakerRead['state'] = 'armed';
  private lastBytes: Buffer | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private tripping: Promise<void> | null = null;
  private stopped = false;
  /** Every instant compared with Docker's event times is droplet time. */
  private clock: DropletClock | null = null;

  constructor(
    private readonly droplet: Droplet,
    private readonly opts: WatchOptions = {},
  ) {
    super();
  }

  get state(): BreakerRead['state'] {
    return this.lastState;
  }

  /**
   * Catch up (a one-shot check), seed the counter from history, then follow.
   * Rejects (refused, exit 3 in the CLI) when the agent container does not
   * exist, before anything is followed: a watcher of a wrong name would count
   * nothing and look healthy. The session reports that rejection as a warning.
   */
  async start(): Promise<void> {
    this.clock = await measureDropletClock(this.droplet);
    const check = await checkBreaker(this.droplet, { via: this.opts.via ?? 'watch', clock: this.clock });
    const b = await readBreaker(this.droplet);
    this.lastBytes = b.bytes;
    this.lastState = b.state;
    this.rearmed = rearmedAtMs(b.record);
    if (check.trippedNow && check.trip) this.emitTripped(check.trip.record.by, check.trip.record);
    else if (b.state === 'tripped') this.emitTripped(b.record.by, b.record);

    const now = this.clock.now();
    const facts = await inspectContainer(this.droplet, this.droplet.paths.agentContainer);
    const seeded = new Set<string>();
    if (facts) {
      const windowStart = Math.max(this.rearmed ?? 0, now - WINDOW_MS);
      const h = await restartHistory(this.droplet, facts, windowStart, now);
      for (const e of h.events) {
        seeded.add(eventKey(e));
        const t = this.counter.feed(e);
        // The history reaches back a little before the window (to pair a die
        // with its start); restarts from there, or from before a re-arm, do not count.
        if (t !== null && t >= windowStart && (this.rearmed === null || t > this.rearmed)) this.restarts.push(t);
      }
    }
    // Filter by name, not id: a re-created agent container keeps being watched.
    this.follower = new EventFollower(this.droplet, {
      sinceMs: now,
      filters: { type: ['container'], container: [this.droplet.paths.agentContainer], event: [...RESTART_ACTIONS] },
    });
    this.follower.on('event', (e: DockerEvent) => {
      if (!seeded.has(eventKey(e))) this.onDockerEvent(e);
    });
    this.follower.on('subscribed', (s: { resumed: boolean }) => {
      this.emit('docker', { kind: 'subscribed', ...s });
      // After an outage (a restarted daemon, a rebooted droplet) its clock may have been stepped.
      if (s.resumed)
        void measureDropletClock(this.droplet).then(
          (c) => {
            if (c.source !== 'app') this.clock = c;
          },
          () => undefined,
        );
    });
    this.follower.on('gap', (s) => {
      // Events of the outage may be gone for good: a restarted daemon forgets its
      // event ring, and stops the agent while its API is already closed, so the
      // agent's `die` is never streamed. The next `start` must still count.
      this.counter.assumeStopped();
      this.emit('docker', { kind: 'gap', ...s });
    });
    await this.follower.start();
    this.pollTimer = setInterval(() => background(this.poll(), 'breaker', 'polling the breaker'), this.opts.pollMs ?? 2000);
  }

  private onDockerEvent(e: DockerEvent): void {
    const t = this.counter.feed(e);
    if (t === null) return;
    if (this.rearmed !== null && t <= this.rearmed) return;
    this.restarts.push(t);
    const now = this.clock?.now() ?? Date.now();
    this.restarts = this.restarts.filter((x) => x >= now - WINDOW_MS);
    this.emit('restart', { at: new Date(t).toISOString(), count: this.restarts.length });
    if (this.lastState !== 'tripped' && this.restarts.length >= TRIP_COUNT) {
      const run = findTrip(this.restarts, this.rearmed);
      if (run) background(this.trip(run), 'breaker', 'tripping the breaker');
    }
  }

  private async trip(run: number[]): Promise<void> {
    if (this.tripping) return;
    this.tripping = (async () => {
      try {
        const r = await tripBreaker(this.droplet, run, this.opts.via ?? 'watch', this.clock?.now());
        const b = await readBreaker(this.droplet);
        this.lastBytes = b.bytes;
        this.lastState = 'tripped';
        this.emitTripped(r.alreadyTripped ? r.record.by : 'tray', r.record);
      } catch (err) {
        this.emit('failure', err);
      } finally {
        this.tripping = null;
      }
    })();
    await this.tripping;
  }

  /** Notice changes written by someone else (the droplet, another tray, a CLI re-arm). */
  private async poll(): Promise<void> {
    if (this.stopped || this.tripping) return;
    let b: BreakerRead;
    try {
      b = await readBreaker(this.droplet);
    } catch (err) {
      // Most often the link is down; the next poll tries again. Logged at most every 10 minutes: polls are frequent.
      logEvery('breaker-poll', 10 * 60_000, 'warn', 'breaker', `Reading breaker.json failed (${describeForLog(err)}); polling goes on.`);
      return;
    }
    const same = b.bytes === null ? this.lastBytes === null : this.lastBytes !== null && b.bytes.equals(this.lastBytes);
    if (same || this.stopped) return;
    this.lastBytes = b.bytes;
    const prev = this.lastState;
    this.lastState = b.state;
    if (b.state === 'tripped' && prev !== 'tripped') this.emitTripped(b.record.by, b.record);
    if (b.state === 'armed') {
      const r = rearmedAtMs(b.record);
      if (r !== null && r !== this.rearmed) {
        this.rearmed = r;
        this.restarts = this.restarts.filter((x) => x > r);
        this.emit('rearmed', { at: b.record.rearmed_at });
      }
    }
  }

  private emitTripped(by: TrippedEvent['by'], rec: { tripped_at: string | null; reason: string | null; restarts: string[] }): void {
    const ev: TrippedEvent = { by, at: rec.tripped_at, reason: rec.reason, restarts: rec.restarts };
    this.emit('tripped', ev);
  }

  stop(): void {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.follower?.stop();
    this.follower = null;
  }
}
