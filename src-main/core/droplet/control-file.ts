/**
 * Reading and checking control-plane files (contract v2: "Control-plane files
 * are regular files. A symlink, FIFO or device in their place is refused,
 * never followed"). The agent can write inside the folders these files live
 * in, so it can put a link where a control file should be: following it would
 * copy whatever file the SSH user can read into a place the agent reads, or
 * append the operator's receipts to a file of the agent's choosing.
 *
 * Every read and append goes through `Droplet.openRegular`, which checks the
 * path and the file it opened (see sftp-regular.ts for how that is done over
 * SFTP, which cannot open without following links, and what risk is left).
 * Writes need no such care: `writeAtomic` creates its temp file exclusively
 * and renames it over the path, which replaces a link itself, never its target.
 */
import { refusedError, StratamError } from '../errors.js';
import type { Droplet, FileStat, RegularFile } from './droplet.js';

const TYPE_NAMES: Readonly<Record<FileStat['type'], string>> = {
  file: 'a regular file',
  dir: 'a folder',
  symlink: 'a symbolic link',
  fifo: 'a FIFO',
  socket: 'a socket',
  char: 'a character device',
  block: 'a block device',
  other: 'not a regular file',
};

/** "a symbolic link", "a FIFO", ...: what a path is, for messages. */
export const describeType = (type: FileStat['type']) => TYPE_NAMES[type];

/**
 * `st` describes the path itself (lstat), never what a link points to: the
 * message and the detail (which reach receipts the agent can read) must not
 * tell the agent anything about the file it aimed the link at.
 */
export function notRegularError(path: string, st: Pick<FileStat, 'type'>, outcome = 'so nothing was read or written') {
  return refusedError(
    `${path} is ${TYPE_NAMES[st.type]}, not a regular file; a control-plane file is never followed or read through anything else, ${outcome}.`,
    `Inspect it on the droplet (ls -l ${path}); if it was not you, treat it as tampering. Replace it with the real file, then retry.`,
    { path, type: st.type, notRegular: true },
  );
}

/** The file at the path changed between the checks around an open (see sftp-regular.ts). */
export function changedWhileOpeningError(path: string) {
  return refusedError(
    `${path} was replaced while it was being opened, more than once in a row; it was not read, so a link swapped in at that moment cannot have been followed.`,
    `If something on the droplet keeps replacing it, treat that as tampering: inspect it (ls -l ${path}). Otherwise retry.`,
    { path, changedWhileOpening: true },
  );
}

/**
 * Are two stats of the same, unchanged regular file? SFTP (protocol 3) has no
 * inode number, so identity is the attributes it does carry: type, mode,
 * owner, size and mtime (whole seconds over SFTP).
 */
export function sameFile(a: FileStat, b: FileStat): boolean {
  return a.type === b.type && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * The same file, possibly grown by appends in between (`b` seen after `a`):
 * the agent appends to the audit log and the archive all the time, and a
 * read open of a busy log must not be taken for a swap. Type, mode and owner
 * must still match exactly.
 */
export function sameOrGrown(a: FileStat, b: FileStat): boolean {
  return a.type === b.type && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && b.size >= a.size && b.mtimeMs >= a.mtimeMs;
}

/** lstat the path: null when absent, its stat when a regular file, else refused (exit 3). */
export async function regularOrAbsent(droplet: Droplet, path: string): Promise<FileStat | null> {
  const st = await droplet.lstat(path);
  if (st && st.type !== 'file') throw notRegularError(path, st);
  return st;
}

export interface ControlFileRead {
  bytes: Buffer;
  /** The attributes of the file that was read (fstat of the open file). */
  stat: FileStat;
}

/** Everything from `start` to the end of an open file, including bytes appended since it was opened. */
export async function readToEnd(file: RegularFile, start = 0): Promise<Buffer> {
  const parts: Buffer[] = [];
  let pos = start;
  // Usually one read: the whole file as fstat saw it, and a short answer means the end was reached.
  let want = Math.max(64 * 1024, file.stat.size - start + 1);
  for (;;) {
    const b = await file.read(pos, want);
    parts.push(b);
    pos += b.length;
    if (b.length < want) break;
    want = 1024 * 1024;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Run `fn` on the regular file at `path` (null when absent) and close it, whatever happens. */
export async function withRegularFile<T>(droplet: Droplet, path: string, fn: (file: RegularFile | null) => Promise<T>): Promise<T> {
  const file = await droplet.openRegular(path, 'read');
  try {
    return await fn(file);
  } finally {
    await file?.close();
  }
}

/**
 * Read a control file that must be a regular file; null when absent. Refused
 * (exit 3) when it is a link, FIFO, device or folder, or when it was swapped
 * while being opened.
 */
export async function readControlFile(droplet: Droplet, path: string): Promise<ControlFileRead | null> {
  try {
    return await withRegularFile(droplet, path, async (f) => (f ? { bytes: await readToEnd(f), stat: f.stat } : null));
  } catch (err) {
    if (isPermissionDenied(err)) {
      throw new StratamError('failed', `The SSH user ${droplet.identity.user} may not read ${path} (permission denied); nothing was changed.`, {
        hint: `See who may (ls -l ${path} on the droplet); give the SSH user read access (its group and chmod 640, or chown), or log in as the user the agent runs as.`,
        cause: err,
      });
    }
    throw err;
  }
}

/** EACCES from the local droplet, SSH_FX_PERMISSION_DENIED (3) from SFTP. */
export function isPermissionDenied(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === 'EACCES' || e?.code === 3 || (typeof e?.message === 'string' && /permission denied/i.test(e.message));
}

/** Append to a control file that must be a regular file (created with `mode` when absent). */
export async function appendControlFile(droplet: Droplet, path: string, data: Buffer, mode = 0o600): Promise<void> {
  const f = await droplet.openRegular(path, 'append', mode);
  try {
    await f.append(data);
  } finally {
    await f.close();
  }
}
