/**
 * Fetch one full line by file identity (inode) and offset, for records the
 * feed delivered truncated. The file is looked up among the retained log
 * names, since it may have been rotated since. Streamed to `onChunk` so a
 * line of any size costs no memory here.
 */
import { notRegularError } from '../droplet/control-file.js';
import type { Droplet, FileType } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { StratamError, usageError } from '../errors.js';
import { fetchArgv } from './follower-script.js';

export async function fetchRecord(droplet: Droplet, opts: { fileId: string; offset: number; receipts?: boolean; maxBytes?: number; onChunk(c: Buffer): void }): Promise<number> {
  if (!/^\d+$/.test(opts.fileId)) throw usageError(`--file-id must be the inode number a truncated diagnostic names, not ${JSON.stringify(opts.fileId)}.`);
  if (!Number.isSafeInteger(opts.offset) || opts.offset < 0) throw usageError('--offset must be a byte offset (a whole number, 0 or more).');
  const path = homeFile(droplet.paths, opts.receipts ? CONTRACT_FILES.receipts : CONTRACT_FILES.activity);
  let total = 0;
  const stderr: Buffer[] = [];
  const res = await droplet.exec(fetchArgv(path, Number(opts.fileId), opts.offset, opts.maxBytes ?? 2 ** 40), {
    collect: false,
    onStdout: (c) => {
      total += c.length;
      opts.onChunk(c);
    },
    onStderr: (c) => void (stderr.length < 4 && stderr.push(c)),
  });
  if (res.code === 4) {
    // The follower found no regular file there (it opens with O_NOFOLLOW and checks what it opened): nothing was read.
    const type = /not-regular (\w+)/.exec(Buffer.concat(stderr).toString())?.[1] ?? 'other';
    throw notRegularError(path, { type: type as FileType }, 'so nothing was read from it');
  }
  if (res.code === 3) {
    throw new StratamError('failed', `No retained log file has identity ${opts.fileId}: it rotated out of the last five files or was removed.`, {
      hint: 'Only activity.jsonl and activity.jsonl.1 to .5 are kept on the droplet.',
    });
  }
  if (res.code !== 0) throw new StratamError('failed', `Fetching the record failed (exit ${res.code ?? res.signal}): ${Buffer.concat(stderr).toString().trim().slice(0, 200)}`);
  return total;
}
