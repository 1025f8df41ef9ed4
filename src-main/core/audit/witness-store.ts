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
 * Version 1 (one `<stream>.witness` file of 72-byte entries chained one by
 * one) is converted on first open, after its own chain checks out; the old
 * file is kept beside as `<stream>.witness.v1`.
 */
import { createHash, hash as sha256once } from 'node:crypto';
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DropletIdentity } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import type { StreamName } from './diagnostics.js';

export const ENTRY = 40;
const LINK = 40;
const ZERO = Buffer.alloc(32);
const FLUSH_AT = 64 * 1024;
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
  /** Committed entries (on disk and covered by a checkpoint). */
  private count: number;
  private lastChain: Buffer = ZERO;
  private lastSeqSeen: number | null = null;
  private pending = Buffer.allocUnsafe(FLUSH_AT + ENTRY);
  private pendingLen = 0;
  /**
   * One block of committed entries read ahead for lookups. Known seqs come
   * back in order (a backlog read again, the overlap after a resume), so a
   * re-read of a million witnessed records costs a read per 4 096 entries,
   * not a binary search of preads per record.
   */
  private block = Buffer.allocUnsafe(ENTRY * BLOCK);
  private blockFirst = 0;
  private blockCount = 0;
  private first: number | null = null;

  private constructor(readonly path: string, readonly chainPath: string) {
    this.fd = openSync(path, 'a+', 0o600);
    this.chainFd = openSync(chainPath, 'a+', 0o600);
    let links = fstatSync(this.chainFd).size;
    if (links % LINK !== 0) ftruncateSync(this.chainFd, (links -= links % LINK));
    let committed = 0;
    if (links > 0) {
      const b = Buffer.allocUnsafe(LINK);
      readSync(this.chainFd, b, 0, LINK, links - LINK);
      committed = b.readDoubleBE(0);
      this.lastChain = Buffer.from(b.subarray(8, 40));
    }
    const size = fstatSync(this.fd).size;
    // A checkpoint that is not a count: the chain file was edited. Keep every entry; checkChain reports it.
    if (!Number.isSafeInteger(committed) || committed < 0) committed = Math.floor(size / ENTRY);
    // Past the last checkpoint: uncommitted (or torn); shorter: damaged, which checkChain reports.
    if (size > committed * ENTRY) ftruncateSync(this.fd, committed * ENTRY);
    this.count = Math.min(committed, Math.floor(size / ENTRY));
    if (this.count > 0) this.lastSeqSeen = this.readAt(this.count - 1).seq;
  }

  static open(stateDir: string, id: DropletIdentity, stream: StreamName): WitnessStore {
    const dir = witnessDir(stateDir, id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${stream}.entries`);
    const store = new WitnessStore(path, join(dir, `${stream}.chain`));
    const v1 = join(dir, `${stream}.witness`);
    if (store.size === 0 && existsSync(v1)) {
      try {
        store.importV1(v1);
      } catch (err) {
        store.close();
        throw err;
      }
    }
    return store;
  }

  get size(): number {
    return this.count + this.pendingLen / ENTRY;
  }

  get lastSeq(): number | null {
    return this.lastSeqSeen;
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
    return this.lastSeqSeen === null || seq > this.lastSeqSeen;
  }

  /**
   * Record a seen record (`sha256` in hex). New seqs beyond the last are
   * appended; a known seq is compared (same / mismatch); a seq inside the
   * known range the witness never saw (it was a gap) is `unknown`; one before
   * the first is `older`.
   */
  observe(seq: number, sha256: string): Observation {
    const last = this.lastSeqSeen;
    if (last === null || seq > last) {
      const o = this.pendingLen;
      this.pending.writeDoubleBE(seq, o);
      this.pending.write(sha256, o + 8, 32, 'hex');
      this.pendingLen += ENTRY;
      this.lastSeqSeen = seq;
      if (this.pendingLen >= FLUSH_AT) this.flush();
      return 'appended';
    }
    const known = this.lookup(seq);
    if (known) return known.sha256 === sha256 ? 'same' : 'mismatch';
    const first = this.firstSeq;
    return first !== null && seq < first ? 'older' : 'unknown';
  }

  flush(): void {
    if (this.pendingLen === 0) return;
    const batch = this.pending.subarray(0, this.pendingLen);
    const count = this.count + this.pendingLen / ENTRY;
    const chain = linkHash(this.lastChain, count, batch);
    writeSync(this.fd, batch, 0, batch.length, this.count * ENTRY);
    const link = Buffer.allocUnsafe(LINK);
    link.writeDoubleBE(count, 0);
    chain.copy(link, 8);
    writeSync(this.chainFd, link);
    this.count = count;
    this.lastChain = chain;
    this.pendingLen = 0;
  }

  /** Walk the chain; returns the index of the first entry of the first batch that does not check out, or -1. */
  checkChain(): number {
    this.flush();
    const links = Math.floor(fstatSync(this.chainFd).size / LINK);
    const entries = Math.floor(fstatSync(this.fd).size / ENTRY);
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
      for (let pos = 0; ; ) {
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
    this.flush();
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
