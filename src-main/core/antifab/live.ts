/**
 * Live fabrication scanning for the UI's warnings view and the tray's tier-1
 * notification. Replies and tool calls arrive in any order (two logs, read by
 * two followers); a reply is judged once its turn has "arrived", which is the
 * first of:
 *   1. an inbound (non-assistant) message of a different turn on the same
 *      channel: the agent has moved on, so the earlier turn is complete;
 *   2. a quiet period (`quietMs`, default 5 s) with no record for the turn;
 *   3. `flush()` (the follower reached the end of a history read, or closes).
 * Records of a turn that arrive after it was judged are ignored (the turn
 * stays closed), so a very late call cannot retract a warning already shown;
 * the quiet period is generous to make that rare.
 */
import type { ToolCall } from './backing.js';
import { type ArchiveMessage, type FabricationWarning, scanReply } from './scan.js';

interface PendingTurn {
  channel: string;
  replies: ArchiveMessage[];
  calls: ToolCall[];
  timer: NodeJS.Timeout | null;
}

export interface LiveScannerOptions {
  quietMs?: number;
  /** How many open turns to hold before the oldest is judged early. */
  maxOpenTurns?: number;
  onWarning: (w: FabricationWarning) => void;
}

export class LiveScanner {
  private readonly open = new Map<string, PendingTurn>();
  private readonly closed = new Set<string>();
  private readonly quietMs: number;
  private readonly maxOpen: number;
  private readonly onWarning: (w: FabricationWarning) => void;
  private stopped = false;

  constructor(opts: LiveScannerOptions) {
    this.quietMs = opts.quietMs ?? 5000;
    this.maxOpen = opts.maxOpenTurns ?? 1000;
    this.onWarning = opts.onWarning;
  }

  /** A conversation archive record (decrypted): an inbound message or a reply. */
  message(m: ArchiveMessage): void {
    if (this.stopped) return;
    if (m.role !== 'assistant') {
      for (const [turn, p] of this.open) if (turn !== m.turn && p.channel === m.channel) this.judge(turn);
      return;
    }
    const p = this.pending(m.turn, m.channel);
    if (!p) return;
    p.replies.push(m);
    this.touch(m.turn, p);
  }

  /** An activity record. Calls of the eternal loop (turn null) belong to no reply. */
  call(c: ToolCall): void {
    if (this.stopped || c.turn === null) return;
    const p = this.pending(c.turn, null);
    if (!p) return;
    p.calls.push(c);
    this.touch(c.turn, p);
  }

  /** Judge every open turn now. */
  flush(): void {
    for (const turn of [...this.open.keys()]) this.judge(turn);
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.open.values()) if (p.timer) clearTimeout(p.timer);
    this.open.clear();
  }

  private pending(turn: string, channel: string | null): PendingTurn | null {
    if (this.closed.has(turn)) return null;
    let p = this.open.get(turn);
    if (!p) {
      if (this.open.size >= this.maxOpen) this.judge(this.open.keys().next().value!);
      p = { channel: channel ?? '', replies: [], calls: [], timer: null };
      this.open.set(turn, p);
    } else if (channel !== null && p.channel === '') p.channel = channel;
    return p;
  }

  private touch(turn: string, p: PendingTurn): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(() => this.judge(turn), this.quietMs);
    p.timer.unref?.();
  }

  private judge(turn: string): void {
    const p = this.open.get(turn);
    if (!p) return;
    if (p.timer) clearTimeout(p.timer);
    this.open.delete(turn);
    this.closed.add(turn);
    // Remember closed turns only so far back: a bounded set.
    if (this.closed.size > 10 * this.maxOpen) this.closed.delete(this.closed.values().next().value!);
    for (const r of p.replies) for (const w of scanReply(r, p.calls)) this.onWarning(w);
  }
}
