/**
 * Backlog frames for the audit feed (audit-feed.ts): a frame as big as the
 * follower's reads (it reads 1 MiB at a time only while catching up) is
 * scanned by a worker thread (scan-pool.ts) while the next ones arrive; every
 * frame then goes through the feed's one ordered queue, so nothing overtakes.
 * While more than HIGH_WATER bytes wait for workers the channel is paused,
 * which stops the SSH window and so the droplet's reader: memory stays flat.
 * Small frames (the live tail) never come here; the feed handles them inline.
 */
import type { ExecFlow } from '../droplet/droplet.js';
import type { Frame } from './frame-decoder.js';
import { MAX_LINE, scannableRegion, type PreScan } from './line-reader.js';
import type { OrderedOps } from './ordered-ops.js';
import { ScanPool, defaultScanWorkers } from './scan-pool.js';
import { background } from '../log/logger.js';

export type DataFrame = Frame & { type: 'data' };

export interface OffloadOptions {
  /** Worker threads (default: one per core, at most 4; 0 scans on the main thread). */
  scanWorkers?: number;
  /** Frames from this many bytes on go to the workers. */
  offloadAt?: number;
  /** Close the workers after this long without a backlog frame. */
  scanIdleMs?: number;
  maxLine?: number;
}

const OFFLOAD_AT = 256 * 1024;
/** A follow feed lives for days; its workers (an isolate each) only while there is a backlog. */
const SCAN_IDLE_MS = 30_000;
/** Bytes waiting for scan workers before the follower's channel is paused, and the level at which it resumes. */
const HIGH_WATER = 8 << 20;
const LOW_WATER = 2 << 20;

/** A big frame being gathered from its pieces, for one scan job. */
interface Assembly {
  stream: string;
  inode: number;
  offset: number;
  buf: Buffer;
  filled: number;
}

/** A scan worker failed: the feed resumes at the last delivered line and scans on the main thread. */
export class ScanFailure extends Error {}

export class BacklogOffload {
  /** undefined: not started yet; null: scanning on the main thread. */
  private pool: ScanPool | null | undefined;
  private assembly: Assembly | null = null;
  private poolIdle: NodeJS.Timeout | null = null;
  private flow: ExecFlow | null = null;
  private paused = false;
  /** Consumers holding the feed (see hold()). */
  private holds = 0;

  constructor(
    /** The feed's queue of every frame's handling, in arrival order. */
    private readonly ops: OrderedOps,
    private readonly opts: OffloadOptions,
    private readonly wantsCommands: boolean,
    /** Hand a gathered frame (with the worker's scan, when there was one) to the feed. */
    private readonly apply: (f: DataFrame, pre?: PreScan) => void,
  ) {
    if ((opts.scanWorkers ?? 1) < 1) this.pool = null;
  }

  /** A part of a frame is still being gathered: what comes before it is not all delivered. */
  get gathering(): boolean {
    return this.assembly !== null;
  }

  /** A new follower starts: nothing half gathered, and its channel starts flowing. */
  followerStarting(): void {
    this.assembly = null;
    this.paused = false;
  }

  /** Take a backlog frame (true) to scan on a worker; false: the feed handles it inline. */
  take(f: Frame): boolean {
    if (f.type !== 'data' || f.length < (this.opts.offloadAt ?? OFFLOAD_AT) || !this.scanPool()) return false;
    this.gather(f);
    return true;
  }

  private scanPool(): ScanPool | null {
    if (this.pool === undefined) this.pool = ScanPool.start(this.opts.scanWorkers ?? defaultScanWorkers());
    return this.pool;
  }

  /** Collect a big frame's pieces into one buffer, then scan it on a worker. */
  private gather(f: DataFrame): void {
    let a = this.assembly;
    if (!a) a = this.assembly = { stream: f.stream, inode: f.inode, offset: f.offset, buf: Buffer.allocUnsafeSlow(f.length), filled: 0 };
    f.bytes.copy(a.buf, a.filled);
    a.filled += f.bytes.length;
    if (!f.complete) return;
    this.assembly = null;
    const { stream, inode, offset, buf } = a;
    const apply = (bytes: Buffer, pre?: PreScan) => this.apply({ type: 'data', stream, inode, offset, bytes, length: bytes.length, complete: true }, pre);
    const region = scannableRegion(buf);
    const pool = this.pool;
    if (!region || !pool) return this.ops.add(() => apply(buf));
    const size = buf.length; // the buffer is detached once it crosses to the worker
    const job = pool.scan({ buffer: buf, from: region.from, to: region.to, opts: { maxLine: this.opts.maxLine ?? MAX_LINE, keepValues: false, commands: this.wantsCommands } });
    const scanned = job.catch((e: Error) => {
      throw new ScanFailure(e.message);
    });
    this.ops.addAsync(scanned, size, ({ buffer, result }) => apply(buffer, { ...region, result }));
    this.updateFlow();
    this.armPoolIdle();
  }

  /** (Re)start the countdown after which idle scan workers are closed. */
  private armPoolIdle(): void {
    if (this.poolIdle) clearTimeout(this.poolIdle);
    this.poolIdle = setTimeout(() => {
      this.poolIdle = null;
      if (this.ops.waiting) return this.armPoolIdle();
      const pool = this.pool;
      if (!pool) return;
      this.pool = undefined; // the next backlog frame starts a new pool
      background(pool.close(), 'audit-feed', 'closing idle scan workers');
    }, this.opts.scanIdleMs ?? SCAN_IDLE_MS);
    this.poolIdle.unref();
  }

  /** A worker failed (ScanFailure): close the pool and scan on the main thread from now on. */
  async scanOnMainThread(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
  }

  /** The feed ends. */
  async close(): Promise<void> {
    if (this.poolIdle) clearTimeout(this.poolIdle);
    await this.pool?.close();
  }

  /** The follower's channel (null once it ended): paused and resumed as updateFlow says. */
  setFlow(flow: ExecFlow | null): void {
    this.flow = flow;
    if (flow) this.updateFlow();
  }

  /** See AuditFeed.hold(). */
  hold(): () => void {
    this.holds++;
    this.updateFlow();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.holds--;
      this.updateFlow();
    };
  }

  /** Pause the follower's channel while held or while too much waits for the workers; resume once they caught up. */
  updateFlow(): void {
    const waiting = this.ops.pendingBytes;
    const pause = this.holds > 0 || waiting > HIGH_WATER || (this.paused && waiting >= LOW_WATER);
    if (!this.flow || pause === this.paused) return;
    this.paused = pause;
    if (pause) this.flow.pause();
    else this.flow.resume();
  }
}
