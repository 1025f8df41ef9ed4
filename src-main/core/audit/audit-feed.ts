/**
 * The live audit feed for one droplet: runs ONE remote follower (see
 * follower-script.ts) over one exec channel for every followed file, turns its
 * frames into records and diagnostics, and keeps going across dropped
 * connections by restarting the follower at the exact file identity and byte
 * offset where the last complete line ended. Seq checks on top (seq-check.ts):
 * a hole is a `gap` diagnostic, a record at or below the last delivered seq is
 * dropped as a duplicate when the witness holds the same bytes, and is one
 * `rollback` alert otherwise, after which the feed re-baselines on it. The
 * witness (when a state dir is given) is kept current;
 * a record whose bytes differ from what the witness holds is a `rewritten`
 * alert.
 *
 * Backlog: a frame as big as the follower's reads (it reads 1 MiB at a time
 * only while catching up) is scanned by a worker thread (scan-pool.ts) while
 * the next ones arrive; every frame then goes through one ordered queue, so
 * nothing overtakes. While more than HIGH_WATER bytes wait for workers the
 * channel is paused, which stops the SSH window and so the droplet's reader:
 * memory stays flat. Small frames (the live tail) are handled inline.
 */
import { describeType } from '../droplet/control-file.js';
import type { Droplet, ExecFlow, FileType } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { StratamError } from '../errors.js';
import type { AuditRecord, Diagnostic, FeedItem, StreamName, TruncatedDiagnostic } from './diagnostics.js';
import { followerArgv, type ResumeAnchor, type StartSpec, type StreamSpec } from './follower-script.js';
import { FrameDecoder, type Frame } from './frame-decoder.js';
import { LineReader, MAX_LINE, scannableRegion, type PreScan } from './line-reader.js';
import { OrderedOps } from './ordered-ops.js';
import { ScanPool, defaultScanWorkers } from './scan-pool.js';
import type { CommandChecker, CommandVerdict } from './second-line.js';
import { SeqTracker, seqAlertDetail } from './seq-check.js';
import { WitnessStore, type Observation } from './witness-store.js';
import { background, reportError } from '../log/logger.js';
import type { FeedPosition, FeedPositions } from './feed-position.js';
import { abortableDelay } from '../time/abortable-delay.js';

export interface FeedOptions {
  /** Keep following after catching up (default: stop once caught up). */
  follow?: boolean;
  /** Deliver records from this seq on (reads every retained file, rotated ones included). */
  fromSeq?: number;
  /** Without fromSeq: start with the last N lines of the current file (default 10; 0 = only new ones). */
  lines?: number;
  /** Start each stream where a saved position says (see feed-position.ts); other streams start as `lines` says. */
  resume?: FeedPositions;
  /** Where each stream has been read to, after the records up to there were delivered (at most every 250 ms). */
  onPosition?(positions: FeedPositions): void;
  /** The follower reached the end of every stream and everything before was delivered (once per follower start). */
  onCaughtUp?(): void;
  /** Merge operator_actions.jsonl in. */
  receipts?: boolean;
  /** Keep the witness in `<stateDir>/audit/...` current. */
  stateDir?: string;
  signal?: AbortSignal;
  onItem(item: FeedItem): void;
  checkCommand?: CommandChecker | null;
  maxLine?: number;
  /** Wait before restarting a follower after a drop (the link's own backoff applies too). */
  retryDelayMs?: number;
  /** Worker threads for backlog frames (default: one per core, at most 4; 0 scans on the main thread). */
  scanWorkers?: number;
  /** Frames from this many bytes on go to the workers (default 256 KiB: only backlog reads are that big). */
  offloadAt?: number;
  /** Close the scan workers after this long without a backlog frame (default 30 s; a new backlog starts them again). */
  scanIdleMs?: number;
}

const OFFLOAD_AT = 256 * 1024;
/** A follow feed lives for days; its workers (an isolate each) only while there is a backlog. */
const SCAN_IDLE_MS = 30_000;
/** Bytes waiting for scan workers before the follower's channel is paused, and the level at which it resumes. */
const HIGH_WATER = 8 << 20;
const LOW_WATER = 2 << 20;
/** Second-line verdicts remembered per feed: a backlog repeats the same few commands a million times. */
const VERDICT_CACHE = 4096;

/** A big frame being gathered from its pieces, for one scan job. */
interface Assembly {
  stream: string;
  inode: number;
  offset: number;
  buf: Buffer;
  filled: number;
}

/** A scan worker failed: the feed resumes at the last delivered line and scans on the main thread. */
class ScanFailure extends Error {}

export interface FeedSummary {
  delivered: number;
  malformed: number;
  gaps: number;
  alerts: number;
  duplicatesSkipped: number;
  restarts: number;
}

const STREAM_ID: Record<StreamName, string> = { activity: 'a', receipts: 'r' };

class StreamState {
  /** The seq checks (seq-check.ts): baseline, re-read skipping, anomalies. */
  readonly seq: SeqTracker;
  get lastSeq(): number | null {
    return this.seq.last;
  }
  get skipThrough(): number | null {
    return this.seq.skipThrough;
  }
  set skipThrough(v: number | null) {
    this.seq.skipThrough = v;
  }
  readonly reader: LineReader;
  witness: WitnessStore | null = null;
  /** The last line read, in the file being read: proves that file's identity on resume (see follower-script.ts). */
  anchor: (ResumeAnchor & { fileId: string }) | null = null;
  /** The follower was restarted at a resume point: the next record must be lastSeq + 1, or the resume is not trusted. */
  verifyResume = false;
  /** The resume landed in the wrong place: ignore this follower's output, restart reading every retained file. */
  rescan = false;
  constructor(
    readonly name: StreamName,
    readonly path: string,
    readonly initial: StartSpec,
    feed: AuditFeed,
    maxLine: number | undefined,
    fromSeq: number | undefined,
  ) {
    this.seq = new SeqTracker(fromSeq);
    this.reader = new LineReader(
      name,
      {
        record: (r) => feed.onRecord(this, r),
        malformed: (d) => void (this.rescan || feed.emitDiag(d)),
        truncated: (d) => feed.onTruncated(this, d),
      },
      { ...(maxLine === undefined ? {} : { maxLine }), commands: feed.wantsCommands },
    );
  }
  /** Resume where a saved position says: the next follower checks its anchor and the seq after it. */
  seedFrom(p: FeedPosition): void {
    this.reader.reset(p.fileId, p.offset);
    this.seq.last = p.lastSeq;
    this.anchor = p.anchor ? { ...p.anchor, fileId: p.fileId } : null;
  }

  position(): FeedPosition | null {
    const p = this.reader.resumePoint;
    if (!p.fileId) return null;
    const a = this.anchor;
    return { fileId: p.fileId, offset: p.offset, anchor: a && a.fileId === p.fileId && a.end <= p.offset ? { start: a.start, end: a.end, sha256: a.sha256 } : null, lastSeq: this.lastSeq };
  }

  /** Where the next follower starts this stream (consumes a pending rescan). */
  nextStart(): StartSpec {
    this.verifyResume = false;
    if (this.rescan) {
      // Re-read every retained file; what was already delivered is skipped by seq, a real hole is a gap.
      this.rescan = false;
      this.skipThrough = this.lastSeq;
      this.reader.reset('', 0);
      this.anchor = null;
      return { kind: 'all' };
    }
    const p = this.reader.resumePoint;
    if (!p.fileId) return this.initial;
    this.verifyResume = true;
    const a = this.anchor;
    const anchor = a && a.fileId === p.fileId && a.end <= p.offset ? { start: a.start, end: a.end, sha256: a.sha256 } : undefined;
    return { kind: 'resume', inode: Number(p.fileId), offset: p.offset, ...(anchor ? { anchor } : {}) };
  }

  /** Keep the anchor on the newest complete line of the file being read. */
  noteLine(fileId: string, start: number, length: number, sha256: string): void {
    this.anchor = { fileId, start, end: start + length, sha256 };
  }
}

export class AuditFeed {
  readonly summary: FeedSummary = { delivered: 0, malformed: 0, gaps: 0, alerts: 0, duplicatesSkipped: 0, restarts: 0 };
  private readonly streams = new Map<string, StreamState>();
  private alertChain: Promise<void> = Promise.resolve();
  private readonly verdicts = new Map<string, CommandVerdict>();
  private caughtUp = false;
  /** Every frame's handling, in arrival order (big ones wait for their scan). */
  private readonly ops = new OrderedOps(
    (e) => this.opFailed(e),
    () => this.updateFlow(),
  );
  private failure: Error | null = null;
  /** undefined: not started yet; null: scanning on the main thread. */
  private pool: ScanPool | null | undefined;
  private assembly: Assembly | null = null;
  private poolIdle: NodeJS.Timeout | null = null;
  private flow: ExecFlow | null = null;
  private paused = false;
  /** Consumers holding the feed (see hold()). */
  private holds = 0;
  readonly wantsCommands: boolean;

  constructor(
    private readonly droplet: Droplet,
    private readonly opts: FeedOptions,
  ) {
    this.wantsCommands = Boolean(opts.checkCommand);
    if ((opts.scanWorkers ?? 1) < 1) this.pool = null;
    const initial: StartSpec = opts.fromSeq !== undefined ? { kind: 'all' } : (opts.lines ?? 10) > 0 ? { kind: 'last', lines: opts.lines ?? 10 } : { kind: 'end' };
    const add = (name: StreamName, file: string) => {
      // Resuming from a saved point, a stream it has no position for was empty (or absent) then: all of it is new.
      const start: StartSpec = opts.resume && !opts.resume[name] ? { kind: 'all' } : initial;
      const st = new StreamState(name, homeFile(droplet.paths, file), start, this, opts.maxLine, opts.fromSeq);
      if (opts.stateDir) st.witness = WitnessStore.open(opts.stateDir, droplet.identity, name);
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
      if (this.poolIdle) clearTimeout(this.poolIdle);
      // The last position, unless records before it are still waiting for a scan (they are dropped next).
      this.reportPosition();
      this.ops.clear();
      await this.pool?.close();
      await this.alertChain;
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
      this.notRegularBefore = this.notRegularNow;
      this.notRegularNow = new Map();
      this.notRegularSeen.clear();
      this.failure = null;
      this.assembly = null;
      this.paused = false;
      const ac = new AbortController();
      this.stopFollower = () => ac.abort();
      const onAbort = () => ac.abort();
      this.opts.signal?.addEventListener('abort', onAbort, { once: true });
      const decoder = new FrameDecoder((f) => this.onFrame(f));
      const stderr: Buffer[] = [];
      let gotData = false;
      const startedAt = Date.now();
      let result;
      let live = true;
      try {
        result = await this.droplet.exec(followerArgv(mode, specs), {
          collect: false,
          signal: ac.signal,
          onStdout: (c) => {
            // A late chunk from a channel we already gave up on must not reach the readers.
            if (this.failure || !live || this.rescanRequested) return;
            gotData = true;
            try {
              decoder.push(c);
            } catch (err) {
              this.opFailed(err);
            }
          },
          onFlow: (flow) => {
            this.flow = flow;
            this.updateFlow();
          },
          onStderr: (c) => {
            if (stderr.length < 16) stderr.push(c);
          },
        });
      } catch (err) {
        // The SSH droplet fails an exec whose connection dropped (ECONNRESET); that is a resume, not an end.
        if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET' || this.opts.signal?.aborted) {
          if (this.opts.signal?.aborted) return;
          throw err;
        }
        result = null;
      } finally {
        live = false;
        ac.abort();
        this.flow = null;
        this.opts.signal?.removeEventListener('abort', onAbort);
      }
      if (this.opts.signal?.aborted) return;
      // What the workers still hold is delivered before deciding where the next follower starts.
      await this.ops.drained();
      if (this.opts.signal?.aborted) return;
      const failure = this.failure as Error | null;
      if (failure instanceof ScanFailure) {
        await this.pool?.close();
        this.pool = null;
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
      if (result === null) {
        await this.dropped(gotData, startedAt);
        continue;
      }
      if (mode === 'once' && this.caughtUp) return;
      const err = Buffer.concat(stderr).toString('utf8').trim();
      if (result.code === 127 || /python3: (command )?not found|No such file/.test(err)) {
        throw new StratamError('failed', 'The audit follower needs python3 on the droplet, and it was not found.', {
          hint: 'Install python3 on the droplet (apt-get install -y python3-minimal).',
        });
      }
      if (result.code !== null && result.code !== 0) {
        throw new StratamError('failed', `The audit follower on the droplet failed (exit ${result.code}): ${err.split('\n').pop() ?? ''}`);
      }
      // The channel ended without us asking: the connection dropped. Resume.
      await this.dropped(gotData, startedAt);
    }
  }

  /** Non-regular log files as this follower reports them, as the previous one left them, and those it has reported (see notRegularFile). */
  private notRegularNow = new Map<string, string>();
  private notRegularBefore = new Map<string, string>();
  private readonly notRegularSeen = new Set<string>();
  private fastFailures = 0;
  private rescanRequested: StreamState | null = null;
  private stopFollower: () => void = () => undefined;

  private async dropped(gotData: boolean, startedAt: number): Promise<void> {
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
    if (f.type === 'data' && f.length >= (this.opts.offloadAt ?? OFFLOAD_AT) && this.scanPool()) return this.gather(f);
    // Queued behind a scan job, the bytes outlive this callback: keep a copy (the chunk is the transport's).
    const frame = f.type === 'data' && this.ops.waiting ? { ...f, bytes: Buffer.from(f.bytes) } : f;
    this.ops.add(() => this.applyFrame(frame));
  }

  private scanPool(): ScanPool | null {
    if (this.pool === undefined) this.pool = ScanPool.start(this.opts.scanWorkers ?? defaultScanWorkers());
    return this.pool;
  }

  /** Collect a big frame's pieces into one buffer, then scan it on a worker. */
  private gather(f: Frame & { type: 'data' }): void {
    let a = this.assembly;
    if (!a) a = this.assembly = { stream: f.stream, inode: f.inode, offset: f.offset, buf: Buffer.allocUnsafeSlow(f.length), filled: 0 };
    f.bytes.copy(a.buf, a.filled);
    a.filled += f.bytes.length;
    if (!f.complete) return;
    this.assembly = null;
    const { stream, inode, offset, buf } = a;
    const apply = (bytes: Buffer, pre?: PreScan) => this.applyFrame({ type: 'data', stream, inode, offset, bytes, length: bytes.length, complete: true }, pre);
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

  /**
   * Stop reading from the droplet until the returned function is called: the
   * consumer's own backpressure (the CLI holds while its stdout pipe is full).
   */
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
  private updateFlow(): void {
    const waiting = this.ops.pendingBytes;
    const pause = this.holds > 0 || waiting > HIGH_WATER || (this.paused && waiting >= LOW_WATER);
    if (!this.flow || pause === this.paused) return;
    this.paused = pause;
    if (pause) this.flow.pause();
    else this.flow.resume();
  }

  private applyFrame(f: Frame, pre?: PreScan): void {
    if (f.type === 'caught-up') return;
    const st = this.streams.get(f.stream);
    if (!st) throw new Error(`The droplet follower sent a frame for an unknown stream ${f.stream}.`);
    if (st.rescan) return;
    if (f.type === 'data') {
      // A new file (or the same inode number reused, read from an earlier offset): the old anchor proves nothing.
      if (st.anchor && (st.anchor.fileId !== String(f.inode) || f.offset < st.anchor.end)) st.anchor = null;
      return st.reader.push(String(f.inode), f.offset, f.bytes, pre);
    }
    if (f.type === 'not-regular') return this.notRegularFile(st, f);
    if (f.type === 'truncated') {
      st.reader.reset(String(f.inode), 0);
      this.emitDiag({ kind: 'connection', state: 'file-truncated', stream: st.name, detail: `${st.path} shrank below the read offset; reading it again from the start.` });
      return;
    }
    // The file we were in is gone from the retained set: re-read what is retained, skip what was delivered.
    st.skipThrough = st.lastSeq;
    st.verifyResume = false;
    st.anchor = null;
    st.reader.reset('', 0);
    this.emitDiag({ kind: 'connection', state: 'file-gone', stream: st.name, detail: `The file being read (inode ${f.inode}) is no longer retained; reading every retained file again.` });
  }

  /**
   * A log file the follower found to be a link, FIFO, ... and did not read:
   * one critical alert per episode. A follower restarted after a drop reports
   * what is still there again; that first report is not a new alert.
   */
  private notRegularFile(st: StreamState, f: Frame & { type: 'not-regular' }): void {
    const path = f.index > 0 ? `${st.path}.${f.index}` : st.path;
    const first = !this.notRegularSeen.has(path);
    this.notRegularSeen.add(path);
    if (f.fileType === 'file' || f.fileType === 'absent') {
      this.notRegularNow.delete(path);
      return;
    }
    this.notRegularNow.set(path, f.fileType);
    if (first && this.notRegularBefore.get(path) === f.fileType) return;
    this.emitDiag({
      kind: 'alert',
      severity: 'critical',
      reason: 'not-regular-file',
      stream: st.name,
      at_seq: st.lastSeq ?? 0,
      path,
      file_type: f.fileType,
      detail: `${path} is ${describeType(f.fileType as FileType)}, not a regular file: it is not read (an audit file is never followed through a link), so records in it are not shown. If it was not you, treat it as tampering and put the real file back.`,
    });
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
    if (st.verifyResume) {
      st.verifyResume = false;
      // An inode can be reused by a new file once rotation deletes the old one; a
      // resume that does not continue the seq is not trusted (a real hole shows up
      // again, as a gap, when every retained file is read).
      if (st.lastSeq !== null && st.skipThrough === null && seq !== st.lastSeq + 1) {
        st.rescan = true;
        this.rescanRequested = st;
        this.stopFollower();
        return false;
      }
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
    const check = this.opts.checkCommand;
    if (deliver && check && r.shellCommand !== null) this.secondLine(st, r.seq, r.shellCommand, check);
  }

  onTruncated(st: StreamState, d: TruncatedDiagnostic): void {
    if (st.rescan) return;
    st.noteLine(d.file_id, d.offset, d.length, d.sha256);
    if (d.record_seq !== null && !this.admit(st, d.record_seq, st.witness?.observe(d.record_seq, d.sha256) ?? null)) return;
    this.summary.delivered++;
    this.emitDiag(d);
  }

  private secondLine(st: StreamState, seq: number, cmd: string, check: CommandChecker): void {
    if (this.verdicts.get(cmd)?.refused === false) return;
    this.alertChain = this.alertChain
      .then(async () => {
        let verdict = this.verdicts.get(cmd);
        if (!verdict) {
          try {
            verdict = await check(cmd);
            if (this.verdicts.size >= VERDICT_CACHE) this.verdicts.delete(this.verdicts.keys().next().value as string);
            this.verdicts.set(cmd, verdict);
          } catch (err) {
            reportError('audit-feed', err, `checking seq ${seq} of ${st.name} against the blocklist (failing closed: it is alerted)`);
            verdict = { refused: true, reason: 'the blocklist could not check it (fail closed)' }; // not remembered: the next one asks again
          }
        }
        if (verdict.refused) {
          this.emitDiag({
            kind: 'alert',
            severity: 'critical',
            reason: 'blocklisted-command-ran',
            stream: st.name,
            at_seq: seq,
            detail: `A ${cmd.length > 200 ? `${cmd.slice(0, 200)}…` : cmd} call ran with ok:true, but the blocklist refuses it (${verdict.reason ?? 'blocked'}).`,
          });
        }
      })
      .catch((err: unknown) => {
        // One alert that could not be raised (a consumer that threw) must not silence every later one: the chain goes on.
        reportError('audit-feed', err, `raising the blocked-command alert for seq ${seq} of ${st.name}`);
      });
  }

  private flushWitness(): void {
    for (const s of this.streams.values()) s.witness?.flush();
    this.reportPosition();
  }

  private reported = '';

  /** Only while nothing waits for a scan: a position is reported once every record before it was delivered. */
  private reportPosition(): void {
    const onPosition = this.opts.onPosition;
    if (!onPosition || this.ops.waiting || this.assembly) return;
    const positions: FeedPositions = {};
    for (const s of this.streams.values()) {
      const p = s.position();
      if (p) positions[s.name] = p;
    }
    const key = JSON.stringify(positions);
    if (key === this.reported) return;
    this.reported = key;
    onPosition(positions);
  }

  private close(): void {
    for (const s of this.streams.values()) s.witness?.close();
  }
}
