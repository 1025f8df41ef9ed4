/**
 * Every request made over the link ends: with its answer, with the link's
 * drop, or at its deadline.
 *
 * ssh2 does not always call back requests that were in flight when the
 * connection died (an SFTP close, a channel being opened), and a request can
 * wait on a link that is reconnecting for as long as the droplet is away.
 * So each request is raced against the link's 'drop' and a deadline. The
 * guard holds ONE 'drop' listener on the link and fans it out to the
 * requests in flight: one listener per request made the link warn
 * (MaxListenersExceededWarning) under load, and leaked one for every request
 * that never settled.
 */
import type { EventEmitter } from 'node:events';
import { StratamError } from '../errors.js';

export interface GuardedRequest {
  /** The request made progress (a chunk arrived): its deadline starts again. */
  progress(): void;
  /** The request was answered and a stream follows (an exec's command runs): no deadline from here, the drop still ends it. */
  answered(): void;
  /** Called once if the deadline passes, before the request is rejected (e.g. to give up on an SFTP session). */
  onTimeout(fn: () => void): void;
}

interface LinkLike extends EventEmitter {
  readonly state: { state: string; reason?: string };
}

export class LinkGuard {
  private readonly inFlight = new Set<() => void>();
  private readonly onDrop = () => {
    for (const end of [...this.inFlight]) end();
  };

  constructor(
    private readonly link: LinkLike,
    /** How long one request may go without an answer (or progress). */
    public deadlineMs: number,
  ) {
    link.on('drop', this.onDrop);
  }

  /** Requests in flight now (tests check that none is left behind). */
  get size(): number {
    return this.inFlight.size;
  }

  run<T>(op: string, path: string, fn: (req: GuardedRequest) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      let timeoutHook: (() => void) | null = null;
      let done = false;
      const finish = () => {
        done = true;
        if (timer) clearTimeout(timer);
        timer = null;
        this.inFlight.delete(onDrop);
      };
      const onDrop = () => {
        if (done) return;
        finish();
        const e: NodeJS.ErrnoException = new Error(`${op} ${path}: the SSH connection was lost before the droplet answered; the outcome is unknown.`);
        e.code = 'ECONNRESET';
        reject(e);
      };
      const onDeadline = () => {
        if (done) return;
        finish();
        let cause: unknown;
        try {
          timeoutHook?.();
        } catch (err) {
          // Giving the session up failed too: kept as the cause, the deadline is still what the caller hears.
          cause = err;
        }
        reject(this.deadlineError(op, path, cause));
      };
      const arm = () => {
        if (done) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(onDeadline, this.deadlineMs);
      };
      this.inFlight.add(onDrop);
      arm();
      const req: GuardedRequest = {
        progress: arm,
        answered: () => {
          if (timer) clearTimeout(timer);
          timer = null;
        },
        onTimeout: (f) => {
          timeoutHook = f;
        },
      };
      let p: Promise<T>;
      try {
        p = fn(req);
      } catch (err) {
        finish();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      p.then(
        (v) => {
          if (done) return;
          finish();
          resolve(v);
        },
        (err: unknown) => {
          if (done) return;
          finish();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private deadlineError(op: string, path: string, cause: unknown): StratamError {
    const s = this.link.state;
    const secs = this.deadlineMs >= 1000 ? `${Math.round(this.deadlineMs / 1000)} s` : `${this.deadlineMs} ms`;
    const linkNote = s.state === 'connected' ? '' : ` (the SSH link is ${s.state}${s.reason ? `: ${s.reason}` : ''})`;
    return new StratamError('connect', `${op} ${path}: the droplet did not answer within ${secs}${linkNote}; the outcome is unknown.`, {
      hint: 'Check the connection (stratam doctor). If the droplet is reachable and busy, retry.',
      detail: { timedOut: true, op, path },
      ...(cause === undefined ? {} : { cause }),
    });
  }

  /** Stop listening to the link (the droplet was closed). */
  dispose(): void {
    this.link.off('drop', this.onDrop);
  }
}
