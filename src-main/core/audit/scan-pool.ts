/**
 * Worker threads for the audit backlog. Reading a million records is CPU
 * work the main thread cannot do at network speed: per line a JSON.parse
 * (~1 µs) and a sha256 (~0.6 µs). The feed hands each big follower frame
 * (a whole 1 MiB read, i.e. a backlog) to this pool and delivers the results
 * in order (audit-feed.ts); the live tail's small frames never come here, so
 * they pay no thread hop.
 *
 * A job transfers its buffer to the worker and back, so nothing is copied
 * and the frame's bytes come home as the records' bytes.
 *
 * The worker is its own file: beside this module in the plain build
 * (dist/node), and beside each face's bundle otherwise, which tells the pool
 * where with `offerScanWorker` (a bundler may put this module in any chunk).
 * Where the file is missing the feed simply scans on the main thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScanOptions, ScanResult } from './line-scan.js';

export interface ScanJob {
  buffer: Buffer;
  from: number;
  to: number;
  opts: ScanOptions;
}

export interface ScanReply {
  id: number;
  buffer: ArrayBuffer;
  result?: ScanResult;
  error?: string;
}

interface Slot {
  worker: Worker;
  busy: number;
}

let workerUrl = new URL('./scan-worker.js', import.meta.url);

const present = (url: URL) => url.protocol === 'file:' && existsSync(fileURLToPath(url));

/** A face offers the worker beside its bundle at start-up; taken when the file is there. */
export function offerScanWorker(url: URL): void {
  if (present(url)) workerUrl = url;
}

/** The worker entry, or null when this build has none. */
export function findScanWorker(): URL | null {
  return present(workerUrl) ? workerUrl : null;
}

/** Workers the backlog gets by default: one per core, at most 4 (the main thread and the link need a core too on big machines, not on small ones). */
export const defaultScanWorkers = () => Math.min(4, availableParallelism());

export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { resolve(v: { buffer: Buffer; result: ScanResult }): void; reject(e: Error): void; slot: Slot }>();
  private nextId = 1;
  private failed: Error | null = null;

  private constructor(url: URL, size: number) {
    for (let i = 0; i < size; i++) {
      // A scan's garbage dies young and nothing is kept between jobs: small heaps keep the backlog's footprint flat.
      const worker = new Worker(url, { name: 'stratam-audit-scan', resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 } });
      const slot: Slot = { worker, busy: 0 };
      worker.unref(); // idle workers never keep the process alive; busy ones are ref'd in scan()
      worker.on('message', (m: ScanReply) => this.settle(slot, m));
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => this.fail(new Error(`an audit scan worker exited (code ${code})`)));
      this.slots.push(slot);
    }
  }

  /** A pool of `size` workers, or null when the worker file is not in this build or size < 1. */
  static start(size: number): ScanPool | null {
    const url = size >= 1 ? findScanWorker() : null;
    return url ? new ScanPool(url, size) : null;
  }

  /** Scan `job.buffer[from, to)` on the least busy worker. The buffer is transferred: do not touch it until the promise settles. */
  scan(job: ScanJob): Promise<{ buffer: Buffer; result: ScanResult }> {
    if (this.failed) return Promise.reject(this.failed);
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    if (slot.busy++ === 0) slot.worker.ref();
    // The buffer must own its whole ArrayBuffer: that is what crosses the thread and comes back.
    let buf = job.buffer;
    if (buf.byteOffset !== 0 || buf.length !== buf.buffer.byteLength) {
      const own = Buffer.allocUnsafeSlow(buf.length);
      buf.copy(own);
      buf = own;
    }
    const ab = buf.buffer;
    const done = new Promise<{ buffer: Buffer; result: ScanResult }>((resolve, reject) => this.waiting.set(id, { resolve, reject, slot }));
    slot.worker.postMessage({ id, buffer: ab, from: job.from, to: job.to, opts: job.opts }, [ab as ArrayBuffer]);
    return done;
  }

  private settle(slot: Slot, m: ScanReply): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (--slot.busy === 0) slot.worker.unref();
    if (m.error !== undefined || !m.result) w.reject(new Error(`an audit scan worker failed: ${m.error ?? 'no result'}`));
    else w.resolve({ buffer: Buffer.from(m.buffer), result: m.result });
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.failed ??= new Error('the audit scan pool is closed');
    for (const w of this.waiting.values()) w.reject(this.failed);
    this.waiting.clear();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
