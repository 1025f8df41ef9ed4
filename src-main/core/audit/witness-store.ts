/**
 * The off-box witness: for every record the app has seen, a local, append-only
 * entry (seq, sha256 of the line's exact bytes), hash-chained, one pair of
 * files per droplet and stream under `<stateDir>/audit/<droplet key>/`.
 *
 * `<stream>.entries`: fixed-width 40-byte entries (seq as float64 BE, the
 * line's sha256), in increasing seq order. Fixed width makes lookup by seq a
 * binary search with pread, so memory stays flat for any number of records.
 *
 * `<stream>.chain`: one 40-byte checkpoint per appended batch (entry count as
 * float64 BE, chain hash), where
 *   chain_k = sha256(chain_{k-1} ‖ count_k ‖ entries[count_{k-1}, count_k)).
 * Every entry is covered by exactly one link, so an edit of the entries file
 * (or a removed entry) breaks the chain from that batch on (`checkChain`).
 * Chaining per batch rather than per entry is what lets a backlog of a
 * million records be witnessed without a million extra hash calls.
 *
 * Appends are batched (flushed at 64 KiB, on `flush()` and on close): the
 * entries are written first, then their checkpoint, so the checkpoint is the
 * commit. Entries past the last checkpoint (a crash between the two writes)
 * and torn tail bytes are cut off on open; the feed sees those records again
 * and re-appends them.
 *
 * Two writers (the tray and `stratam audit tail`, each its own process)
 * share these files. Every change to them (the repair on open, each flush)
 * happens under `<stream>.lock` (fs/process-lock.ts), and a flush first
 * adopts what the other writer committed since: entries already witnessed
 * there (same seq) are not written again, entries past its end are appended,
 * so the files stay one chain in increasing seq order whoever writes. A seq
 * the other writer never saw that lies below its last one cannot be put in
 * order and is left out, as a single writer leaves out a seq it sees after a
 * later one (`unknown`). Before a new batch starts, a writer also picks up
 * the other's tail (one fstat), so a record both read is compared, not
 * appended twice.
 *
 * Version 1 (one `<stream>.witness` file of 72-byte entries chained one by
 * one) is converted on first open, after its own chain checks out; the old
 * file is kept beside as `<stream>.witness.v1`.
 */
import { createHash, hash as sha256once } from 'node:crypto';
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DropletIdentity } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { isLockBusy, withProcessLock } from '../fs/process-lock.js';
import { describeForLog, log, logEvery } from '../log/logger.js';
import type { StreamName } from './diagnostics.js';

export const ENTRY = 40;
const LINK = 40;
const ZERO = Buffer.alloc(32);
const FLUSH_AT = 64 * 1024;
/** A writer holds the lock for two writes; one that keeps it this long is stuck. */
const LOCK_WAIT_MS = 2000;
/** Entries read from disk at once for lookups (160 KiB). */
const BLOCK = 4096;

export interface WitnessEntry {
  seq: number;
  /** sha256 of the line, hex. */
  sha256: string;
}

/** A file-name-safe key for one droplet: host, port and host key (or a local marker). */
export function dropletKey(id: DropletIdentity): string {
  const hk = id.hostKey ? createHash('sha256').update(id.hostKey).digest('hex').slice(0, 16) : 'local';
  return `${id.host}_${id.port}_${hk}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function witnessDir(stateDir: string, id: DropletIdentity): string {
  return join(stateDir, 'audit', dropletKey(id));
}

function linkHash(prev: Buffer, count: number, entries: Buffer): Buffer {
  const c = Buffer.allocUnsafe(8);
  c.writeDoubleBE(count, 0);
  return sha256once('sha256', Buffer.concat([prev, c, entries]), 'buffer') as Buffer;
}

export type Observation = 'appended' | 'same' | 'mismatch' | 'older' | 'unknown';

export class WitnessStore {
  private fd: number;
  private chainFd: number;
  /** Committed entries (on disk and covered by a checkpoint), as of the last look at the files. */
  private count = 0;
  private lastChain: Buffer = ZERO;
  /** Seq of the last committed entry. */
  private committedLast: number | null = null;
  /** Size of the chain file as of the last look: when it grew, another writer committed. */
  private chainBytes = 0;
  private pending = Buffer.allocUnsafe(FLUSH_AT + ENTRY);
  private pendingLen = 0;
  /**
   * One block of committed entries read ahead for lookups. Known seqs come
   * back in order (a backlog read again, the overlap after a resume), so a
   * re-read of a million witnessed records costs a read per 4 096 entries,
   * not a binary search of preads per record. Committed entries never change,
   * so another writer's appends leave it valid.
   */
  private block = Buffer.allocUnsafe(ENTRY * BLOCK);
  private blockFirst = 0;
  private blockCount = 0;
  private first: number | null = null;
  /** Until then flushes try the lock once instead of waiting (it stayed busy). */
  private busyUntil = 0;

  private constructor(
    readonly path: string,
    readonly chainPath: string,
    readonly lockPath: string,
    private readonly stream: string,
  ) {
    this.fd = openSync(path, 'a+', 0o600);
    this.chainFd = openSync(chainPath, 'a+', 0o600);
  }

  static open(stateDir: string, id: DropletIdentity, stream: StreamName): WitnessStore {
    const dir = witnessDir(stateDir, id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${stream}.entries`);
    const store = new WitnessStore(path, join(dir, `${stream}.chain`), join(dir, `${stream}.lock`), stream);
    const v1 = join(dir, `${stream}.witness`);
    try {
      withProcessLock(
        store.lockPath,
        () => {
          store.adoptTail();
          // Under the lock: two processes opening at once convert it once.
          if (store.size === 0 && existsSync(v1)) store.importV1(v1);
        },
        { waitMs: LOCK_WAIT_MS },
      );
    } catch (err) {
      store.closeFiles();
      throw err;
    }
    return store;
  }

  /**
   * Take the files as they are now (holding the lock): the last checkpoint is
   * the commit; a torn checkpoint, and entries past the last one (a writer
   * that died between its two writes, or torn bytes), are cut off.
   */
  private adoptTail(): void {
    let links = fstatSync(this.chainFd).size;
    if (links % LINK !== 0) ftruncateSync(this.chainFd, (links -= links % LINK));
    let committed = 0;
    let chain: Buffer = ZERO;
    if (links > 0) {
      const b = Buffer.allocUnsafe(LINK);
      readSync(this.chainFd, b, 0, LINK, links - LINK);
      committed = b.readDoubleBE(0);
      chain = Buffer.from(b.subarray(8, 40));
    }
    const size = fstatSync(this.fd).size;
    // A checkpoint that is not a count: the chain file was edited. Keep every entry; checkChain reports it.
    if (!Number.isSafeInteger(committed) || committed < 0) committed = Math.floor(size / ENTRY);
    // Past the last checkpoint: uncommitted (or torn); shorter: damaged, which checkChain reports.
    if (size > committed * ENTRY) ftruncateSync(this.fd, committed * ENTRY);
    const count = Math.min(committed, Math.floor(size / ENTRY));
    this.chainBytes = links;
    if (count === this.count && chain.equals(this.lastChain)) return;
    this.count = count;
    this.lastChain = chain;
    this.committedLast = count > 0 ? this.readAt(count - 1).seq : null;
    this.first = null;
    if (this.blockFirst + this.blockCount > count) this.blockCount = 0; // the files were cut shorter (damage): read again
  }

  /** Before a new batch: if another writer committed since the last look (its chain grew), take its tail. */
  private refresh(): void {
    if (this.pendingLen !== 0 || Date.now() < this.busyUntil || fstatSync(this.chainFd).size === this.chainBytes) return;
    try {
      withProcessLock(this.lockPath, () => this.adoptTail(), { waitMs: LOCK_WAIT_MS });
    } catch (err) {
      if (!isLockBusy(err)) throw err;
      this.busyUntil = Date.now() + 30_000; // the flush merges what this look would have found; it logs the busy lock
    }
  }

  get size(): number {
    return this.count + this.pendingLen / ENTRY;
  }

  get lastSeq(): number | null {
    const last = this.committedLast;
    if (this.pendingLen === 0) return last;
    const p = this.pending.readDoubleBE(this.pendingLen - ENTRY);
    return last === null || p > last ? p : last;
  }

  get firstSeq(): number | null {
    if (this.size === 0) return null;
    return (this.first ??= this.entryAt(0).seq);
  }

  /** Entry i (0-based), from disk or the unflushed batch. */
  entryAt(i: number): WitnessEntry {
    if (i >= this.count) {
      const o = (i - this.count) * ENTRY;
      if (o >= this.pendingLen) throw new RangeError(`witness entry ${i} out of range`);
      return decode(this.pending, o);
    }
    if (i >= this.blockFirst && i < this.blockFirst + this.blockCount) return decode(this.block, (i - this.blockFirst) * ENTRY);
    return this.readAt(i);
  }

  private readAt(i: number): WitnessEntry {
    const b = Buffer.allocUnsafe(ENTRY);
    readSync(this.fd, b, 0, ENTRY, i * ENTRY);
    return decode(b, 0);
  }

  /** The entry for `seq`, or null. Entries are in increasing seq order. */
  lookup(seq: number): WitnessEntry | null {
    const pendingN = this.pendingLen / ENTRY;
    if (pendingN > 0 && seq >= this.pending.readDoubleBE(0)) {
      const j = search(this.pending, pendingN, seq);
      return j < 0 ? null : decode(this.pending, j * ENTRY);
    }
    if (this.count === 0) return null;
    if (!this.inBlock(seq)) {
      // Most often the next block has it; else a binary search (a pread per step), then read ahead from there.
      const next = this.blockFirst + this.blockCount;
      if (this.blockCount > 0 && next < this.count) this.loadBlock(next);
      if (!this.inBlock(seq)) this.loadBlock(this.indexAtOrAfter(seq));
      if (!this.inBlock(seq)) return null;
    }
    const j = search(this.block, this.blockCount, seq);
    return j < 0 ? null : decode(this.block, j * ENTRY);
  }

  private inBlock(seq: number): boolean {
    return this.blockCount > 0 && seq >= this.block.readDoubleBE(0) && seq <= this.block.readDoubleBE((this.blockCount - 1) * ENTRY);
  }

  private loadBlock(i: number): void {
    const n = Math.max(0, Math.min(BLOCK, this.count - i));
    this.blockFirst = i;
    this.blockCount = n === 0 ? 0 : Math.floor(readSync(this.fd, this.block, 0, n * ENTRY, i * ENTRY) / ENTRY);
  }

  /** Index of the first committed entry with a seq >= `seq` (binary search on disk). */
  private indexAtOrAfter(seq: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.readAt(mid).seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Would `observe(seq)` append (a seq past every one held)? */
  appends(seq: number): boolean {
    if (!this.past(seq)) return false;
    this.refresh();
    return this.past(seq);
  }

  private past(seq: number): boolean {
    const last = this.lastSeq;
    return last === null || seq > last;
  }

  /**
   * Record a seen record (`sha256` in hex). New seqs beyond the last are
   * appended; a known seq is compared (same / mismatch); a seq inside the
   * known range the witness never saw (it was a gap) is `unknown`; one before
   * the first is `older`.
   */
  observe(seq: number, sha256: string): Observation {
    if (this.appends(seq)) {
      const o = this.pendingLen;
      if (o + ENTRY > this.pending.length) this.pending = Buffer.concat([this.pending, Buffer.allocUnsafe(FLUSH_AT)]); // flushes failed (the lock): keep them
      this.pending.writeDoubleBE(seq, o);
      this.pending.write(sha256, o + 8, 32, 'hex');
      this.pendingLen += ENTRY;
      if (this.pendingLen >= FLUSH_AT) this.flush();
      return 'appended';
    }
    const known = this.lookup(seq);
    if (known) return known.sha256 === sha256 ? 'same' : 'mismatch';
    const first = this.firstSeq;
    return first !== null && seq < first ? 'older' : 'unknown';
  }

  /**
   * Commit the batch: under the lock, take what another writer committed
   * meanwhile, drop the entries it already holds, append the rest and their
   * checkpoint. If the lock cannot be had (its holder is stuck) the batch
   * stays pending for the next flush, and that is logged.
   */
  flush(): void {
    if (this.pendingLen === 0) return;
    // After a lock that stayed busy, one try per flush for a while: a frozen holder must not stall the app every 250 ms.
    const waitMs = Date.now() < this.busyUntil ? 0 : LOCK_WAIT_MS;
    try {
      this.commit(waitMs);
      this.busyUntil = 0;
    } catch (err) {
      if (!isLockBusy(err)) throw err;
      this.busyUntil = Date.now() + 30_000;
      logEvery(`witness-busy:${this.lockPath}`, 60_000, 'warn', 'witness', `${describeForLog(err)} ${this.pendingLen / ENTRY} ${this.stream} entries wait in memory until it is free.`);
    }
  }

  private commit(waitMs: number): void {
    withProcessLock(
      this.lockPath,
      () => {
        this.adoptTail();
        const batch = this.unwitnessed();
        if (batch.length > 0) {
          const count = this.count + batch.length / ENTRY;
          const chain = linkHash(this.lastChain, count, batch);
          writeSync(this.fd, batch, 0, batch.length, this.count * ENTRY);
          const link = Buffer.allocUnsafe(LINK);
          link.writeDoubleBE(count, 0);
          chain.copy(link, 8);
          writeSync(this.chainFd, link);
          this.count = count;
          this.lastChain = chain;
          this.committedLast = batch.readDoubleBE(batch.length - ENTRY);
          this.chainBytes += LINK;
        }
        this.pendingLen = 0;
        this.first = null;
      },
      { waitMs },
    );
  }

  /**
   * The pending entries past the last committed seq. Those at or below it
   * were committed by another writer while this batch was gathered: the same
   * bytes are simply already witnessed; other bytes mean the two processes
   * read different records under one seq (rewritten between their reads), and
   * the first copy stays, which `audit verify` then compares with the log.
   */
  private unwitnessed(): Buffer {
    const all = this.pending.subarray(0, this.pendingLen);
    const last = this.committedLast;
    if (last === null || all.readDoubleBE(0) > last) return all;
    const out = Buffer.allocUnsafe(all.length);
    let kept = 0;
    let unplaced = 0;
    const disk = this.committedFrom(this.indexAtOrAfter(all.readDoubleBE(0)));
    let d = disk.next();
    for (let o = 0; o < all.length; o += ENTRY) {
      const seq = all.readDoubleBE(o);
      if (seq > last) {
        kept += all.copy(out, kept, o, o + ENTRY);
        continue;
      }
      while (!d.done && d.value.readDoubleBE(0) < seq) d = disk.next();
      if (!d.done && d.value.readDoubleBE(0) === seq) {
        if (!d.value.subarray(8, ENTRY).equals(all.subarray(o + 8, o + ENTRY))) {
          log.warn(
            'witness',
            `The ${this.stream} record at seq ${seq} was read with other bytes than another process witnessed for it (${this.path}): it was rewritten on the droplet between the two reads. The first copy is kept; run \`stratam audit verify\` to compare the log with it.`,
          );
        }
      } else unplaced++;
    }
    if (unplaced > 0) {
      log.info(
        'witness',
        `${unplaced} ${this.stream} record(s) below seq ${last} were not witnessed by this process: another process had already witnessed past them, and the witness stays in seq order.`,
      );
    }
    return out.subarray(0, kept);
  }

  /** Committed entries from index i on, one 40-byte view each, read a block at a time. */
  private *committedFrom(i: number): Generator<Buffer> {
    const buf = Buffer.allocUnsafe(ENTRY * BLOCK);
    for (let at = i; at < this.count; at += BLOCK) {
      const n = readSync(this.fd, buf, 0, ENTRY * Math.min(BLOCK, this.count - at), at * ENTRY);
      for (let o = 0; o + ENTRY <= n; o += ENTRY) yield buf.subarray(o, o + ENTRY);
    }
  }

  /** Walk the chain; returns the index of the first entry of the first batch that does not check out, or -1. */
  checkChain(): number {
    this.flush();
    // A consistent view (no writer between its two writes), then walked without the lock: committed bytes never change.
    const { links, entries } = withProcessLock(
      this.lockPath,
      () => {
        this.adoptTail();
        return { links: this.chainBytes / LINK, entries: Math.floor(fstatSync(this.fd).size / ENTRY) };
      },
      { waitMs: LOCK_WAIT_MS },
    );
    let prev: Buffer = ZERO;
    let from = 0;
    const link = Buffer.allocUnsafe(LINK);
    for (let k = 0; k < links; k++) {
      readSync(this.chainFd, link, 0, LINK, k * LINK);
      const count = link.readDoubleBE(0);
      if (!Number.isSafeInteger(count) || count <= from || count > entries) return from;
      const batch = Buffer.allocUnsafe((count - from) * ENTRY);
      readSync(this.fd, batch, 0, batch.length, from * ENTRY);
      const chain = linkHash(prev, count, batch);
      if (!chain.equals(link.subarray(8, 40))) return from;
      prev = chain;
      from = count;
    }
    return from === entries ? -1 : from;
  }

  /** Iterate entries in order with a read buffer (bounded memory). */
  *entries(): Generator<WitnessEntry> {
    this.flush();
    const batch = 4096;
    const buf = Buffer.allocUnsafe(ENTRY * batch);
    for (let i = 0; i < this.count; i += batch) {
      const n = readSync(this.fd, buf, 0, ENTRY * Math.min(batch, this.count - i), i * ENTRY);
      for (let o = 0; o + ENTRY <= n; o += ENTRY) yield decode(buf, o);
    }
  }

  /** Convert a version-1 witness (72-byte entries, chained one by one) after checking its chain. */
  private importV1(path: string): void {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(72 * 4096);
      let prev: Buffer = ZERO;
      let index = 0;
      for (let pos = 0; ;) {
        const n = readSync(fd, buf, 0, buf.length, pos);
        const whole = n - (n % 72);
        if (whole === 0) break;
        for (let o = 0; o < whole; o += 72, index++) {
          const e = buf.subarray(o, o + 72);
          const chain = sha256once('sha256', Buffer.concat([prev, e.subarray(0, 40)]), 'buffer') as Buffer;
          if (!chain.equals(e.subarray(40, 72))) {
            throw new StratamError('failed', `The old witness file ${path} does not check out at entry ${index}: it was edited or damaged, so it was not converted.`, {
              hint: 'Keep the file for inspection, move it aside, and tail again to start a new witness.',
            });
          }
          prev = chain;
          this.observe(e.readDoubleBE(0), e.toString('hex', 8, 40));
        }
        pos += whole;
      }
    } finally {
      closeSync(fd);
    }
    this.flush();
    renameSync(path, `${path}.v1`);
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      this.busyUntil = 0;
      this.flush();
      if (this.pendingLen > 0)
        log.error(
          'witness',
          `${this.pendingLen / ENTRY} ${this.stream} entries (seq ${this.pending.readDoubleBE(0)} to ${this.lastSeq}) were not witnessed: ${this.lockPath} stayed locked. The next tail reads them again and witnesses them.`,
        );
    } finally {
      this.closeFiles();
    }
  }

  private closeFiles(): void {
    closeSync(this.fd);
    closeSync(this.chainFd);
    this.fd = -1;
  }
}

/** Index of `seq` among the first n entries of b, or -1. */
function search(b: Buffer, n: number, seq: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = b.readDoubleBE(mid * ENTRY);
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function decode(b: Buffer, o: number): WitnessEntry {
  return { seq: b.readDoubleBE(o), sha256: b.toString('hex', o + 8, o + 40) };
}
