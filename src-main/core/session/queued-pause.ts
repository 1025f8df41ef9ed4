/**
 * A Pause pressed while a droplet's link is down. The SSH link reconnects by
 * itself (with back-off), so rather than leave the caller waiting with no word
 * the session queues the pause, says so at once (a `pauseQueue` event,
 * phase "queued"), applies it as the first thing it does when the link is
 * back (with its receipt and read-back, like any pause) and says again that
 * it was applied, or why it failed.
 *
 * Only Pause is ever queued: it is the safe direction, and applying it late
 * can do no harm. Resume, trust edits, a re-arm and everything else are
 * refused or wait as before; a queued Resume could turn destructive tools
 * back on long after the person stopped watching.
 */
import type { FlagResult } from '../controls/pause.js';
import { describeError, StratamError } from '../errors.js';
import type { LinkState } from '../ssh/link-state.js';
import type { SessionEvent } from './session-events.js';

/** The link will come back by itself: a pause pressed now can wait for it. */
export function linkWillReturn(link: LinkState): link is Extract<LinkState, { state: 'reconnecting' | 'connecting' }> {
  return link.state === 'reconnecting' || link.state === 'connecting';
}

/**
 * Resume is never queued, nor left waiting out an outage inside the SSH link
 * (which would apply it whenever the link returns, long after it was asked for).
 */
export function refuseResumeWhileDown(name: string, link: LinkState): void {
  if (!linkWillReturn(link)) return;
  const why = link.state === 'reconnecting' ? link.reason.replace(/\.+$/, '') : 'reconnecting';
  throw new StratamError('connect', `The link to ${name} is down (${why}); Resume was not sent, and it is never queued.`, { hint: `Press Resume again once ${name} shows Connected.` });
}

interface Waiting {
  at: string;
  promise: Promise<FlagResult>;
  resolve(r: FlagResult): void;
  reject(err: unknown): void;
}

export interface PauseQueueDeps {
  now(): number;
  push(e: SessionEvent): void;
  /** Write the pause now (receipt, read-back); `queuedAt` goes into the receipt. */
  apply(name: string, queuedAt: string): Promise<FlagResult>;
}

export class PauseQueue {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly deps: PauseQueueDeps) {}

  has(name: string): boolean {
    return this.waiting.has(name);
  }

  /**
   * Queue a pause for `name` (a second press joins the first: one write).
   * Resolves when it has been applied and read back; rejects if it could not be.
   */
  queue(name: string, link: LinkState): Promise<FlagResult> {
    const why = link.state === 'reconnecting' ? link.reason.replace(/\.+$/, '') : 'the link is reconnecting';
    let w = this.waiting.get(name);
    if (!w) {
      let resolve!: (r: FlagResult) => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<FlagResult>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      w = { at: new Date(this.deps.now()).toISOString(), promise, resolve, reject };
      this.waiting.set(name, w);
    }
    // Said again on a second press, so a window opened meanwhile hears it too.
    this.deps.push({
      type: 'pauseQueue',
      name,
      phase: 'queued',
      at: w.at,
      message: `The link to ${name} is down (${why}). The pause will be applied on reconnect, before anything else; nothing has been written yet.`,
      hint: 'Nothing to do: the link reconnects by itself. To stop the agent now, stop its container on the droplet console.',
    });
    return w.promise;
  }

  /** Follow `name`'s link: back, apply; gone for good, drop loudly; otherwise keep waiting. */
  onLink(name: string, link: LinkState): void {
    if (link.state === 'connected') this.linkUp(name);
    else if (link.state === 'failed' || link.state === 'closed') this.linkGone(name, link);
  }

  /**
   * The link is back: apply the queued pause now. Called from the session's
   * link event before anything else hears that the link is up, so it starts
   * ahead of the reconnect's reads and the watchers that resume.
   */
  private linkUp(name: string): void {
    const w = this.waiting.get(name);
    if (!w) return;
    this.waiting.delete(name);
    this.deps.apply(name, w.at).then(
      (r) => {
        this.deps.push({
          type: 'pauseQueue',
          name,
          phase: 'applied',
          at: new Date(this.deps.now()).toISOString(),
          message: `The pause queued while the link to ${name} was down was applied on reconnect: JARVIS_SELF_MODIFY_ALLOWED=${r.selfModifyAllowed ? '1' : '0'} read back from .env${r.changed ? '' : ' (it was already paused)'}.`,
          hint: null,
        });
        w.resolve(r);
      },
      (err: unknown) => this.fail(name, w, err),
    );
  }

  /** The link will not come back by itself (failed, closed): the queued pause is dropped, loudly. */
  private linkGone(name: string, link: LinkState): void {
    const w = this.waiting.get(name);
    if (!w) return;
    this.waiting.delete(name);
    const why = link.state === 'failed' ? link.reason.replace(/\.+$/, '') : 'the droplet was disconnected';
    this.fail(
      name,
      w,
      new StratamError('connect', `The pause queued for ${name} was not applied: ${why}. Nothing was written.`, {
        hint: `Connect to ${name} again and press Pause; to stop the agent now, stop its container on the droplet console.`,
      }),
    );
  }

  private fail(name: string, w: Waiting, err: unknown): void {
    const hint = err instanceof StratamError ? (err.hint ?? null) : null;
    this.deps.push({ type: 'pauseQueue', name, phase: 'failed', at: new Date(this.deps.now()).toISOString(), message: `The queued pause on ${name} failed: ${describeError(err)}`, hint });
    w.reject(err);
  }
}
