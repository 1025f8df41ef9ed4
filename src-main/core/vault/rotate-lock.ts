/**
 * One vault rewrite at a time. Two rotations at once could each write a
 * keyring lacking the other's new key and leave tokens unreadable, so a lock
 * file is created with O_EXCL. A lock left by a killed process on this same
 * machine is detected (pid gone) and taken over; any other lock is refused
 * with the file to delete.
 */
import { hostname } from 'node:os';
import type { Droplet } from '../droplet/droplet.js';
import { homeFile } from '../droplet/paths.js';
import { StratamError } from '../errors.js';

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
    try {
      await droplet.writeNew(path, body, 0o600);
      return async () => {
        await droplet.unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let held: Partial<LockInfo> = {};
    try {
      held = JSON.parse((await droplet.readFile(path)).toString('utf8')) as LockInfo;
    } catch {
      /* unreadable lock: treated as held by someone unknown */
    }
    const stale = held.host === mine.host && typeof held.pid === 'number' && held.pid !== process.pid && !alive(held.pid);
    if (!stale) {
      throw new StratamError('refused', `Another vault ${held.action ?? 'change'} holds ${path} (started ${held.started ?? 'at an unknown time'} on ${held.host ?? 'an unknown machine'}).`, {
        hint: `Wait for it to finish. If nothing is running any more (it was interrupted), delete ${path} and run the command again; the keyring on disk still opens every token.`,
      });
    }
    await droplet.unlink(path).catch(() => undefined);
  }
  throw new StratamError('failed', `Could not take the vault lock ${path}.`, { hint: 'Run the command again.' });
}
