/**
 * One run of the remote follower (follower-script.ts) over one exec channel,
 * for the audit feed's restart loop (audit-feed.ts): its stdout goes to the
 * feed while the feed accepts it, and how it ended decides what the loop does
 * next (a dropped connection is a resume; a failed follower is an error).
 */
import type { Droplet, ExecFlow } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';

export interface FollowerHandlers {
  /** False once the feed gave up on this follower (a failure, a rescan): its late chunks are dropped. */
  accepting(): boolean;
  stdout(chunk: Buffer): void;
  /** The channel's flow control, then null once the channel ended. */
  flow(flow: ExecFlow | null): void;
}

export interface FollowerEnd {
  /** The connection dropped under the exec (ECONNRESET): the channel has no exit code. */
  dropped: boolean;
  code: number | null;
  stderr: string;
  /** Any stdout was taken (a follower that ends at once, again and again, is not retried for ever). */
  gotData: boolean;
  startedAt: number;
}

/** Run the follower until its channel ends or `ac` is aborted (as `signal`, the feed's, aborts it); null: the feed was aborted. */
export async function runFollower(droplet: Droplet, argv: string[], ac: AbortController, signal: AbortSignal | undefined, on: FollowerHandlers): Promise<FollowerEnd | null> {
  const onAbort = () => ac.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const stderr: Buffer[] = [];
  let gotData = false;
  const startedAt = Date.now();
  let result;
  let live = true;
  try {
    result = await droplet.exec(argv, {
      collect: false,
      signal: ac.signal,
      onStdout: (c) => {
        // A late chunk from a channel we already gave up on must not reach the readers.
        if (!live || !on.accepting()) return;
        gotData = true;
        on.stdout(c);
      },
      onFlow: (flow) => on.flow(flow),
      onStderr: (c) => {
        if (stderr.length < 16) stderr.push(c);
      },
    });
  } catch (err) {
    // The SSH droplet fails an exec whose connection dropped (ECONNRESET); that is a resume, not an end.
    if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET' || signal?.aborted) {
      if (signal?.aborted) return null;
      throw err;
    }
    result = null;
  } finally {
    live = false;
    ac.abort();
    on.flow(null);
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) return null;
  return { dropped: result === null, code: result?.code ?? null, stderr: Buffer.concat(stderr).toString('utf8').trim(), gotData, startedAt };
}

/** The error a follower that exited by itself stands for, or null when it just ended (the connection dropped: resume). */
export function followerExitError(end: FollowerEnd): StratamError | null {
  if (end.code === 127 || /python3: (command )?not found|No such file/.test(end.stderr)) {
    return new StratamError('failed', 'The audit follower needs python3 on the droplet, and it was not found.', {
      hint: 'Install python3 on the droplet (apt-get install -y python3-minimal).',
    });
  }
  if (end.code !== null && end.code !== 0) {
    return new StratamError('failed', `The audit follower on the droplet failed (exit ${end.code}): ${end.stderr.split('\n').pop() ?? ''}`);
  }
  return null;
}
