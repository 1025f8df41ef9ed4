/**
 * A lock between processes on this machine, for the short synchronous
 * sections where the tray and a `stratam` command write the same files in the
 * state folder (the audit witness, the log's rotation).
 *
 * Why a lock file and not a library: Node has no flock(), and the witness
 * appends from synchronous code (a flush is two writes, microseconds), so an
 * async lock (`proper-lockfile` is callback/promise based; its sync variant
 * cannot wait) would force the whole store async for no gain. Its staleness is
 * also judged by mtime, which a live holder stalled longer than the threshold
 * (a laptop's sleep) loses to a second writer: the very corruption this
 * prevents. Here a lock is stale only when its holder is provably gone.
 *
 * The lock file holds `pid start-time thread token`, created complete in one step:
 * the line is written to a private temp file that is then hard-linked to the
 * lock path (link() fails with EEXIST if it is held, atomically, and a reader
 * never sees a half-written lock). A lock is stale when its pid is not running,
 * or runs with another start time (the pid was reused: common in containers);
 * the start time is the process's own from /proc on Linux, and absent
 * elsewhere, where the pid alone decides. Breaking a stale lock is itself done
 * under a second lock (`<lock>.break`) and only if the file still holds the
 * very content judged stale, so two waiters can never both break it and then
 * remove a fresh lock taken in between.
 *
 * Re-entrant within a process (a flush inside an import that holds the lock);
 * one process is one JS thread here, and the holder never awaits.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { StratamError } from '../errors.js';

export interface LockOptions {
  /** Give up after waiting this long for a live holder (default 10 s). */
  waitMs?: number;
}

const held = new Map<string, number>();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** A process's start time and state as the kernel reports them (Linux); '-' where that is not known. */
function procStat(pid: number | 'self'): { start: string; zombie: boolean } | null {
  if (process.platform !== 'linux') return { start: '-', zombie: false };
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // gone
    throw err;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { start: fields[19] ?? '-', zombie: fields[0] === 'Z' }; // fields 3 (state) and 22 (starttime)
}

let selfLine: string | null = null;
function ownContent(): string {
  selfLine ??= `${process.pid} ${procStat('self')?.start ?? '-'} ${threadId}`;
  return `${selfLine} ${randomBytes(8).toString('hex')}\n`;
}

/** Create `path` holding `content`, complete, or return false if it exists. */
function createExclusive(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

function readLock(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // released meanwhile: try again
    throw err;
  }
}

/** Is the holder named by a lock's content (`pid start thread token`) provably gone? */
export function isStale(content: string): boolean {
  const [pidText, start, thread] = content.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // not ours to judge: wait, then report it
  if (pid === process.pid) {
    // Not held by this thread (withProcessLock looks at `held` first): another thread of ours holds it, or it
    // was left by an earlier process that had our pid.
    return thread === String(threadId) || start !== procStat('self')?.start;
  }
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const now = procStat(pid);
  if (now === null || now.zombie) return true; // exited (a zombie holds no lock, it only waits to be reaped)
  return start !== undefined && start !== '-' && now.start !== '-' && now.start !== start;
}

function unlinkIfSame(path: string, content: string): void {
  const breaker = `${path}.break`;
  if (!createExclusive(breaker, ownContent())) {
    // Another waiter is breaking it right now (a few microseconds), or died doing so.
    const b = readLock(breaker);
    if (b !== null && isStale(b) && readLock(breaker) === b) unlinkSync(breaker);
    return;
  }
  try {
    if (readLock(path) === content) unlinkSync(path);
  } finally {
    unlinkSync(breaker);
  }
}

/** The error withProcessLock throws when a live holder kept the lock past the wait. */
export const isLockBusy = (err: unknown): boolean => err instanceof StratamError && err.detail?.lockBusy === true;

/** Take the lock at `path` (waiting for a live holder), run `fn`, release. */
export function withProcessLock<T>(path: string, fn: () => T, opts: LockOptions = {}): T {
  const depth = held.get(path);
  if (depth !== undefined) {
    held.set(path, depth + 1);
    try {
      return fn();
    } finally {
      held.set(path, depth);
    }
  }
  acquire(path, opts.waitMs ?? 10_000);
  held.set(path, 1);
  try {
    return fn();
  } finally {
    held.delete(path);
    unlinkSync(path);
  }
}

function acquire(path: string, waitMs: number): void {
  const mine = ownContent();
  const deadline = Date.now() + waitMs;
  let pause = 1;
  for (;;) {
    if (createExclusive(path, mine)) return;
    const other = readLock(path);
    if (other === null) continue;
    if (isStale(other)) {
      unlinkIfSame(path, other);
      continue;
    }
    if (Date.now() > deadline) {
      const pid = other.split(' ')[0] ?? '?';
      throw new StratamError('failed', `Could not lock ${path}: process ${pid.slice(0, 12)} has held it for over ${waitMs < 1000 ? `${waitMs} ms` : `${Math.round(waitMs / 1000)} s`}.`, {
        hint: `If process ${pid.slice(0, 12)} is stuck, end it; if it is not a stratam or Stratam Tray process, remove ${path}.`,
        detail: { lockBusy: true },
      });
    }
    // A live holder keeps it for a few writes: sleep a little, longer each time (at most 20 ms).
    Atomics.wait(sleeper, 0, 0, pause);
    pause = Math.min(20, pause * 2);
  }
}
