/**
 * The log file: `<stateDir>/logs/stratam.log`, size-capped by rotation
 * (`stratam.log` → `.1` → `.2`, the oldest dropped), so a tray that runs for
 * weeks keeps at most `maxBytes × files` of log. The folder is 0700 and each
 * file 0600: the log names droplets and paths.
 *
 * The tray and every `stratam` command append to the same file. Each line is
 * one write() on a descriptor opened with O_APPEND, taken with the size check
 * and any rotation under a process lock (fs/process-lock.ts): two processes
 * never both rotate (which would drop a file), and the cap holds exactly. A
 * process whose descriptor still points at a file the other one rotated away
 * notices (the path's inode changed) and reopens first. Lines are rare
 * (errors, warnings, a few events), so a lock per line costs nothing that
 * matters.
 *
 * Writes are synchronous: an error is logged where it is caught, often on a
 * path that is about to exit or throw, and the line must be on disk by then.
 * Logging is rare (errors, warnings, a few events), so this costs nothing
 * that matters.
 */
import { chmodSync, closeSync, fchmodSync, fstatSync, ftruncateSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isLockBusy, withProcessLock } from '../fs/process-lock.js';

export const LOG_MAX_BYTES = 1024 * 1024;
export const LOG_FILES = 3;

export function logDir(stateDir: string): string {
  return join(stateDir, 'logs');
}

export function logFilePath(stateDir: string): string {
  return join(logDir(stateDir), 'stratam.log');
}

export interface LogFileOptions {
  /** Rotate before a line would take the file past this (default 1 MiB). */
  maxBytes?: number;
  /** Files kept, the live one included (default 3: stratam.log, .1, .2). */
  files?: number;
}

export class LogFile {
  readonly maxBytes: number;
  readonly files: number;
  private fd = -1;
  private ino = -1;
  private readonly lockPath: string;
  private dirReady = false;

  constructor(
    readonly path: string,
    opts: LogFileOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? LOG_MAX_BYTES;
    this.files = Math.max(1, opts.files ?? LOG_FILES);
    this.lockPath = `${path}.lock`;
  }

  /** Append one line (its newline added). Throws on I/O errors; the logger decides what to do with them. */
  write(line: string): void {
    const bytes = fitted(Buffer.from(`${line}\n`), this.maxBytes);
    if (!this.dirReady) {
      const dir = dirname(this.path);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700); // made earlier with a looser umask, or by hand: the log names droplets and paths
      this.dirReady = true;
    }
    try {
      withProcessLock(this.lockPath, () => this.append(bytes), { waitMs: 2000 });
    } catch (err) {
      if (!isLockBusy(err)) throw err;
      // The lock's holder is stuck (a frozen process): the line matters more than the exact cap.
      this.ensureOpen();
      writeSync(this.fd, bytes);
    }
  }

  /** Under the lock: rotate if this line would pass the cap, then append it. */
  private append(bytes: Buffer): void {
    this.ensureOpen();
    if (fstatSync(this.fd).size > 0 && fstatSync(this.fd).size + bytes.length > this.maxBytes) this.rotate();
    writeSync(this.fd, bytes);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private ensureOpen(): void {
    if (this.fd >= 0) {
      // Another process may have rotated: the path then names a new file (or none yet).
      if (this.inodeAtPath() === this.ino) return;
      this.close();
    }
    this.fd = openSync(this.path, 'a', 0o600);
    fchmodSync(this.fd, 0o600);
    this.ino = fstatSync(this.fd).ino;
  }

  private inodeAtPath(): number {
    try {
      return statSync(this.path).ino;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return -1; // rotated away and not yet recreated
      throw err;
    }
  }

  private rotate(): void {
    if (this.files === 1) {
      ftruncateSync(this.fd, 0); // nothing older to keep: the one file starts again
      return;
    }
    for (let i = this.files - 1; i >= 1; i--) {
      const from = i === 1 ? this.path : `${this.path}.${i - 1}`;
      try {
        renameSync(from, `${this.path}.${i}`); // over the oldest, which is dropped
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // fewer files than the cap so far
      }
    }
    this.close();
    this.ensureOpen();
  }
}

/** A line longer than the whole cap would rotate forever: cut it (on a character boundary) to fit, marked with an ellipsis. */
function fitted(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  const tail = Buffer.from('…\n');
  let cut = Math.max(0, max - tail.length);
  while (cut > 0 && ((bytes[cut] as number) & 0xc0) === 0x80) cut--; // not inside a UTF-8 sequence
  return Buffer.concat([bytes.subarray(0, cut), tail]);
}
