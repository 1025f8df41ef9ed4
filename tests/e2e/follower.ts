/**
 * What the e2e tests wait for instead of a clock: the session's live audit
 * follower on the reference droplet (a python3 process carrying the follower
 * mark, in follow mode) holding activity.jsonl open. From then on a record
 * appended to the file is delivered live: a follower started at the end
 * takes the end when it opens the file.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FOLLOWER_MARK } from '../../src-main/core/audit/follower-script.js';
import { helpersWith } from '../helpers/processes.js';
import type { ReferenceDroplet } from '../helpers/reference-droplet.js';

/** Live (follow-mode) followers of this droplet, whatever they have open. */
export function liveFollowers(ref: ReferenceDroplet): number[] {
  return helpersWith(FOLLOWER_MARK, ref.home).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[3] === 'follow';
    } catch {
      return false; // exited meanwhile
    }
  });
}

/** A live follower of this droplet has activity.jsonl open. */
export function liveFollowerReading(ref: ReferenceDroplet): boolean {
  const file = join(ref.home, 'activity.jsonl');
  return liveFollowers(ref).some((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

/** Poll `check` until it holds or `timeoutMs` passes; says which. */
export async function poll(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Poll `check` until it holds; fail naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  if (!(await poll(check, timeoutMs))) throw new Error(`Timed out waiting for ${what}.`);
}
