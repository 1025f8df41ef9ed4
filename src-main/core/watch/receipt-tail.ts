/**
 * The operator receipts the watch has seen since it started, read
 * incrementally from operator_actions.jsonl: a change to the control plane is
 * explained only by a receipt appended after the entry was last observed.
 */
import { readToEnd, withRegularFile } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { receiptsPath } from '../receipts/receipts.js';
import type { ReceiptLite } from './tamper-rules.js';

/** Receipts kept for explaining: far more than the actions of one grace period. */
const KEEP = 1000;

export class ReceiptTail {
  private offset = 0;
  private partial = Buffer.alloc(0);
  private list: ReceiptLite[] = [];
  /** Receipts read so far, including ones since dropped from `list`. */
  private total = 0;

  constructor(private readonly droplet: Droplet) {}

  /** Start at the current end: receipts written before the watch began explain nothing new. */
  skipToEnd(size: number): void {
    this.offset = size;
    this.partial = Buffer.alloc(0);
  }

  get count(): number {
    return this.total;
  }

  /** Receipts read after the first `count` (as returned by `count` earlier). */
  since(count: number): ReceiptLite[] {
    const dropped = this.total - this.list.length;
    return this.list.slice(Math.max(0, count - dropped));
  }

  /**
   * Read what was appended; `size` is the file's size per the droplet's lstat (a shrink restarts at 0).
   * Through the link-refusing reader: a receipts file swapped for a link or FIFO is refused, never read.
   */
  async refresh(size: number): Promise<void> {
    if (size < this.offset) {
      this.offset = 0;
      this.partial = Buffer.alloc(0);
    }
    if (size === this.offset) return;
    const bytes = await withRegularFile(this.droplet, receiptsPath(this.droplet), async (f) => (f ? readToEnd(f, this.offset) : Buffer.alloc(0)));
    this.offset += bytes.length;
    const buf = this.partial.length ? Buffer.concat([this.partial, bytes]) : bytes;
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
      this.add(buf.subarray(start, nl));
      start = nl + 1;
    }
    this.partial = Buffer.from(buf.subarray(start));
  }

  private add(line: Buffer): void {
    let v: unknown;
    try {
      v = JSON.parse(line.toString('utf8'));
    } catch {
      return; // not a receipt: explains nothing (the audit feed reports malformed lines)
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.tool !== 'string' || typeof o.seq !== 'number') return;
    const args = o.args && typeof o.args === 'object' ? (o.args as Record<string, unknown>) : {};
    this.list.push({ seq: o.seq, tool: o.tool, ok: o.ok === true, args });
    this.total++;
    if (this.list.length > KEEP) this.list.shift();
  }
}
