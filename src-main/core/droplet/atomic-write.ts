/**
 * Crash-safe replacement of a droplet file: write a temp file in the same
 * folder (so the rename stays on one filesystem), rename it over the target
 * (POSIX rename is atomic: readers see the old bytes or the new, never half),
 * then read it back. With `expect`, the current bytes must still be what the
 * caller read, so an edit made by someone else in between is never clobbered.
 *
 * Links (contract v2, the control plane): the temp file is created with
 * O_EXCL under a fresh random name, which never follows a link, and rename
 * replaces whatever the path holds (a link included) without touching what a
 * link points to. The reads here (the compare-and-swap, the read-back) go
 * through readControlFile, which refuses a link, FIFO or device instead of
 * reading through it. Without `expect` the caller asks to replace the path
 * whatever it is, so a link there is replaced, never followed or refused.
 */
import { randomBytes } from 'node:crypto';
import { StratamError } from '../errors.js';
import { isPermissionDenied, readControlFile } from './control-file.js';
import type { Droplet } from './droplet.js';
import { basenameOf, dirnameOf } from './paths.js';
import { unlessGone } from '../log/logger.js';

export interface AtomicWriteOptions {
  mode: number;
  /** The bytes the caller based its edit on; null means "the file must not exist". */
  expect?: Buffer | null;
  /**
   * The replaced file's owner, to keep. The new file is the SSH user's until
   * given away, and only root may give a file away: a non-root user's write
   * still lands (a pause must), and the result says whose the file is now.
   */
  owner?: { uid: number; gid: number };
}

export interface AtomicWriteResult {
  /** Set when `owner` could not be kept: who owns the file now. */
  ownerNow: { uid: number; gid: number } | null;
}

export function tempPathFor(path: string): string {
  return `${dirnameOf(path)}/.${basenameOf(path)}.stratam-${randomBytes(6).toString('hex')}.tmp`;
}

export async function writeAtomic(droplet: Droplet, path: string, data: Buffer, opts: AtomicWriteOptions): Promise<AtomicWriteResult> {
  const tmp = tempPathFor(path);
  let ownerNow: AtomicWriteResult['ownerNow'] = null;
  try {
    await droplet.writeNew(tmp, data, opts.mode);
  } catch (err) {
    await droplet.unlink(tmp).catch(unlessGone('atomic-write', `removing the temporary ${tmp}`));
    const folder = dirnameOf(path);
    // The rename that makes the write crash-safe needs a new file in the folder: the folder's permissions, not the file's, decide.
    const hint = isPermissionDenied(err)
      ? `The SSH user ${droplet.identity.user} may not create files in ${folder}. Give it write access to that folder (its group and chmod 775, or chown), or log in as the user that owns it; \`stratam doctor\` checks this.`
      : `Check free disk space on the droplet (df -h ${folder}) and that the SSH user may write to that folder.`;
    throw new StratamError('failed', `Could not write a temporary copy of ${path}: ${(err as Error).message}. The original is unchanged.`, { hint, cause: err });
  }
  try {
    if (opts.owner) ownerNow = await keepOwner(droplet, tmp, opts.owner);
    if (opts.expect !== undefined) await assertUnchanged(droplet, path, opts.expect);
    await droplet.rename(tmp, path);
  } catch (err) {
    await droplet.unlink(tmp).catch(unlessGone('atomic-write', `removing the temporary ${tmp}`));
    throw err;
  }
  let back: Buffer | null;
  try {
    back = (await readControlFile(droplet, path))?.bytes ?? null;
  } catch (err) {
    const type = err instanceof StratamError ? err.detail?.type : undefined;
    const why = typeof type === 'string' ? `right after the write something put a ${type} in its place, which is not read through` : (err as Error).message;
    // 'failed', not 'refused': the write did land; what failed is confirming it.
    throw new StratamError('failed', `${path} was written, but could not be read back: ${why}.`, {
      hint: 'Something replaced it right after the write. Run `stratam status` to see its current state.',
      cause: err,
    });
  }
  if (back === null || !back.equals(data)) {
    throw new StratamError('failed', `${path} was written but reads back different bytes; another writer may have replaced it.`, {
      hint: 'Run `stratam status` to see its current state, then retry.',
    });
  }
  return { ownerNow };
}

/** Give the temporary file the replaced file's owner; null when it has it, else who owns it (the give-away was refused). */
async function keepOwner(droplet: Droplet, tmp: string, owner: { uid: number; gid: number }): Promise<AtomicWriteResult['ownerNow']> {
  const st = await droplet.lstat(tmp);
  if (!st || (st.uid === owner.uid && st.gid === owner.gid)) return null;
  try {
    await droplet.chown(tmp, owner.uid, owner.gid);
    return null;
  } catch (err) {
    // Not root: the write goes ahead (a pause must land) and the caller says whose the file is now.
    if (isPermissionDenied(err) || (err as { code?: unknown }).code === 'EPERM') return { uid: st.uid, gid: st.gid };
    throw err;
  }
}

async function assertUnchanged(droplet: Droplet, path: string, expect: Buffer | null): Promise<void> {
  // A link, FIFO or device at the path is refused here (exit 3) before anything is renamed over it.
  const current = (await readControlFile(droplet, path))?.bytes ?? null;
  const same = current === null ? expect === null : expect !== null && current.equals(expect);
  if (!same) {
    throw new StratamError('failed', `${path} changed on the droplet while this edit was being made; nothing was written.`, {
      hint: 'Someone or something else edited it. Run the command again to apply your change on top of the new contents.',
    });
  }
}
