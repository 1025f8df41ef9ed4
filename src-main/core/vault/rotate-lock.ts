/**
 * One vault rewrite at a time. Two rotations at once could each write a
 * keyring lacking the other's new key and leave tokens unreadable, so a lock
 * file guards them. It must appear with its content in one step (a process
 * killed between an O_EXCL create and its write left an empty lock nobody
 * could judge; the kill -9 trials found that), so the content goes to a temp
 * file that is hard-linked to the lock name: link(2) fails when the name
 * exists, like O_EXCL. A lock left by a killed process on this same machine
 * (pid gone) is taken over; any other lock is refused with the file to delete.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { readControlFile } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { homeFile } from '../droplet/paths.js';
import { StratamError } from '../errors.js';
import { reportError, unlessGone } from '../log/logger.js';

const LOCK_NAME = '.vault-rotate.lock';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  action: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireVaultLock(droplet: Droplet, action: string): Promise<() => Promise<void>> {
  const path = homeFile(droplet.paths, LOCK_NAME);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), action };
  const body = Buffer.from(`${JSON.stringify(mine)}\n`);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createWithContent(droplet, path, body)) {
      await removeStaleTemps(droplet, path);
      return async () => {
        // Left behind, the next vault change would refuse (it is ours, and this process may still run): say so.
        await droplet.unlink(path).catch(unlessGone('vault', `releasing the vault lock ${path} (delete it by hand if the next vault command refuses)`));
      };
    }
    let held: Partial<LockInfo> = {};
    try {
      // Read as a regular file only: a link or FIFO put here must not be read through (its text would reach the message).
      const read = await readControlFile(droplet, path);
      if (read) held = JSON.parse(read.bytes.toString('utf8')) as LockInfo;
    } catch {
      /* unreadable lock (not JSON, not a regular file): treated as held by someone unknown */
    }
    const stale = held.host === mine.host && typeof held.pid === 'number' && held.pid !== process.pid && !alive(held.pid);
    if (!stale) {
      throw new StratamError('refused', `Another vault ${held.action ?? 'change'} holds ${path} (started ${held.started ?? 'at an unknown time'} on ${held.host ?? 'an unknown machine'}).`, {
        hint: `Wait for it to finish. If nothing is running any more (it was interrupted), delete ${path} and run the command again; the keyring on disk still opens every token.`,
      });
    }
    await droplet.unlink(path).catch(unlessGone('vault', `removing the stale vault lock ${path}`));
  }
  throw new StratamError('failed', `Could not take the vault lock ${path}.`, { hint: 'Run the command again.' });
}

async function createWithContent(droplet: Droplet, path: string, body: Buffer): Promise<boolean> {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await droplet.writeNew(tmp, body, 0o600);
  try {
    const r = await droplet.exec(['ln', '--', tmp, path]);
    if (r.code === 0) return true;
    if (await droplet.lstat(path)) return false; // whatever holds the name, a dangling link included
    throw new StratamError('failed', `Could not create the vault lock ${path} (ln exited ${r.code}).`, {
      hint: 'The droplet needs `ln` (coreutils) and a filesystem with hard links in jarvisHome.',
    });
  } finally {
    await droplet.unlink(tmp).catch(unlessGone('vault', `removing the lock attempt's temp file ${tmp}`));
  }
}

/** Temp files of lock attempts killed before they cleaned up. */
async function removeStaleTemps(droplet: Droplet, path: string): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf('/'));
  const prefix = `${LOCK_NAME}.`;
  const entries = await droplet.readdir(dir).catch((err: unknown) => {
    reportError('vault', err, `listing ${dir} for temp files of interrupted lock attempts`);
    return [];
  });
  for (const e of entries) {
    if (e.name.startsWith(prefix) && e.name.endsWith('.tmp')) await droplet.unlink(`${dir}/${e.name}`).catch(unlessGone('vault', `removing ${dir}/${e.name}`));
  }
}
