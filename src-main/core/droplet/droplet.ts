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

  readFile(path: string): Promise<Buffer>;
  /** Bytes [start, end) of a file; end defaults to the current size. */
  readRange(path: string, start: number, end?: number): Promise<Buffer>;
  /** null when the path does not exist. */
  stat(path: string): Promise<FileStat | null>;
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
  /** Run argv on the droplet. Each element is passed as one argument. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Run a shell command line as the operator typed it (only after the blocklist passed it). */
  execShell(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** A stream to a Unix socket on the droplet (stream-local forwarding over SSH). */
  openUnixSocket(path: string): Promise<Duplex>;
  close(): Promise<void>;
}
