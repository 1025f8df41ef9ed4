/**
 * Reading one file of a code tree for the diff, bounded and never through a
 * link. walkTree already said the entry is a regular file; openRegular checks
 * it again at the open, so a file the agent swaps for a link in between is
 * reported (`not-regular`) instead of read through.
 */
import type { Droplet, RegularFile } from '../droplet/droplet.js';
import { describeError, StratamError } from '../errors.js';

/** Same-size files above this are not compared at all: reading gigabytes over SSH to prove two files equal is not worth the wait. */
export const COMPARE_MAX_BYTES = 256 * 1024 * 1024;
const CHUNK = 1024 * 1024;

export type BoundedRead = { kind: 'bytes'; bytes: Buffer } | { kind: 'large'; size: number } | { kind: 'not-regular' };

/** The whole file when it holds at most `max` bytes; `large` otherwise. */
export async function readBounded(droplet: Droplet, path: string, max: number): Promise<BoundedRead> {
  const file = await open(droplet, path);
  if (!file) return { kind: 'not-regular' };
  try {
    if (file.stat.size > max) return { kind: 'large', size: file.stat.size };
    // One byte past the bound: a file still growing is seen as large, never read without end.
    const bytes = await readAll(file, 0, max + 1, path);
    return bytes.length > max ? { kind: 'large', size: bytes.length } : { kind: 'bytes', bytes };
  } finally {
    await file.close();
  }
}

/** Whether two files of `size` bytes hold the same bytes, read a chunk at a time and stopped at the first difference. */
export async function sameBytes(droplet: Droplet, pathA: string, pathB: string, size: number): Promise<boolean | 'not-regular' | 'too-large'> {
  if (size > COMPARE_MAX_BYTES) return 'too-large';
  const a = await open(droplet, pathA);
  if (!a) return 'not-regular';
  try {
    const b = await open(droplet, pathB);
    if (!b) return 'not-regular';
    try {
      for (let pos = 0; pos < size; pos += CHUNK) {
        const n = Math.min(CHUNK, size - pos);
        const [x, y] = await Promise.all([readAll(a, pos, n, pathA), readAll(b, pos, n, pathB)]);
        if (!x.equals(y)) return false;
      }
      // Whatever was appended after the walk is not part of what was listed; sizes were equal then.
      return true;
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
}

/** The file opened without following a link; null when it is no longer a regular file (or gone). */
async function open(droplet: Droplet, path: string): Promise<RegularFile | null> {
  try {
    return await droplet.openRegular(path, 'read');
  } catch (err) {
    if ((err as { detail?: { notRegular?: boolean } }).detail?.notRegular) return null;
    throw new StratamError('failed', `Could not read ${path} to compare it: ${describeError(err)}`, {
      hint: "Check that the SSH user can read the code folders (they are the agent's), then run the diff again.",
      cause: err,
    });
  }
}

/** Up to `length` bytes from `position`, in as many reads as it takes (SFTP gives at most a packet's worth per read). */
async function readAll(file: RegularFile, position: number, length: number, path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < length) {
    const chunk = await file.read(position + got, Math.min(CHUNK, length - got)).catch((err: unknown) => {
      throw new StratamError('failed', `Could not read ${path} to compare it: ${describeError(err)}`, { hint: "Run the diff again; if it keeps failing, check the droplet's disk.", cause: err });
    });
    if (chunk.length === 0) break;
    parts.push(chunk);
    got += chunk.length;
  }
  return Buffer.concat(parts);
}
