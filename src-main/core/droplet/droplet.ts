/**
 * The one interface through which everything above reaches a droplet: files,
 * commands and sockets. Two implementations: over SSH (ssh-droplet.ts) and on
 * this machine (local-droplet.ts). Nothing above this file knows which it has.
 *
 * Paths are absolute droplet paths; `~` has already been expanded by
 * `resolvePaths`. Commands are argv arrays, never shell strings: the SSH
 * implementation quotes each element, so no caller builds a shell string.
 */
import type { Duplex } from 'node:stream';
import type { DropletPaths } from '../config/profile.js';

export interface FileStat {
  size: number;
  mode: number;
  mtimeMs: number;
  /** Owner uid/gid, so a rewrite can keep them. */
  uid: number;
  gid: number;
  isFile: boolean;
  isDirectory: boolean;
  /** What the path itself is; `symlink` only ever comes from lstat. */
  type: FileType;
}

export type FileType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'char' | 'block' | 'other';

/** The questions both Node's and ssh2's Stats answer about a file's type. */
export interface TypeQuestions {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

export function fileTypeOf(s: TypeQuestions): FileType {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'char';
  if (s.isBlockDevice()) return 'block';
  return 'other';
}

/**
 * An open regular file, reached without following a link (Droplet.openRegular).
 * Reads and appends go to the file that was checked, whatever its path names
 * later: a rename or a link swapped in after the open cannot redirect them.
 */
export interface RegularFile {
  readonly path: string;
  /** The open file's own attributes when it was opened (fstat; `type` is always 'file'). */
  readonly stat: FileStat;
  /** Up to `length` bytes from `position`; fewer only at the end of the file. */
  read(position: number, length: number): Promise<Buffer>;
  /** The open file's attributes now (it may have grown). */
  fstat(): Promise<FileStat>;
  /** Write whole bytes at the end of the file (O_APPEND); only for a file opened with 'append'. */
  append(data: Buffer): Promise<void>;
  /** Flush the file to disk (fsync) where the droplet supports it. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface DirEntry {
  name: string;
  stat: FileStat;
}

export interface ExecOptions {
  stdin?: Buffer | string;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Aborting closes the channel (the remote process gets SIGHUP). */
  signal?: AbortSignal;
  /** Collect output into the result (default true); false for streamed output. */
  collect?: boolean;
  /** Called once the command runs: pause and resume reading its stdout, so a slow consumer holds the sender back. */
  onFlow?: (flow: ExecFlow) => void;
}

export interface ExecFlow {
  pause(): void;
  resume(): void;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
}

export interface DropletIdentity {
  host: string;
  port: number;
  user: string;
  /** `SHA256:...` of the host key the connection verified, or null for local. */
  hostKey: string | null;
}

export interface Droplet {
  readonly kind: 'ssh' | 'local';
  readonly identity: DropletIdentity;
  /** Contract paths with `~` expanded and envFile filled in. */
  readonly paths: DropletPaths;
  /** The SSH user's home (what `~` expanded to). */
  readonly home: string;

  readFile(path: string): Promise<Buffer>;
  /** Bytes [start, end) of a file; end defaults to the current size. */
  readRange(path: string, start: number, end?: number): Promise<Buffer>;
  /** null when the path does not exist. Follows symlinks. */
  stat(path: string): Promise<FileStat | null>;
  /** Like stat, but a final symlink is described, never followed. */
  lstat(path: string): Promise<FileStat | null>;
  /**
   * Open a file that must be a regular file (contract v2, the control plane):
   * a symlink, FIFO, socket, device or folder at `path` is refused (exit 3)
   * without being opened through, and so is a path whose file changed while
   * it was being opened. 'read': null when the path is absent. 'append':
   * opened for reading and appending, created with `mode` (exclusively, so
   * never through a link) when absent. The caller closes the file.
   */
  openRegular(path: string, how: 'read'): Promise<RegularFile | null>;
  openRegular(path: string, how: 'append', mode: number): Promise<RegularFile>;
  readdir(path: string): Promise<DirEntry[]>;
  /** Create a new file, failing if it exists (O_EXCL). */
  writeNew(path: string, data: Buffer, mode: number): Promise<void>;
  /** Append whole bytes with O_APPEND, creating the file with `mode` if absent. */
  append(path: string, data: Buffer, mode?: number): Promise<void>;
  /** POSIX rename: atomically replaces `to`. */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdirp(path: string, mode?: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** Give a file to uid:gid; only root may give a file away (others get a permission error). */
  chown(path: string, uid: number, gid: number): Promise<void>;
  /** Run argv on the droplet. Each element is passed as one argument. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Run a shell command line as the operator typed it (only after the blocklist passed it). */
  execShell(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** A stream to a Unix socket on the droplet (stream-local forwarding over SSH). */
  openUnixSocket(path: string): Promise<Duplex>;
  close(): Promise<void>;
}
