/**
 * Opening a control-plane file over SFTP without reading or writing through a
 * link.
 *
 * OpenSSH's sftp-server (and internal-sftp) opens with a plain
 * `open(name, flags, mode)`: the flags come from the request and can only be
 * read, write, append, create, truncate and exclusive (flags_from_portable in
 * sftp-server.c). There is no O_NOFOLLOW and no O_NONBLOCK, so the server
 * follows a final symlink and blocks on a FIFO. Protocol 3 attributes carry no
 * inode number either. So the check is made around the open instead:
 *
 *   1. lstat the path: absent, a regular file, or refused (link, FIFO, ...);
 *   2. open it (append to an absent file: create+exclusive, which never
 *      follows a link; append to a present one: no create flag, so a dangling
 *      link swapped in cannot create its target);
 *   3. fstat the handle: it must be a regular file;
 *   4. lstat the path again;
 *   5. keep the handle only if (1), (3) and (4) describe the same unchanged
 *      regular file: type, mode, uid, gid, size and mtime (a read also
 *      accepts a file that only grew: a busy log). Otherwise close it
 *      unread and unwritten and start over (a legitimate replace by rename
 *      also lands here); after three tries, refuse.
 * Everything after that goes through the handle, i.e. to the checked file.
 *
 * What is left (documented in docs/control-plane.md): someone who can swap the
 * path between (1) and (2) AND back between (2) and (4) AND give the stand-in
 * regular file exactly the target's mode and owner, and a size and mtime no
 * larger than the target's (exactly equal for an append), gets one read
 * through the link. The agent sees none of the target's attributes
 * (errors describe the path, never the target), so it has to guess them all.
 * A FIFO swapped in between (1) and (2) blocks sftp-server in open(2): the
 * open is bounded by a deadline, after which the SFTP session is abandoned
 * (the next operation opens a new one) and the open is refused; the blocked
 * sftp-server process stays on the droplet until the FIFO gets a writer.
 */
import type { SFTPWrapper, Stats } from 'ssh2';
import { changedWhileOpeningError, notRegularError, sameFile, sameOrGrown } from './control-file.js';
import type { FileStat, RegularFile } from './droplet.js';
import { SFTP_EOF, sftpError, toStat } from './sftp-attrs.js';
import { refusedError } from '../errors.js';

// SSH_FXF_* open flags (draft-ietf-secsh-filexfer-02, section 6.3).
const READ = 0x01;
const WRITE = 0x02;
const APPEND = 0x04;
const CREAT = 0x08;
const EXCL = 0x20;

const ATTEMPTS = 3;
/** Largest single write request we issue (sftp-server's message limit is 256 KiB). */
const CHUNK = 128 * 1024;

/** The raw SFTP operations on one session that a checked open needs (SshDroplet supplies them). */
export interface SftpOps {
  lstat(path: string): Promise<FileStat | null>;
  open(path: string, flags: number, mode: number): Promise<Buffer>;
  fstat(handle: Buffer): Promise<FileStat>;
  /** Up to `length` bytes; fewer only at the end of the file. */
  read(handle: Buffer, position: number, length: number): Promise<Buffer>;
  /** One write request (the server ignores the offset of an append handle). */
  write(handle: Buffer, data: Buffer): Promise<void>;
  fsync(handle: Buffer): Promise<void>;
  close(handle: Buffer): Promise<void>;
  /** Give up on this session (a request that will not be answered); the next operation opens a new one. */
  abandon(): void;
}

/**
 * The ops on session `s` for `file`, each request guarded (it ends when the
 * connection drops) by `guard`; `abandon` drops the session (SshDroplet's).
 */
export function sftpOpsOn(s: SFTPWrapper, file: string, guard: <T>(op: string, path: string, run: () => Promise<T>) => Promise<T>, abandon: () => void): SftpOps {
  const req = <T>(op: string, path: string, fn: (cb: (err: Error | null | undefined, v: T) => void) => void) =>
    guard(op, path, () => new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(sftpError(err, op, path)) : resolve(v)))));
  return {
    lstat: async (path) => {
      try {
        return toStat(await req<Stats>('lstat', path, (cb) => s.lstat(path, cb)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    open: (path, flags, mode) => req<Buffer>('open', path, (cb) => s.open(path, flags, { mode }, cb)),
    fstat: async (h) => toStat(await req<Stats>('fstat', file, (cb) => s.fstat(h, cb))),
    read: async (h, position, length) => {
      const buf = Buffer.allocUnsafe(length);
      const n = await req<number>('read', file, (cb) => s.read(h, buf, 0, length, position, (e, bytes) => ((e as { code?: number } | undefined)?.code === SFTP_EOF ? cb(null, 0) : cb(e, bytes))));
      return buf.subarray(0, n);
    },
    write: (h, data) => req<void>('append', file, (cb) => s.write(h, data, 0, data.length, 0, cb as never)),
    fsync: (h) =>
      // ssh2 throws at once when the server lacks fsync@openssh.com: then there is nothing to flush with.
      req<void>('fsync', file, (cb) => s.ext_openssh_fsync(h, cb as never)).catch((err: Error) => {
        if (/does not support/.test(err.message)) return;
        throw err;
      }),
    close: (h) => req<void>('close', file, (cb) => s.close(h, cb as never)),
    abandon,
  };
}

export async function openRegularOverSftp(ops: SftpOps, path: string, how: 'read' | 'append', mode: number, deadlineMs: number): Promise<RegularFile | null> {
  for (let attempt = 1; ; attempt++) {
    const before = await ops.lstat(path);
    if (before && before.type !== 'file') throw notRegularError(path, before);
    if (!before && how === 'read') return null;
    const flags = how === 'read' ? READ : before ? READ | WRITE | APPEND : READ | WRITE | APPEND | CREAT | EXCL;
    let handle: Buffer;
    try {
      handle = await boundedOpen(ops.open(path, flags, mode), deadlineMs, () => ops.abandon(), path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Removed, or created by someone else, between the lstat and the open: look again.
      if ((code === 'ENOENT' || code === 'EEXIST') && attempt < ATTEMPTS) continue;
      // OpenSSH speaks protocol 3, where an exclusive create that lost the race is a bare failure, not EEXIST.
      if (code === 'EIO' && !before && attempt < ATTEMPTS && (await ops.lstat(path)) !== null) continue;
      throw err;
    }
    let kept = false;
    try {
      const opened = await ops.fstat(handle);
      const after = await ops.lstat(path);
      // A read accepts a file that only grew meanwhile (a busy log); an append's file must not have changed at all.
      const same = how === 'read' ? sameOrGrown : sameFile;
      if (opened.type === 'file' && after && same(opened, after) && (!before || same(before, opened))) {
        kept = true;
        return new SftpRegularFile(ops, handle, path, opened);
      }
      if (after && after.type !== 'file') throw notRegularError(path, after);
      if (attempt >= ATTEMPTS) throw changedWhileOpeningError(path);
    } finally {
      if (!kept) {
        try {
          await ops.close(handle);
        } catch (closeErr) {
          // A dropped session took the handle with it: that must not hide why the open was refused.
          if ((closeErr as NodeJS.ErrnoException).code !== 'ECONNRESET') throw closeErr;
        }
      }
    }
  }
}

/**
 * An SFTP open, or a refusal once `ms` pass without an answer: sftp-server
 * serves one request at a time, so an open blocked on a FIFO would hold every
 * later request of the session (a pause's included) forever. `abandon` drops
 * the session so the next operation opens a new one.
 */
export function boundedOpen<T>(p: Promise<T>, ms: number, abandon: () => void, path: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      abandon();
      reject(
        refusedError(
          `${path} did not open within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}; a FIFO or device put in its place right after it was checked blocks the droplet's SFTP server, so it was not read or written.`,
          `Inspect it on the droplet (ls -l ${path}); if it is not a regular file, treat it as tampering and replace it with the real file. On a very slow link, retry.`,
          { path, openTimedOut: true },
        ),
      );
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

class SftpRegularFile implements RegularFile {
  private closed = false;

  constructor(
    private readonly ops: SftpOps,
    private readonly handle: Buffer,
    readonly path: string,
    readonly stat: FileStat,
  ) {}

  read(position: number, length: number): Promise<Buffer> {
    // ssh2 splits a long read into requests the server accepts and stops at a short answer, which on a regular file is its end.
    return this.ops.read(this.handle, position, length);
  }

  fstat(): Promise<FileStat> {
    return this.ops.fstat(this.handle);
  }

  async append(data: Buffer): Promise<void> {
    // Requests on one handle are served in order, so the pieces land in order.
    for (let off = 0; off < data.length; off += CHUNK) await this.ops.write(this.handle, data.subarray(off, Math.min(data.length, off + CHUNK)));
  }

  sync(): Promise<void> {
    return this.ops.fsync(this.handle);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.ops.close(this.handle);
    } catch (err) {
      // The connection or the session dropped: the server closed the handle with it.
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
    }
  }
}
