/**
 * The droplet as this machine: for `--local` (the CLI run on the droplet
 * itself) and for quick tests. Same contract as the SSH implementation.
 */
import { spawn } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { homedir, userInfo, hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type { DropletPaths } from '../config/profile.js';
import { fileTypeOf, type DirEntry, type Droplet, type DropletIdentity, type ExecOptions, type ExecResult, type FileStat, type RegularFile } from './droplet.js';
import { openRegularLocally } from './local-regular.js';
import { resolvePaths } from './paths.js';

function toStat(s: import('node:fs').Stats): FileStat {
  return { type: fileTypeOf(s), size: s.size, mode: s.mode & 0o7777, mtimeMs: s.mtimeMs, uid: s.uid, gid: s.gid, isFile: s.isFile(), isDirectory: s.isDirectory() };
}

export class LocalDroplet implements Droplet {
  readonly kind = 'local' as const;
  readonly identity: DropletIdentity;
  readonly paths: DropletPaths;
  readonly home: string;
  private readonly sockets = new Set<Socket>();

  constructor(paths: DropletPaths, home: string = homedir()) {
    this.home = home;
    this.paths = resolvePaths(paths, home);
    this.identity = { host: hostname(), port: 0, user: userInfo().username, hostKey: null };
  }

  readFile(path: string): Promise<Buffer> {
    return fsp.readFile(path);
  }

  async readRange(path: string, start: number, end?: number): Promise<Buffer> {
    const fh = await fsp.open(path, 'r');
    try {
      const stop = end ?? (await fh.stat()).size;
      const len = Math.max(0, stop - start);
      const buf = Buffer.allocUnsafe(len);
      let off = 0;
      while (off < len) {
        const { bytesRead } = await fh.read(buf, off, len - off, start + off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return buf.subarray(0, off);
    } finally {
      await fh.close();
    }
  }

  stat(path: string): Promise<FileStat | null> {
    return statBy(fsp.stat, path);
  }

  lstat(path: string): Promise<FileStat | null> {
    return statBy(fsp.lstat, path);
  }

  openRegular(path: string, how: 'read'): Promise<RegularFile | null>;
  openRegular(path: string, how: 'append', mode: number): Promise<RegularFile>;
  openRegular(path: string, how: 'read' | 'append', mode = 0o600): Promise<RegularFile | null> {
    return openRegularLocally(path, how, mode, toStat);
  }

  async readdir(path: string): Promise<DirEntry[]> {
    const names = await fsp.readdir(path);
    const out: DirEntry[] = [];
    for (const name of names) {
      // As sftp-server's readdir: entries are described, not followed.
      const s = await this.lstat(`${path}/${name}`);
      if (s) out.push({ name, stat: s });
    }
    return out;
  }

  async writeNew(path: string, data: Buffer, mode: number): Promise<void> {
    const fh = await fsp.open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, mode);
    try {
      await fh.writeFile(data);
      await fh.chmod(mode); // umask may have narrowed it
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async append(path: string, data: Buffer, mode = 0o600): Promise<void> {
    const fh = await fsp.open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_APPEND, mode);
    try {
      await fh.write(data);
    } finally {
      await fh.close();
    }
  }

  rename(from: string, to: string): Promise<void> {
    return fsp.rename(from, to);
  }

  unlink(path: string): Promise<void> {
    return fsp.unlink(path);
  }

  async mkdirp(path: string, mode = 0o700): Promise<void> {
    await fsp.mkdir(path, { recursive: true, mode });
  }

  chmod(path: string, mode: number): Promise<void> {
    return fsp.chmod(path, mode);
  }

  chown(path: string, uid: number, gid: number): Promise<void> {
    return fsp.chown(path, uid, gid);
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const [cmd, ...args] = argv;
    if (cmd === undefined) return Promise.reject(new Error('exec needs a command'));
    return runChild(cmd, args, opts);
  }

  execShell(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return runChild('/bin/sh', ['-c', command], opts);
  }

  openUnixSocket(path: string): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const sock = connect(path);
      this.sockets.add(sock);
      sock.once('close', () => this.sockets.delete(sock));
      sock.once('connect', () => {
        sock.off('error', reject);
        resolve(sock);
      });
      sock.once('error', reject);
    });
  }

  /** Like closing the SSH link: every socket opened through this droplet (Docker's keep-alive pool) ends. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}

async function statBy(fn: (p: string) => Promise<import('node:fs').Stats>, path: string): Promise<FileStat | null> {
  try {
    return toStat(await fn(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function runChild(cmd: string, args: string[], opts: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const collect = opts.collect !== false;
    child.stdout.on('data', (c: Buffer) => {
      if (collect) out.push(c);
      opts.onStdout?.(c);
    });
    opts.onFlow?.({ pause: () => child.stdout.pause(), resume: () => child.stdout.resume() });
    child.stderr.on('data', (c: Buffer) => {
      if (collect) err.push(c);
      opts.onStderr?.(c);
    });
    child.once('error', (e) => {
      if ((e as NodeJS.ErrnoException).name === 'AbortError') resolve({ code: null, signal: 'SIGTERM', stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
      else reject(e);
    });
    child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}
