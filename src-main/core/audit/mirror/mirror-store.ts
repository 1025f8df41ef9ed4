/**
 * The mirror's writer (docs/audit-mirror.md): the exact bytes of each droplet
 * log file, one mirror file per inode from offset 0, and the sparse index.
 *
 * The feed hands over raw frames (`bytes`), truncations and records. They are
 * copied into one batch buffer and kept as an ordered list of operations;
 * every decision (append, compare an overlap, start a file, refuse a gap) is
 * taken at flush, under `mirror.lock`, against the files as they are on disk
 * then. So the tray and a CLI process writing one mirror see each other's
 * bytes before they write: whoever comes second compares instead of
 * appending twice. A batch is flushed at FLUSH_AT bytes, on `flush()` and on
 * close: a sync of a million records is a few hundred writes, not a million.
 *
 * Records cost a Map lookup each; only the one that starts a new 4 KiB block
 * of its file (and a file's first) is sampled for the index, with its ts read
 * from the bytes, never parsed as JSON.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { DropletIdentity } from '../../droplet/droplet.js';
import { isLockBusy, withProcessLock } from '../../fs/process-lock.js';
import { describeForLog, log, logEvery } from '../../log/logger.js';
import type { StreamName } from '../diagnostics.js';
import type { FeedPosition } from '../feed-position.js';
import { applyBatch, lastIndexEntry, type Op, type WriterState } from './mirror-apply.js';
import { enforceCap } from './mirror-cap.js';
import { hashRange, lastNewline, readRange } from './mirror-files.js';
import { BLOCK, seqOf, tsOf } from './mirror-index.js';
import { describeMirror } from './mirror-info.js';
import { ensureDir, fileName, mirrorDir, mirrorRoot, readManifest, type ManifestFile } from './mirror-manifest.js';
import type { MirrorInfo } from './mirror-types.js';

export { mirrorDir };

const FLUSH_AT = 4 * 1024 * 1024;
const LOCK_WAIT_MS = 2000;

export class MirrorStore {
  private readonly dir: string;
  private readonly root: string;
  private readonly lockPath: string;
  private ops: Op[] = [];
  private arena = Buffer.allocUnsafe(FLUSH_AT);
  private arenaLen = 0;
  /** The last run and the last seen-op of each inode in this batch (so contiguous frames and records coalesce). */
  private lastRun = new Map<string, Extract<Op, { kind: 'run' }>>();
  private lastSeen = new Map<string, Extract<Op, { kind: 'seen' }>>();
  /** The 4 KiB block of the last sampled record, per inode (reset when the inode starts again at 0). */
  private blocks = new Map<string, number>();
  private readonly s: WriterState;
  private busyUntil = 0;
  private closed = false;

  private constructor(
    stateDir: string,
    id: DropletIdentity,
    readonly stream: StreamName,
    readonly capBytes: number,
  ) {
    this.dir = mirrorDir(stateDir, id, stream);
    this.root = mirrorRoot(stateDir, id);
    this.lockPath = join(this.dir, 'mirror.lock');
    ensureDir(this.dir);
    const lastIndexed = withProcessLock(this.lockPath, () => lastIndexEntry(this.dir)?.seq ?? Number.NEGATIVE_INFINITY, { waitMs: LOCK_WAIT_MS });
    this.s = { dir: this.dir, stream, capBytes, fds: new Map(), ignored: new Set(), diverged: new Map(), gaps: new Map(), lastIndexed };
  }

  /** null when capBytes is 0: the mirror is off. */
  static open(stateDir: string, id: DropletIdentity, stream: StreamName, opts: { capBytes: number }): MirrorStore | null {
    return opts.capBytes > 0 ? new MirrorStore(stateDir, id, stream, opts.capBytes) : null;
  }

  /** Cleared again once the gap is filled (by this writer, or a sync's writer seen at a later flush). */
  get behind(): boolean {
    return this.s.gaps.size > 0 || this.s.diverged.size > 0;
  }

  bytes(inode: string, offset: number, data: Buffer): void {
    if (data.length === 0 || this.closed) return;
    if (this.arenaLen + data.length > this.arena.length) {
      if (this.arenaLen > 0) this.flush();
      // Still no room (the flush waits for the lock, or one frame is bigger): a new buffer; the batch keeps views of the old.
      if (this.arenaLen + data.length > this.arena.length) {
        this.arena = Buffer.allocUnsafe(Math.max(FLUSH_AT, data.length));
        this.arenaLen = 0;
      }
    }
    const start = this.arenaLen;
    this.arenaLen += data.copy(this.arena, start);
    const copy = this.arena.subarray(start, this.arenaLen);
    if (offset === 0) this.blocks.delete(inode);
    const r = this.lastRun.get(inode);
    if (r && r.offset + r.len === offset) {
      const last = r.parts[r.parts.length - 1] as Buffer;
      // Contiguous in the batch buffer too (the usual case): widen the view instead of adding one.
      if (last.buffer === copy.buffer && last.byteOffset + last.length === copy.byteOffset) r.parts[r.parts.length - 1] = this.arena.subarray(start - last.length, this.arenaLen);
      else r.parts.push(copy);
      r.len += data.length;
    } else {
      const run = { kind: 'run' as const, inode, offset, parts: [copy], len: data.length };
      this.ops.push(run);
      this.lastRun.set(inode, run);
      this.lastSeen.delete(inode);
    }
    if (this.arenaLen >= FLUSH_AT) this.flush();
  }

  truncated(inode: string): void {
    if (this.closed) return;
    this.ops.push({ kind: 'trunc', inode });
    this.lastRun.delete(inode);
    this.lastSeen.delete(inode);
    this.blocks.delete(inode);
  }

  record(seq: number, inode: string, offset: number, line: Buffer): void {
    if (this.closed) return;
    const end = offset + line.length;
    const s = this.lastSeen.get(inode);
    if (s) {
      if (seq > s.seq) s.seq = seq;
      if (end > s.end) s.end = end;
    } else {
      const op = { kind: 'seen' as const, inode, seq, end };
      this.ops.push(op);
      this.lastSeen.set(inode, op);
    }
    if (!(seq > this.s.lastIndexed)) return;
    const block = Math.floor(offset / BLOCK);
    const prev = this.blocks.get(inode);
    if (prev !== undefined && block <= prev) return;
    this.blocks.set(inode, block);
    this.s.lastIndexed = seq;
    this.ops.push({ kind: 'entry', inode, seq, ts: tsOf(line), offset, end });
    // A later record of this inode must update a seen-op placed after this entry.
    this.lastSeen.delete(inode);
  }

  flush(): void {
    // With nothing batched, a behind writer still looks whether a sync filled its gaps.
    if (this.ops.length === 0 && !this.behind) return;
    const waitMs = Date.now() < this.busyUntil ? 0 : LOCK_WAIT_MS;
    let wrote = false;
    try {
      wrote = withProcessLock(this.lockPath, () => applyBatch(this.s, this.ops), { waitMs });
      this.busyUntil = 0;
    } catch (err) {
      if (!isLockBusy(err)) throw err;
      this.busyUntil = Date.now() + 30_000;
      logEvery(`mirror-busy:${this.lockPath}`, 60_000, 'warn', 'audit-mirror', `${describeForLog(err)} The ${this.stream} mirror's batch waits in memory until it is free.`);
      return;
    }
    this.ops = [];
    this.arenaLen = 0;
    this.lastRun.clear();
    this.lastSeen.clear();
    if (wrote) enforceCap(this.root, this.capBytes, LOCK_WAIT_MS);
  }

  /**
   * Where a one-shot sync should start this stream: the newest file's inode,
   * its bytes up to the last newline, that line as the anchor, and the seq of
   * that line (else the last indexed one). null when nothing is held.
   */
  resumePoint(): FeedPosition | null {
    this.flush();
    const m = readManifest(this.dir);
    const f = m.files[m.files.length - 1];
    if (!f) return null;
    const fd = openSync(join(this.dir, fileName(f.n)), 'r');
    try {
      const size = fstatSync(fd).size;
      const nl = lastNewline(fd, size);
      if (nl < 0) return { fileId: f.inode, offset: 0, anchor: null, lastSeq: this.lastSeqOrNull(f) };
      const start = lastNewline(fd, nl) + 1;
      const seq = seqOf(readRange(fd, start, Math.min(nl, start + 4096)));
      return { fileId: f.inode, offset: nl + 1, anchor: { start, end: nl, sha256: hashRange(fd, start, nl) }, lastSeq: seq ?? this.lastSeqOrNull(f) };
    } finally {
      closeSync(fd);
    }
  }

  private lastSeqOrNull(f: ManifestFile): number | null {
    return f.lastSeq ?? (Number.isFinite(this.s.lastIndexed) ? this.s.lastIndexed : null);
  }

  info(): MirrorInfo {
    return describeMirror(this.dir, this.stream, this.capBytes);
  }

  close(): void {
    if (this.closed) return;
    try {
      this.busyUntil = 0;
      this.flush();
      if (this.ops.length > 0) log.error('audit-mirror', `The ${this.stream} mirror's last batch was not written: ${this.lockPath} stayed locked. The next sync reads those bytes again.`);
    } finally {
      this.closed = true;
      for (const fd of this.s.fds.values()) closeSync(fd);
      this.s.fds.clear();
    }
  }
}
