/**
 * The live audit feed for one droplet: runs ONE remote follower (see
 * follower-script.ts) over one exec channel for every followed file, turns its
 * frames into records and diagnostics, and keeps going across dropped
 * connections by restarting the follower at the exact file identity and byte
 * offset where the last complete line ended. Seq checks on top (seq-check.ts):
 * a hole is a `gap` diagnostic, a record at or below the last delivered seq is
 * dropped as a duplicate when the witness holds the same bytes, and is one
 * `rollback` alert otherwise, after which the feed re-baselines on it. The
 * witness (when a state dir is given) is kept current; a record whose bytes
 * differ from what the witness holds is a `rewritten` alert.
 *
 * Here: the restart loop and the frame dispatch. Per stream: stream-state.ts;
 * backlog frames on worker threads: backlog-offload.ts, with every frame's
 * handling in one ordered queue (ordered-ops.ts), so nothing overtakes; one
 * follower's channel: follower-run.ts; alerts: command-alerts.ts,
 * not-regular-alerts.ts.
 */
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { StratamError } from '../errors.js';
import type { AuditRecord, Diagnostic, StreamName, TruncatedDiagnostic } from './diagnostics.js';
import { BacklogOffload, ScanFailure } from './backlog-offload.js';
import { CommandAlerts } from './command-alerts.js';
import { followerArgv, type StartSpec, type StreamSpec } from './follower-script.js';
import { FrameDecoder, type Frame } from './frame-decoder.js';
import { followerExitError, runFollower, type FollowerEnd } from './follower-run.js';
import type { PreScan } from './line-reader.js';
import { NotRegularAlerts } from './not-regular-alerts.js';
import { OrderedOps } from './ordered-ops.js';
import { PositionReport } from './position-report.js';
import { seqAlertDetail } from './seq-check.js';
import { STREAM_ID, StreamState } from './stream-state.js';
import { WitnessStore, type Observation } from './witness-store.js';
import { MirrorStore } from './mirror/mirror-store.js';
import { abortableDelay } from '../time/abortable-delay.js';
import type { FeedOptions, FeedSummary } from './feed-options.js';

export type { FeedOptions, FeedSummary };

export class AuditFeed {
  readonly summary: FeedSummary = { delivered: 0, malformed: 0, gaps: 0, alerts: 0, duplicatesSkipped: 0, restarts: 0 };
  private readonly streams = new Map<string, StreamState>();
  private caughtUp = false;
  /** Every frame's handling, in arrival order (big ones wait for their scan). */
  private readonly ops = new OrderedOps(
    (e) => this.opFailed(e),
    () => this.backlog.updateFlow(),
  );
  private failure: Error | null = null;
  private readonly backlog: BacklogOffload;
  private readonly commandAlerts: CommandAlerts | null;
  private readonly notRegular = new NotRegularAlerts();
  private readonly positions: PositionReport;
  private fastFailures = 0;
  private rescanRequested: StreamState | null = null;
  private stopFollower: () => void = () => undefined;
  readonly wantsCommands: boolean;

  constructor(
    private readonly droplet: Droplet,
    private readonly opts: FeedOptions,
  ) {
    this.wantsCommands = Boolean(opts.checkCommand);
    this.backlog = new BacklogOffload(this.ops, opts, this.wantsCommands, (f, pre) => this.applyFrame(f, pre));
    this.positions = new PositionReport(opts.onPosition);
    this.commandAlerts = opts.checkCommand ? new CommandAlerts(opts.checkCommand, (d) => this.emitDiag(d)) : null;
    const initial: StartSpec = opts.fromSeq !== undefined ? { kind: 'all' } : (opts.lines ?? 10) > 0 ? { kind: 'last', lines: opts.lines ?? 10 } : { kind: 'end' };
    const add = (name: StreamName, file: string) => {
      // Resuming from a saved point, a stream it has no position for was empty (or absent) then: all of it is new.
      const start: StartSpec = opts.resume && !opts.resume[name] ? { kind: 'all' } : initial;
      const st = new StreamState(name, homeFile(droplet.paths, file), start, this, opts.maxLine, opts.fromSeq);
      if (opts.stateDir) st.witness = WitnessStore.open(opts.stateDir, droplet.identity, name);
      if (opts.stateDir && opts.mirrorCapBytes) st.mirror = MirrorStore.open(opts.stateDir, droplet.identity, name, { capBytes: opts.mirrorCapBytes });
      const saved = opts.resume?.[name];
      if (saved) st.seedFrom(saved);
      this.streams.set(STREAM_ID[name], st);
    };
    add('activity', CONTRACT_FILES.activity);
    if (opts.receipts) add('receipts', CONTRACT_FILES.receipts);
  }

  /** Run until caught up (no --follow), aborted, or the link fails for good. */
  async run(): Promise<FeedSummary> {
    const flushTimer = setInterval(() => this.flushWitness(), 250);
    try {
      await this.loop();
    } finally {
      clearInterval(flushTimer);
      // The last position, unless records before it are still waiting for a scan (they are dropped next).
      this.reportPosition();
      this.ops.clear();
      await this.backlog.close();
      await this.commandAlerts?.settled();
      this.close();
    }
    return this.summary;
  }

  private async loop(): Promise<void> {
    const mode = this.opts.follow ? 'follow' : 'once';
    for (;;) {
      if (this.opts.signal?.aborted) return;
      this.caughtUp = false;
      const specs: StreamSpec[] = [...this.streams.entries()].map(([id, s]) => ({ name: id, path: s.path, start: s.nextStart() }));
      this.rescanRequested = null;
      this.notRegular.followerStarting();
      this.failure = null;
      this.backlog.followerStarting();
      const ac = new AbortController();
      this.stopFollower = () => ac.abort();
      const decoder = new FrameDecoder((f) => this.onFrame(f));
      const end = await runFollower(this.droplet, followerArgv(mode, specs), ac, this.opts.signal, {
        accepting: () => !this.failure && !this.rescanRequested,
        stdout: (c) => {
          try {
            decoder.push(c);
          } catch (err) {
            this.opFailed(err);
          }
        },
        flow: (flow) => this.backlog.setFlow(flow),
      });
      if (!end) return;
      // What the workers still hold is delivered before deciding where the next follower starts.
      await this.ops.drained();
      if (this.opts.signal?.aborted) return;
      const failure = this.failure as Error | null;
      if (failure instanceof ScanFailure) {
        await this.backlog.scanOnMainThread();
        this.summary.restarts++;
        this.emitDiag({ kind: 'connection', state: 'lost', detail: `${failure.message}; resuming at the last complete line, scanning on the main thread.` });
        continue;
      }
      if (failure) throw new StratamError('failed', failure.message);
      // Set from inside the frame callbacks, which TypeScript's narrowing cannot see.
      const st = this.rescanRequested as StreamState | null;
      if (st) {
        this.summary.restarts++;
        this.emitDiag({
          kind: 'connection',
          state: 'resume-mismatch',
          stream: st.name,
          detail: `After resuming, ${st.path} did not continue at seq ${(st.lastSeq ?? 0) + 1}; reading every retained file again and skipping what was delivered.`,
        });
        continue;
      }
      if (end.dropped) {
        await this.dropped(end);
        continue;
      }
      if (mode === 'once' && this.caughtUp) return;
      const exitError = followerExitError(end);
      if (exitError) throw exitError;
      // The channel ended without us asking: the connection dropped. Resume.
      await this.dropped(end);
    }
  }

  private async dropped({ gotData, startedAt }: FollowerEnd): Promise<void> {
    this.summary.restarts++;
    this.fastFailures = !gotData && Date.now() - startedAt < 1000 ? this.fastFailures + 1 : 0;
    if (this.fastFailures > 20) throw new StratamError('connect', 'The audit follower keeps ending right after it starts.', { hint: 'Check the droplet with `stratam doctor`.' });
    this.emitDiag({ kind: 'connection', state: 'lost', detail: 'The follower channel closed; resuming at the last complete line.' });
    this.flushWitness();
    await abortableDelay(this.opts.retryDelayMs ?? 200, this.opts.signal);
  }

  /** The first failure of a frame's handling stops this follower; the loop decides what follows. */
  private opFailed(e: unknown): void {
    if (this.failure) return;
    this.failure = e instanceof Error ? e : new Error(String(e));
    this.ops.clear();
    this.stopFollower();
  }

  private onFrame(f: Frame): void {
    if (f.type === 'caught-up') {
      this.caughtUp = true;
      // After every frame before it has been delivered (big ones wait for their scan).
      const onCaughtUp = this.opts.onCaughtUp;
      if (onCaughtUp) this.ops.add(() => onCaughtUp());
      return;
    }
    if (this.backlog.take(f)) return;
    // Queued behind a scan job, the bytes outlive this callback: keep a copy (the chunk is the transport's).
    const frame = f.type === 'data' && this.ops.waiting ? { ...f, bytes: Buffer.from(f.bytes) } : f;
    this.ops.add(() => this.applyFrame(frame));
  }

  /** Stop reading from the droplet until the returned function is called: the consumer's own backpressure (the CLI holds while its stdout pipe is full). */
  hold(): () => void {
    return this.backlog.hold();
  }

  private applyFrame(f: Frame, pre?: PreScan): void {
    if (f.type === 'caught-up') return;
    const st = this.streams.get(f.stream);
    if (!st) throw new Error(`The droplet follower sent a frame for an unknown stream ${f.stream}.`);
    if (st.rescan) return;
    if (f.type === 'data') {
      st.enterFile(f.inode, f.offset);
      // The raw bytes, bad lines and all, before the reader's records index them (the mirror keeps the file, not the records).
      st.mirror?.bytes(String(f.inode), f.offset, f.bytes);
      return st.reader.push(String(f.inode), f.offset, f.bytes, pre);
    }
    if (f.type === 'not-regular') {
      const alert = this.notRegular.report(st.name, f.index > 0 ? `${st.path}.${f.index}` : st.path, f.fileType, st.lastSeq ?? 0);
      if (alert) this.emitDiag(alert);
      return;
    }
    if (f.type === 'truncated') {
      st.reader.reset(String(f.inode), 0);
      st.mirror?.truncated(String(f.inode));
      this.emitDiag({ kind: 'connection', state: 'file-truncated', stream: st.name, detail: `${st.path} shrank below the read offset; reading it again from the start.` });
      return;
    }
    st.fileGone();
    this.emitDiag({ kind: 'connection', state: 'file-gone', stream: st.name, detail: `The file being read (inode ${f.inode}) is no longer retained; reading every retained file again.` });
  }

  emitDiag(d: Diagnostic): void {
    if (d.kind === 'malformed') this.summary.malformed++;
    else if (d.kind === 'gap') this.summary.gaps++;
    else if (d.kind === 'alert') this.summary.alerts++;
    this.opts.onItem({ type: 'diagnostic', diagnostic: d });
  }

  /**
   * Seq bookkeeping shared by whole and truncated records; false when the item
   * is not to be delivered. `obs` is the witness's view of a seq it already
   * covers ('appended' for a new one, whose entry is written after delivery).
   */
  private admit(st: StreamState, seq: number, obs: Observation | null): boolean {
    if (st.rescan) return false;
    if (!st.resumeContinues(seq)) {
      this.rescanRequested = st;
      this.stopFollower();
      return false;
    }
    if (obs === 'mismatch') {
      this.emitDiag({
        kind: 'alert',
        severity: 'critical',
        reason: 'rewritten',
        stream: st.name,
        at_seq: seq,
        detail: `The ${st.name} record at seq ${seq} differs from the copy the witness holds: it was rewritten on the droplet.`,
      });
    }
    // One finding per anomaly, then the tracker re-baselines (seq-check.ts).
    const step = st.seq.step(seq, obs);
    if (step.duplicate) this.summary.duplicatesSkipped++;
    const f = step.finding;
    if (f?.kind === 'gap') this.emitDiag({ kind: 'gap', stream: st.name, from: f.from, to: f.to, missing: f.missing });
    else if (f) this.emitDiag({ kind: 'alert', severity: 'critical', reason: 'rollback', stream: st.name, at_seq: seq, detail: seqAlertDetail(st.name, f) });
    return step.deliver;
  }

  /**
   * A new record (past what the witness holds) is delivered before it is
   * hashed: on the live tail the hash and the witness entry come right after
   * the consumer has it, off the latency path. A seq the witness already
   * covers is compared first (duplicate, rewritten).
   */
  onRecord(st: StreamState, r: AuditRecord): void {
    if (st.rescan) return;
    const w = st.witness;
    const appends = w?.appends(r.seq) ?? false;
    const deliver = this.admit(st, r.seq, w === null ? null : appends ? 'appended' : w.observe(r.seq, r.sha256));
    if (deliver) {
      this.summary.delivered++;
      this.opts.onItem({ type: 'record', record: r });
    }
    if (st.rescan) return;
    st.noteLine(r.file_id, r.offset, r.bytes.length, r.sha256);
    if (appends) w?.observe(r.seq, r.sha256);
    st.mirror?.record(r.seq, r.file_id, r.offset, r.bytes);
    if (deliver && r.shellCommand !== null) this.commandAlerts?.raise(st.name, r.seq, r.shellCommand);
  }

  onTruncated(st: StreamState, d: TruncatedDiagnostic): void {
    if (st.rescan) return;
    st.noteLine(d.file_id, d.offset, d.length, d.sha256);
    if (d.record_seq !== null && !this.admit(st, d.record_seq, st.witness?.observe(d.record_seq, d.sha256) ?? null)) return;
    this.summary.delivered++;
    this.emitDiag(d);
  }

  private flushWitness(): void {
    for (const s of this.streams.values()) {
      s.witness?.flush();
      s.mirror?.flush();
    }
    const behind = this.mirrorBehind;
    if (behind && !this.saidBehind) this.opts.onMirrorBehind?.();
    this.saidBehind = behind;
    this.reportPosition();
  }

  /** Only while nothing waits for a scan: a position is reported once every record before it was delivered. */
  private reportPosition(): void {
    if (!this.ops.waiting && !this.backlog.gathering) this.positions.report(this.streams.values());
  }

  private close(): void {
    for (const s of this.streams.values()) {
      s.witness?.close();
      s.mirror?.close();
    }
  }

  private saidBehind = false;

  /** A frame the mirror could not place (the feed started past where the mirror ends): a sync (mirror-sync.ts) fills it. */
  get mirrorBehind(): boolean {
    for (const s of this.streams.values()) if (s.mirror?.behind) return true;
    return false;
  }
}
