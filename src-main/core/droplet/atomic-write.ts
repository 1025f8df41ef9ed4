/**
 * Crash-safe replacement of a droplet file: write a temp file in the same
 * folder (so the rename stays on one filesystem), rename it over the target
 * (POSIX rename is atomic: readers see the old bytes or the new, never half),
 * then read it back. With `expect`, the current bytes must still be what the
 * caller read, so an edit made by someone else in between is never clobbered.
 */
import { randomBytes } from 'node:crypto';
import { StratamError } from '../errors.js';
import type { Droplet } from './droplet.js';
import { basenameOf, dirnameOf } from './paths.js';

export interface AtomicWriteOptions {
  mode: number;
  /** The bytes the caller based its edit on; null means "the file must not exist". */
  expect?: Buffer | null;
}

export function tempPathFor(path: string): string {
  return `${dirnameOf(path)}/.${basenameOf(path)}.stratam-${randomBytes(6).toString('hex')}.tmp`;
}

export async function writeAtomic(droplet: Droplet, path: string, data: Buffer, opts: AtomicWriteOptions): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await droplet.writeNew(tmp, data, opts.mode);
  } catch (err) {
    await droplet.unlink(tmp).catch(() => undefined);
    throw new StratamError('failed', `Could not write a temporary copy of ${path}: ${(err as Error).message}. The original is unchanged.`, {
      hint: 'Check free disk space and that the SSH user may write to that folder.',
      cause: err,
    });
  }
  try {
    if (opts.expect !== undefined) await assertUnchanged(droplet, path, opts.expect);
    await droplet.rename(tmp, path);
  } catch (err) {
    await droplet.unlink(tmp).catch(() => undefined);
    throw err;
  }
  const back = await droplet.readFile(path);
  if (!back.equals(data)) {
    throw new StratamError('failed', `${path} was written but reads back different bytes; another writer may have replaced it.`, {
      hint: 'Run `stratam status` to see its current state, then retry.',
    });
  }
}

async function assertUnchanged(droplet: Droplet, path: string, expect: Buffer | null): Promise<void> {
  let current: Buffer | null;
  try {
    current = await droplet.readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    current = null;
  }
  const same = current === null ? expect === null : expect !== null && current.equals(expect);
  if (!same) {
    throw new StratamError('failed', `${path} changed on the droplet while this edit was being made; nothing was written.`, {
      hint: 'Someone or something else edited it. Run the command again to apply your change on top of the new contents.',
    });
  }
}
