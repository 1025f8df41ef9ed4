/**
 * The off-box witness: for every record the app has seen, a local, append-only,
 * hash-chained entry (seq, sha256 of the line's exact bytes, chain hash), one
 * file per droplet and stream under `<stateDir>/audit/<droplet key>/`.
 *
 * Entries are fixed-width binary (72 bytes: seq as float64 BE, line hash,
 * chain hash = sha256(previous chain hash ‖ seq ‖ line hash)), in increasing
 * seq order. Fixed width makes lookup by seq a binary search with pread, so
 * memory stays flat for any number of records; the chain makes an edit of
 * the witness file itself detectable (`checkChain`).
 *
 * Appends are batched (flushed at 64 KiB, on `flush()` and on close) so the
 * backlog ingest is not one write per record. A torn tail entry left by a
 * crash is cut off on open.
 */
import { createHash, hash as sha256once } from 'node:crypto';
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DropletIdentity } from '../droplet/droplet.js';
import type { StreamName } from './diagnostics.js';

export const ENTRY = 72;
const ZERO = Buffer.alloc(32);
const FLUSH_AT = 64 * 1024;

export interface WitnessEntry {
  seq: number;
  hash: Buffer;
  chain: Buffer;
}

/** A file-name-safe key for one droplet: host, port and host key (or a local marker). */
export function dropletKey(id: DropletIdentity): string {
  const hk = id.hostKey ? createHash('sha256').update(id.hostKey).digest('hex').slice(0, 16) : 'local';
  return `${id.host}_${id.port}_${hk}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function witnessDir(stateDir: string, id: DropletIdentity): string {
  return join(stateDir, 'audit', dropletKey(id));
}

// One scratch buffer and a one-shot hash: about half the cost of createHash().update()x3 per record.
const scratch = Buffer.alloc(72);

export function chainHash(prev: Buffer, seq: number, hash: Buffer): Buffer {
  prev.copy(scratch, 0, 0, 32);
  scratch.writeDoubleBE(seq, 32);
  hash.copy(scratch, 40, 0, 32);
  return sha256once('sha256', scratch, 'buffer');
}

export type Observation = 'appended' | 'same' | 'mismatch' | 'older' | 'unknown';

export class WitnessStore {
  private fd: number;
  private count: number;
  private last: WitnessEntry | null = null;
  private pending: Buffer[] = [];
  private pendingLen = 0;

  private constructor(readonly path: string) {
    this.fd = openSync(path, 'a+', 0o600);
    let size = fstatSync(this.fd).size;
    if (size % ENTRY !== 0) {
      size -= size % ENTRY;
      ftruncateSync(this.fd, size);
    }
    this.count = size / ENTRY;
    if (this.count > 0) this.last = this.readAt(this.count - 1);
  }

  static open(stateDir: string, id: DropletIdentity, stream: StreamName): WitnessStore {
    const dir = witnessDir(stateDir, id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new WitnessStore(join(dir, `${stream}.witness`));
  }

  get size(): number {
    return this.count + this.pending.length;
  }

  get lastSeq(): number | null {
    return this.last?.seq ?? null;
  }

  get firstSeq(): number | null {
    return this.size === 0 ? null : this.entryAt(0).seq;
  }

  /** Entry i (0-based), from disk or the unflushed batch. */
  entryAt(i: number): WitnessEntry {
    if (i >= this.count) {
      const b = this.pending[i - this.count];
      if (!b) throw new RangeError(`witness entry ${i} out of range`);
      return decode(b);
    }
    return this.readAt(i);
  }

  private readAt(i: number): WitnessEntry {
    const b = Buffer.allocUnsafe(ENTRY);
    readSync(this.fd, b, 0, ENTRY, i * ENTRY);
    return decode(b);
  }

  /** The entry for `seq`, or null. Binary search: entries are in increasing seq order. */
  lookup(seq: number): WitnessEntry | null {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.entryAt(mid);
      if (e.seq === seq) return e;
      if (e.seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  /**
   * Record a seen record. New seqs beyond the last are appended; a known seq
   * is compared (same / mismatch); a seq inside the known range the witness
   * never saw (it was a gap) is `unknown`; one before the first is `older`.
   */
  observe(seq: number, hash: Buffer): Observation {
    const last = this.last;
    if (!last || seq > last.seq) {
      const chain = chainHash(last?.chain ?? ZERO, seq, hash);
      const b = Buffer.allocUnsafe(ENTRY);
      b.writeDoubleBE(seq, 0);
      hash.copy(b, 8);
      chain.copy(b, 40);
      this.pending.push(b);
      this.pendingLen += ENTRY;
      this.last = { seq, hash, chain };
      if (this.pendingLen >= FLUSH_AT) this.flush();
      return 'appended';
    }
    const known = this.lookup(seq);
    if (known) return known.hash.equals(hash) ? 'same' : 'mismatch';
    const first = this.firstSeq;
    return first !== null && seq < first ? 'older' : 'unknown';
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const b = Buffer.concat(this.pending, this.pendingLen);
    writeSync(this.fd, b, 0, b.length);
    this.count += this.pending.length;
    this.pending = [];
    this.pendingLen = 0;
  }

  /** Walk the chain; returns the index of the first entry whose chain hash is wrong, or -1. */
  checkChain(): number {
    let prev: Buffer = ZERO;
    for (let i = 0; i < this.size; i++) {
      const e = this.entryAt(i);
      if (!chainHash(prev, e.seq, e.hash).equals(e.chain)) return i;
      prev = e.chain;
    }
    return -1;
  }

  /** Iterate entries in order with a read buffer (bounded memory). */
  *entries(): Generator<WitnessEntry> {
    this.flush();
    const batch = 4096;
    const buf = Buffer.allocUnsafe(ENTRY * batch);
    for (let i = 0; i < this.count; i += batch) {
      const n = readSync(this.fd, buf, 0, ENTRY * Math.min(batch, this.count - i), i * ENTRY);
      for (let o = 0; o + ENTRY <= n; o += ENTRY) yield decode(Buffer.from(buf.subarray(o, o + ENTRY)));
    }
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

function decode(b: Buffer): WitnessEntry {
  return { seq: b.readDoubleBE(0), hash: b.subarray(8, 40), chain: b.subarray(40, 72) };
}
