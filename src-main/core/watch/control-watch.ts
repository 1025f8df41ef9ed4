/**
 * The control-plane watch of one droplet: the droplet-side watcher says which
 * entry changed, this re-reads it, compares it with the last observation, and
 * asks the tamper rules whether an operator receipt explains each change.
 * An unexplained change is a `tampered` event (and a receipt of the
 * detection); with hold-pause on, a droplet the operator paused that stops
 * reading as paused is put back within the same second.
 *
 * Timing: a change made by the app's own atomic write arrives as a rename
 * from `.NAME.stratam-*.tmp`, and its receipt is appended a few milliseconds
 * later; such a change waits up to `graceMs` for its receipt. Any other
 * change (sed -i, an append, a link) is judged at once.
 *
 * Everything runs in one queue, so observations and reverts never interleave,
 * and one watcher process runs on the droplet at a time; after a dropped
 * connection it is started again and every entry is compared with what was
 * seen before the drop, so a change made during the gap is still caught.
 */
import type { SwitchReading } from '../controls/switch-state.js';
import { controlPlane, type ControlEntry, type ControlPlane } from '../droplet/control-plane.js';
import type { Droplet } from '../droplet/droplet.js';
import { basenameOf } from '../droplet/paths.js';
import { describeError } from '../errors.js';
import type { EnvSnapshot } from '../flags/env-editor.js';
import { appendReceipt } from '../receipts/receipts.js';
import { PauseHold } from './hold-pause.js';
import { observe } from './observe.js';
import { ReceiptTail } from './receipt-tail.js';
import { describeChange, diffObserved, explain, type Change, type Observed, type ReceiptLite } from './tamper-rules.js';
import { changeFields, iso, watchEvent, type WatchEvent } from './watch-event.js';
import { runWatcherProcess } from './watcher-process.js';
import type { RemoteStat } from './watcher-script.js';

export type { WatchEvent } from './watch-event.js';

export interface ControlWatchOptions {
  /** Recorded as `via` in receipts. */
  via: string;
  /** Put a paused droplet back when it stops reading as paused with no resume receipt. */
  hold: boolean;
  onEvent(e: WatchEvent): void;
  /** Every fresh reading of the switch (the console shows a flag change at once). */
  onReading?(reading: SwitchReading): void;
  /** Hold-pause started or stopped holding (after the event and reading that led to it, which may come first). */
  onHolding?(holding: boolean): void;
  /** How long the app's own writes wait for their receipt (default 1 s). */
  graceMs?: number;
  /** Write a `tamper_detected` receipt for each detection (default true). */
  receipts?: boolean;
  now?: () => number;
}

interface Seen {
  observed: Observed;
  /** The .env snapshot behind an env observation: the copy hold-pause restores. */
  env: EnvSnapshot | null;
  /** For .env: the switch as read. */
  reading: SwitchReading | null;
  /** ReceiptTail.count when this was observed: only later receipts explain a change from it. */
  receiptCount: number;
}

interface Pending {
  change: Change;
  seenAt: number;
  deadline: number;
  receiptCount: number;
}

const OWN_TEMP = /\.stratam-[0-9a-f]+\.tmp$/;

export class ControlWatch {
  readonly plane: ControlPlane;
  private readonly entries: Map<string, ControlEntry>;
  private readonly seen = new Map<string, Seen>();
  private readonly stats = new Map<string, RemoteStat | null>();
  private readonly tail: ReceiptTail;
  private pending: Pending[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly ac = new AbortController();
  private readyOnce: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  private pendingTimer: NodeJS.Timeout | null = null;
  private readonly hold: PauseHold;
  private readonly now: () => number;
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(
    private readonly droplet: Droplet,
    private readonly opts: ControlWatchOptions,
  ) {
    this.plane = controlPlane(droplet.paths, droplet.home);
    this.entries = new Map(this.plane.entries.map((e) => [e.id, e]));
    this.tail = new ReceiptTail(droplet);
    this.hold = new PauseHold(opts.hold);
    this.now = opts.now ?? Date.now;
    this.done = new Promise((r) => (this.finish = r));
  }

  /** Hold-pause is acting now: it is on, and the droplet was last paused by someone with a receipt. */
  get holding(): boolean {
    return this.hold.holding;
  }

  /** Turning hold on while the droplet was flipped away from the operator's pause puts the pause back now. */
  setHold(on: boolean): void {
    this.hold.enabled = on;
    if (on && this.readyOnce === null && !this.ac.signal.aborted) this.enqueue(() => this.maybeRevert(this.now()));
  }

  /** Resolves once the droplet-side watcher is in place and every entry was observed once. */
  start(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => (this.readyOnce = { resolve, reject }));
    this.loop().then(this.finish, (err) => {
      this.emitEvent({ kind: 'error', detail: `The control-plane watch stopped: ${describeError(err)}` });
      this.finish();
    });
    return ready;
  }

  stop(): void {
    this.ac.abort();
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
  }

  private loop(): Promise<void> {
    return runWatcherProcess(this.droplet, this.plane.entries, this.ac.signal, {
      onLine: (msg, run) => {
        if (msg.t === 'ready') this.enqueue(() => this.onReady(msg.st, msg.inotify, run));
        else if (msg.t === 'change') {
          const seenAt = this.now();
          this.enqueue(async () => {
            for (const [id, s] of Object.entries(msg.st)) this.stats.set(id, s);
            for (const [id, via] of Object.entries(msg.hits)) await this.onChange(id, msg.st[id] ?? null, via, seenAt);
          });
        }
      },
      onTrouble: (detail) => this.emitEvent({ kind: 'error', detail }),
      starting: () => this.readyOnce !== null,
      onStartFailed: (err) => {
        this.readyOnce?.reject(err);
        this.readyOnce = null;
      },
    });
  }

  private enqueue(op: () => Promise<void>): void {
    this.chain = this.chain.then(op).catch((err: unknown) => {
      if (this.ac.signal.aborted) return;
      const e = this.readyOnce;
      if (e) {
        this.readyOnce = null;
        e.reject(err);
        this.stop();
        return;
      }
      this.emitEvent({ kind: 'error', detail: `The control-plane watch could not read a change: ${describeError(err)}` });
    });
  }

  /** First start: the baseline. After a restart: every entry compared with what was seen before the gap. */
  private async onReady(st: Record<string, RemoteStat | null>, inotify: boolean, run: number): Promise<void> {
    const first = this.seen.size === 0;
    const receipts = st.receipts ?? null;
    if (receipts?.type === 'file') {
      // First start: receipts already written explain nothing new. After a gap: read what was appended meanwhile.
      if (first) this.tail.skipToEnd(receipts.size);
      else await this.tail.refresh(receipts.size);
    }
    for (const e of this.plane.entries) {
      const s = st[e.id] ?? null;
      if (first) {
        const o = await observe(this.droplet, e, s);
        this.stats.set(e.id, s);
        this.seen.set(e.id, { ...o, receiptCount: this.tail.count });
        // What is there at the start is what the operator left: hold-pause holds it if it is paused.
        if (e.id === 'env') this.noteLegit();
      } else {
        await this.onChange(e.id, s, null, this.now(), true);
      }
    }
    const envReading = this.seen.get('env')?.reading;
    if (envReading) this.opts.onReading?.(envReading);
    this.emitEvent({
      kind: 'watching',
      detail: `Watching ${this.plane.entries.length} control-plane paths on ${this.droplet.identity.host}${inotify ? '' : ' (polling: inotify is unavailable)'}${run > 1 ? ' again' : ''}; hold-pause ${this.holding ? 'holding the pause' : this.hold.enabled ? 'on (acts once paused)' : 'off'}.`,
    });
    this.readyOnce?.resolve();
    this.readyOnce = null;
  }

  /** The current .env observation is legitimate (found at the start, or receipted): it is what hold-pause holds. */
  private noteLegit(): void {
    const env = this.seen.get('env');
    if (!env) return;
    const was = this.hold.holding;
    this.hold.adopt(env.reading, env.env);
    // Adopting happens after the change's event and reading went out: say so, or a face keeps the old value.
    if (this.hold.holding !== was) this.opts.onHolding?.(this.hold.holding);
  }

  private async onChange(id: string, st: RemoteStat | null, via: string | null, seenAt: number, afterGap = false): Promise<void> {
    const e = this.entries.get(id);
    const before = this.seen.get(id);
    if (!e || !before) return;
    this.stats.set(id, st);
    if (id === 'receipts' && st?.type === 'file') await this.tail.refresh(st.size);
    const o = await observe(this.droplet, e, st);
    const changes = diffObserved(e, before.observed, o.observed);
    // A receipt written right after the change may already be there.
    const rs = this.stats.get('receipts');
    if (changes.length && rs?.type === 'file' && id !== 'receipts') await this.tail.refresh(rs.size);
    this.seen.set(id, { ...o, receiptCount: this.tail.count });
    if (o.reading) this.opts.onReading?.(o.reading);
    // After a gap the write may be the app's own, made as the link came back (a pause queued while it was down,
    // session/queued-pause.ts), its receipt not appended yet: it gets the same grace as a write seen by its temp file.
    const own = afterGap || (via !== null && OWN_TEMP.test(via) && via.startsWith(`.${basenameOf(e.path)}.`));
    let tampered = false;
    const rotated = this.rotated(e, before.observed);
    for (const c of changes) {
      const ex = explain(c, this.tail.since(before.receiptCount), { breakerTripped: this.breakerTripped(), rotated });
      if (ex) this.explained(c, ex, seenAt);
      else if (own) this.pending.push({ change: c, seenAt, deadline: seenAt + (this.opts.graceMs ?? 1000), receiptCount: before.receiptCount });
      else {
        tampered = true;
        await this.tampered(c, seenAt, via);
      }
    }
    if (id === 'env') {
      // Only a change every part of which a receipt explains becomes what hold-pause holds; a tampered
      // state, or one still waiting for its receipt, never does (nor does a re-read that changed nothing).
      const waiting = changes.some((c) => this.pending.some((p) => p.change === c));
      if (changes.length > 0 && !tampered && !waiting) this.noteLegit();
      if (tampered) await this.maybeRevert(seenAt);
    }
    if (id === 'receipts') await this.settlePending();
    this.schedulePending();
  }

  /** An audit file gone because the agent rotated it: its inode is now at the next name (or it was the oldest kept). */
  private rotated(e: ControlEntry, before: Observed): boolean {
    if (e.role !== 'audit' || before.kind !== 'append') return false;
    const n = e.id === 'activity' ? 0 : Number(e.id.slice('activity.'.length));
    const next = this.stats.get(`activity.${n + 1}`);
    return next === undefined ? true : next?.ino === before.ino;
  }

  private breakerTripped(): boolean {
    const b = this.seen.get('breaker')?.observed;
    return b?.kind === 'breaker' && b.record?.state === 'tripped';
  }

  private explained(c: Change, ex: ReceiptLite | 'allowed', at: number): void {
    this.emitEvent({
      ...changeFields(c),
      kind: 'changed',
      at: iso(at),
      detail: `${describeChange(c)} (${ex === 'allowed' ? 'allowed by the contract' : `receipt ${ex.seq}: ${ex.tool}`})`,
      receipt: ex === 'allowed' ? 'allowed' : ex.seq,
    });
  }

  private async tampered(c: Change, at: number, via: string | null): Promise<void> {
    const willRevert = c.file === 'env' && this.holding;
    this.emitEvent({ ...changeFields(c), kind: 'tampered', at: iso(at), detail: `${describeChange(c)}, and no operator receipt explains it`, reverted: willRevert ? false : null });
    if (this.opts.receipts === false) return;
    try {
      await appendReceipt(this.droplet, {
        tool: 'tamper_detected',
        args: { ...changeFields(c), via: this.opts.via, renamedFrom: via },
        ok: true,
        result: { holdPause: willRevert },
        elapsedMs: this.now() - at,
      });
    } catch (err) {
      this.emitEvent({ kind: 'error', detail: `The detection could not be receipted: ${describeError(err)}` });
    }
  }

  /** Pending own-looking changes: explained once their receipt lands, tampering when the grace ends first. */
  private async settlePending(): Promise<void> {
    const now = this.now();
    const keep: Pending[] = [];
    let envTampered = 0;
    let envExplained = false;
    for (const p of this.pending) {
      const ex = explain(p.change, this.tail.since(p.receiptCount), { breakerTripped: this.breakerTripped(), rotated: false });
      if (ex) {
        this.explained(p.change, ex, p.seenAt);
        if (p.change.file === 'env') envExplained = true;
      } else if (now >= p.deadline) {
        await this.tampered(p.change, p.seenAt, null);
        if (p.change.file === 'env') envTampered = envTampered || p.seenAt;
      } else keep.push(p);
    }
    this.pending = keep;
    if (envExplained && !keep.some((p) => p.change.file === 'env') && !envTampered) this.noteLegit();
    if (envTampered) await this.maybeRevert(envTampered);
  }

  private schedulePending(): void {
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
    if (this.pending.length === 0 || this.ac.signal.aborted) return;
    const wait = Math.max(0, Math.min(...this.pending.map((p) => p.deadline)) - this.now());
    this.pendingTimer = setTimeout(
      () =>
        this.enqueue(async () => {
          const rs = this.stats.get('receipts');
          if (rs?.type === 'file') {
            // The receipt may have landed without a change event reaching us yet.
            const fresh = await this.droplet.lstat(this.entries.get('receipts')!.path);
            if (fresh?.type === 'file') await this.tail.refresh(fresh.size);
          }
          await this.settlePending();
          this.schedulePending();
        }),
      wait + 5,
    );
  }

  /** Hold-pause: the droplet was paused with a receipt and no longer reads as paused without one. */
  private async maybeRevert(seenAt: number): Promise<void> {
    const out = await this.hold.restore(this.droplet, this.opts.via, this.seen.get('env')?.reading ?? null);
    if (!out) return;
    const latencyMs = this.now() - seenAt;
    const path = this.droplet.paths.envFile;
    if (!out.ok) {
      this.emitEvent({ kind: 'revert-failed', file: 'env', path, detail: `Hold-pause could not put the droplet back to paused: ${out.error}`, reverted: false, latencyMs });
      return;
    }
    // Found paused again when it came to act (flipped back meanwhile): nothing was put back.
    if (out.how === 'already') return;
    // Observed now, so the watcher's report of our own rename compares equal and raises nothing.
    const o = await this.observeNow('env');
    this.seen.set('env', { ...o, receiptCount: this.tail.count });
    this.noteLegit();
    if (o.reading) this.opts.onReading?.(o.reading);
    if (out.receiptError) this.emitEvent({ kind: 'error', file: 'env', detail: `The revert landed but its receipt did not: ${out.receiptError}` });
    const how = out.how === 'restored' ? '(restored the last paused file)' : '(paused it again)';
    this.emitEvent({ kind: 'reverted', file: 'env', path, detail: `Hold-pause put ${path} back to paused ${how} in ${latencyMs} ms.`, reverted: true, latencyMs });
  }

  /** Observe an entry from here (an lstat over the link) rather than from a watcher report. */
  private async observeNow(id: string) {
    const e = this.entries.get(id)!;
    const st = await this.droplet.lstat(e.path);
    return observe(this.droplet, e, st ? { type: st.type, ino: 0, size: st.size, mtime: st.mtimeMs, mode: st.mode } : null);
  }

  private emitEvent(e: Partial<WatchEvent> & Pick<WatchEvent, 'kind' | 'detail'>): void {
    this.opts.onEvent(watchEvent(e, this.now()));
  }
}
