/**
 * SFTP attributes and status codes as the rest of the core sees them: a
 * FileStat with its type, and errors whose `code` is an errno name, so code
 * above tests err.code the same way for both droplet kinds.
 */
import type { Stats } from 'ssh2';
import { fileTypeOf, type FileStat } from './droplet.js';

// SFTP status codes (draft-ietf-secsh-filexfer-02) mapped to errno names.
const SFTP_ERRNO: Record<number, string> = { 2: 'ENOENT', 3: 'EACCES', 4: 'EIO', 11: 'EEXIST' };

/** SSH_FX_EOF: a read at or past the end of the file. */
export const SFTP_EOF = 1;

export function sftpError(err: Error & { code?: unknown }, op: string, path: string): NodeJS.ErrnoException {
  const code = typeof err.code === 'number' ? (SFTP_ERRNO[err.code] ?? 'EIO') : String(err.code ?? 'EIO');
  const e: NodeJS.ErrnoException = new Error(`${op} ${path}: ${err.message}`);
  e.code = code;
  return e;
}

export function toStat(a: Stats): FileStat {
  return {
    type: fileTypeOf(a),
    size: Number(a.size),
    mode: a.mode & 0o7777,
    mtimeMs: a.mtime * 1000,
    uid: a.uid,
    gid: a.gid,
    isFile: a.isFile(),
    isDirectory: a.isDirectory(),
  };
}
