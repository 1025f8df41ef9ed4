/**
 * The droplet over one SSH connection: SFTP for files, exec channels for
 * commands, stream-local forwarding for Unix sockets (Docker). Channels are
 * multiplexed on the link; the SFTP session is opened once per connection and
 * reopened after a reconnect.
 *
 * Every request ends (link-guard.ts): with its answer, when the link drops,
 * or at `requestDeadlineMs` without an answer, with an error that says which.
 */
import type { Duplex } from 'node:stream';
import type { Client, SFTPWrapper, Stats } from 'ssh2';
import type { DropletPaths, DropletProfile } from '../config/profile.js';
import { StratamError } from '../errors.js';
import { LinkGuard, type GuardedRequest } from '../ssh/link-guard.js';
import { SshLink, type LinkOptions } from '../ssh/link.js';
import type { DirEntry, Droplet, DropletIdentity, ExecOptions, ExecResult, FileStat, RegularFile } from './droplet.js';
import { resolvePaths } from './paths.js';
import { SFTP_EOF, sftpError, toStat } from './sftp-attrs.js';
import { boundedOpen, openRegularOverSftp, sftpOpsOn, type SftpOps } from './sftp-regular.js';
import { isSftpMissing, openSftpSession } from './sftp-session.js';
import { quoteArgv } from './shell-quote.js';
import { background } from '../log/logger.js';

const CHUNK = 256 * 1024;

export class SshDroplet implements Droplet {
  readonly kind = 'ssh' as const;
  paths: DropletPaths;
  home = '/';
  /** How long a control file's open may take before it is taken as blocked on a FIFO (see sftp-regular.ts). */
  openDeadlineMs = 10_000;
  private readonly guard: LinkGuard;
  private sftpFor: Client | null = null;
  private sftpSession: Promise<SFTPWrapper> | null = null;
  private sftpCurrent: SFTPWrapper | null = null;
  /** Per session: rejects when it is abandoned (see onSession). */
  private readonly gone = new WeakMap<SFTPWrapper, { promise: Promise<never>; end(): void }>();

  private constructor(
    readonly link: SshLink,
    private readonly rawPaths: DropletPaths,
  ) {
    this.paths = rawPaths;
    this.guard = new LinkGuard(link, 30_000);
  }

  /**
   * How long one request (an SFTP operation, opening a channel, waiting for
   * a reconnecting link) may go unanswered before it fails; a long read or
   * write counts from its last chunk.
   */
  get requestDeadlineMs(): number {
    return this.guard.deadlineMs;
  }

  set requestDeadlineMs(ms: number) {
    this.guard.deadlineMs = ms;
  }

  get identity(): DropletIdentity {
    const t = this.link.target;
    return { host: t.host, port: t.port, user: t.user, hostKey: this.link.hostKey };
  }

  /** `signal`: aborting it ends the dial wherever it is (the app's Disconnect during a connect). */
  static async connect(profile: DropletProfile, opts: LinkOptions & { passphrase?: string; signal?: AbortSignal } = {}): Promise<SshDroplet> {
    const link = new SshLink(
      {
        host: profile.host,
        port: profile.port,
        user: profile.user,
        identityFile: profile.identityFile,
        passphrase: opts.passphrase,
        fingerprint: profile.fingerprint,
        knownHostsFile: profile.knownHostsFile,
      },
      opts,
    );
    if (opts.signal?.aborted) throw new StratamError('connect', 'The connection was cancelled before it started.');
    const onAbort = () => background(link.close(), 'ssh', 'closing a cancelled dial');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await link.open();
      const d = new SshDroplet(link, profile.paths);
      try {
        const home = await d.resolveHome();
        d.home = home;
        d.paths = resolvePaths(profile.paths, home);
      } catch (err) {
        await d.close();
        throw err;
      }
      return d;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The login's home folder, for relative paths in the profile. Without an
   * SFTP subsystem the droplet still connects (its shell says where home
   * is), so `doctor` can report what is missing; every file operation then
   * refuses with the sshd_config line to add.
   */
  private async resolveHome(): Promise<string> {
    try {
      return await this.call<string>((s, cb) => s.realpath('.', cb), 'realpath', '.');
    } catch (err) {
      if (!isSftpMissing(err)) throw err;
      const r = await this.execShell('pwd');
      const home = r.stdout.toString().trim();
      if (r.code !== 0 || !home.startsWith('/')) throw err;
      return home;
    }
  }

  private async sftp(): Promise<SFTPWrapper> {
    const client = await this.link.ready();
    if (this.sftpFor !== client || !this.sftpSession) {
      this.sftpFor = client;
      this.sftpSession = openSftpSession(client, this.link.target, this.guard.deadlineMs);
      const session = this.sftpSession;
      session.then(
        (s) => {
          let end!: () => void;
          const promise = new Promise<never>((_, reject) => {
            end = () =>
              reject(
                Object.assign(new Error('the SFTP session ended (the connection was lost, or an open never answered) before the droplet answered; the outcome is unknown'), { code: 'ECONNRESET' }),
              );
          });
          promise.catch(() => undefined); // raced by onSession's callers; unraced, it is not an error
          this.gone.set(s, { promise, end });
          // A session that closed (the connection died) answers nothing more: a request made on one of
          // its handles after that, even one begun after the link's 'drop' was emitted, fails at once.
          s.once('close', end);
          if (this.sftpSession !== session) return;
          this.sftpCurrent = s;
          s.once('close', () => {
            if (this.sftpCurrent !== s) return;
            this.sftpSession = null;
            this.sftpCurrent = null;
          });
        },
        (err: unknown) => {
          // A missing subsystem stays missing on this connection: answer every caller at once, not with a channel each.
          if (this.sftpSession === session && !isSftpMissing(err)) this.sftpSession = null;
        },
      );
    }
    return this.sftpSession;
  }

  /** One SFTP request on the current session; a request unanswered at its deadline gives the session up. */
  private call<T>(fn: (s: SFTPWrapper, cb: (err: Error | null | undefined, v: T) => void) => void, op: string, path: string): Promise<T> {
    return this.guard.run(op, path, async (req) => {
      const s = await this.sftp();
      req.onTimeout(() => this.abandon(s));
      return this.onSession(s, new Promise<T>((resolve, reject) => fn(s, (err, v) => (err ? reject(sftpError(err, op, path)) : resolve(v)))));
    });
  }

  private handleOp<T>(fn: (s: SFTPWrapper, h: Buffer, progress: () => void) => Promise<T>, path: string, flags: 'r' | 'wx' | 'a', mode?: number): Promise<T> {
    return this.guard.run('open', path, (req) => this.handleOpUnguarded(fn, path, flags, mode, req));
  }

  private async handleOpUnguarded<T>(
    fn: (s: SFTPWrapper, h: Buffer, progress: () => void) => Promise<T>,
    path: string,
    flags: 'r' | 'wx' | 'a',
    mode: number | undefined,
    req: GuardedRequest,
  ): Promise<T> {
    const s = await this.sftp();
    req.onTimeout(() => this.abandon(s));
    // Bounded like a control file's open: a FIFO at any path we open must not wedge the shared session.
    const handle = await boundedOpen(
      // Raced with the session's end: an open sent on a session that just closed would otherwise wait out the deadline.
      this.onSession(s, new Promise<Buffer>((resolve, reject) => s.open(path, flags, mode === undefined ? {} : { mode }, (err, h) => (err ? reject(sftpError(err, 'open', path)) : resolve(h))))),
      this.openDeadlineMs,
      () => this.abandon(s),
      path,
    );
    try {
      return await this.onSession(s, fn(s, handle, req.progress));
    } finally {
      // A close's own error was always ignored here (the handle is gone either way); a dropped session took the handle with it.
      await this.onSession(s, new Promise<void>((resolve) => s.close(handle, () => resolve()))).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ECONNRESET') throw err;
      });
    }
  }

  /** To the end of the file, through our own (bounded) open rather than ssh2's readFile. */
  readFile(path: string): Promise<Buffer> {
    return this.handleOp(
      async (s, h, progress) => {
        const parts: Buffer[] = [];
        for (let pos = 0; ; progress()) {
          const buf = Buffer.allocUnsafe(CHUNK);
          // ssh2 answers a read at the end of the file with 0 bytes (or SSH_FX_EOF on request).
          const n = await new Promise<number>((res, rej) =>
            s.read(h, buf, 0, CHUNK, pos, (e, bytes) => (e ? ((e as { code?: number }).code === SFTP_EOF ? res(0) : rej(sftpError(e, 'read', path))) : res(bytes))),
          );
          if (n === 0) return Buffer.concat(parts);
          parts.push(buf.subarray(0, n));
          pos += n;
        }
      },
      path,
      'r',
    );
  }

  readRange(path: string, start: number, end?: number): Promise<Buffer> {
    return this.handleOp(
      async (s, h, progress) => {
        const stop = end ?? Number((await new Promise<Stats>((res, rej) => s.fstat(h, (e, a) => (e ? rej(sftpError(e, 'stat', path)) : res(a))))).size);
        const parts: Buffer[] = [];
        let pos = start;
        while (pos < stop) {
          const want = Math.min(CHUNK, stop - pos);
          const buf = Buffer.allocUnsafe(want);
          const n = await new Promise<number>((res, rej) =>
            s.read(h, buf, 0, want, pos, (e, bytes) => (e ? ((e as { code?: number }).code === SFTP_EOF ? res(0) : rej(sftpError(e, 'read', path))) : res(bytes))),
          );
          if (n === 0) break;
          parts.push(buf.subarray(0, n));
          pos += n;
          progress();
        }
        return Buffer.concat(parts);
      },
      path,
      'r',
    );
  }

  stat(path: string): Promise<FileStat | null> {
    return this.statBy('stat', path);
  }

  lstat(path: string): Promise<FileStat | null> {
    return this.statBy('lstat', path);
  }

  private async statBy(op: 'stat' | 'lstat', path: string): Promise<FileStat | null> {
    try {
      return toStat(await this.call<Stats>((s, cb) => s[op](path, cb), op, path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  openRegular(path: string, how: 'read'): Promise<RegularFile | null>;
  openRegular(path: string, how: 'append', mode: number): Promise<RegularFile>;
  async openRegular(path: string, how: 'read' | 'append', mode = 0o600): Promise<RegularFile | null> {
    return openRegularOverSftp(this.opsOn(await this.guard.run('open', path, () => this.sftp()), path), path, how, mode, this.openDeadlineMs);
  }

  /** Raw operations on `file` in one SFTP session (handles belong to the session that opened them). */
  private opsOn(s: SFTPWrapper, file: string): SftpOps {
    return sftpOpsOn(
      s,
      file,
      (op, path, run) =>
        this.guard.run(op, path, (req) => {
          req.onTimeout(() => this.abandon(s));
          return this.onSession(s, run());
        }),
      () => this.abandon(s),
    );
  }

  /**
   * `p`, or a rejection once session `s` is abandoned: ssh2 drops requests
   * written to a channel that is no longer open without ever calling them
   * back, so a read on a handle of that session must not wait for an answer.
   */
  private onSession<T>(s: SFTPWrapper, p: Promise<T>): Promise<T> {
    const gone = this.gone.get(s);
    return gone ? Promise.race([p, gone.promise]) : p;
  }

  /** Give up on session `s` (a request it will never answer); the next operation opens a new one. */
  private abandon(s: SFTPWrapper): void {
    this.gone.get(s)?.end();
    // Only this session: one opened since (after an earlier abandon or a reconnect) stays.
    if (this.sftpCurrent === s) {
      this.sftpSession = null;
      this.sftpFor = null;
      this.sftpCurrent = null;
    }
    // The server will never answer this session's pending requests (it is blocked in open(2)); fail
    // them now, as ssh2 itself does when a channel ends, so no other caller waits on them forever.
    (s as unknown as { push(data: null): void }).push(null);
    s.end();
  }

  async readdir(path: string): Promise<DirEntry[]> {
    const list = await this.call<Array<{ filename: string; attrs: Stats }>>((s, cb) => s.readdir(path, cb as never), 'readdir', path);
    return list.filter((e) => e.filename !== '.' && e.filename !== '..').map((e) => ({ name: e.filename, stat: toStat(e.attrs) }));
  }

  writeNew(path: string, data: Buffer, mode: number): Promise<void> {
    return this.handleOp(
      async (s, h, progress) => {
        let off = 0;
        while (off < data.length) {
          const n = Math.min(CHUNK, data.length - off);
          await new Promise<void>((res, rej) => s.write(h, data, off, n, off, (e) => (e ? rej(sftpError(e, 'write', path)) : res())));
          off += n;
          progress();
        }
        // The server's umask applied to the open mode; set it exactly.
        await new Promise<void>((res, rej) => s.fchmod(h, mode, (e) => (e ? rej(sftpError(e, 'chmod', path)) : res())));
        await new Promise<void>((res) => s.ext_openssh_fsync(h, () => res()));
      },
      path,
      'wx',
      mode,
    );
  }

  append(path: string, data: Buffer, mode = 0o600): Promise<void> {
    return this.handleOp(
      async (s, h) => {
        // SSH_FXF_APPEND makes sftp-server open with O_APPEND: the offset is ignored and lines stay whole.
        await new Promise<void>((res, rej) => s.write(h, data, 0, data.length, 0, (e) => (e ? rej(sftpError(e, 'append', path)) : res())));
      },
      path,
      'a',
      mode,
    );
  }

  rename(from: string, to: string): Promise<void> {
    return this.call<void>((s, cb) => s.ext_openssh_rename(from, to, cb as never), 'rename', from);
  }

  unlink(path: string): Promise<void> {
    return this.call<void>((s, cb) => s.unlink(path, cb as never), 'unlink', path);
  }

  async mkdirp(path: string, mode = 0o700): Promise<void> {
    const st = await this.stat(path);
    if (st?.isDirectory) return;
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (parent && parent !== path) await this.mkdirp(parent, mode);
    try {
      await this.call<void>((s, cb) => s.mkdir(path, { mode }, cb as never), 'mkdir', path);
    } catch (err) {
      if (!(await this.stat(path))?.isDirectory) throw err;
    }
  }

  chmod(path: string, mode: number): Promise<void> {
    return this.call<void>((s, cb) => s.chmod(path, mode, cb as never), 'chmod', path);
  }

  chown(path: string, uid: number, gid: number): Promise<void> {
    return this.call<void>((s, cb) => s.chown(path, uid, gid, cb as never), 'chown', path);
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.execShell(quoteArgv(argv), opts);
  }

  execShell(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.guard.run('exec', 'on the droplet', (req) => this.execUnguarded(command, opts, req));
  }

  /** The deadline covers reaching the droplet and opening the channel; the command then runs as long as it runs (a drop still ends it). */
  private async execUnguarded(command: string, opts: ExecOptions, req: GuardedRequest): Promise<ExecResult> {
    const client = await this.link.ready();
    let gaveUp = false;
    req.onTimeout(() => (gaveUp = true));
    return new Promise<ExecResult>((resolve, reject) => {
      client.exec(command, (err, ch) => {
        if (err) return reject(err);
        if (gaveUp) {
          // Opened after its caller was told it failed: the command must not run unowned.
          ch.close();
          return reject(new Error('exec: the channel opened after its deadline and was closed'));
        }
        req.answered();
        const out: Buffer[] = [];
        const errb: Buffer[] = [];
        const collect = opts.collect !== false;
        let code: number | null = null;
        let signal: string | null = null;
        const onAbort = () => {
          signal = 'SIGHUP';
          ch.close();
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        ch.on('data', (c: Buffer) => {
          if (collect) out.push(c);
          opts.onStdout?.(c);
        });
        // A paused channel stops granting SSH window, so the droplet's writer blocks instead of our memory growing.
        opts.onFlow?.({ pause: () => ch.pause(), resume: () => ch.resume() });
        ch.stderr.on('data', (c: Buffer) => {
          if (collect) errb.push(c);
          opts.onStderr?.(c);
        });
        ch.on('exit', (c: number | null, sig?: string) => {
          code = c;
          if (sig) signal = sig;
        });
        ch.on('close', () => {
          opts.signal?.removeEventListener('abort', onAbort);
          resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(errb) });
        });
        if (opts.stdin !== undefined) ch.end(opts.stdin);
        else ch.end();
      });
    });
  }

  openUnixSocket(path: string): Promise<Duplex> {
    return this.guard.run('connect', path, async (req) => {
      const client = await this.link.ready();
      let gaveUp = false;
      req.onTimeout(() => (gaveUp = true));
      return new Promise<Duplex>((resolve, reject) => {
        client.openssh_forwardOutStreamLocal(path, (err, ch) => {
          if (err) return reject(err);
          if (!gaveUp) return resolve(ch);
          // Opened after its deadline: nobody will use it.
          ch.close();
          reject(new Error(`connect ${path}: the channel opened after its deadline and was closed`));
        });
      });
    });
  }

  async close(): Promise<void> {
    // The link's close emits 'drop', which ends every request still in flight; then the guard lets go of the link.
    await this.link.close();
    this.guard.dispose();
  }
}
