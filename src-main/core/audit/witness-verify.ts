/**
 * `stratam audit verify`: re-read every retained log on the droplet (rotated
 * ones included, oldest first, through the same follower in `once` mode) and
 * compare it with the local witness, in one pass and bounded memory (a
 * merge-join of two seq-ordered streams).
 *
 * Findings per stream:
 * - rewritten: the witness knows seq N and the log's line N hashes differently;
 * - deleted: a witnessed seq is missing while later ones exist (also before
 *   the first retained record when the rotation set is not full, since then
 *   nothing can have aged out);
 * - truncated: witnessed seqs missing at the end, with nothing after them;
 * - rollback: a log line whose seq is not above the line before it, once per
 *   anomaly: after a jump back the lines are judged against the line that
 *   jumped (seq-check.ts), so one bogus 999999 is one entry, not one per
 *   later line.
 * Witnessed seqs older than the oldest retained record, with all five
 * rotations present, aged out normally and are only counted.
 *
 * A retained file that is a link, FIFO, ... is never read (the follower
 * opens with O_NOFOLLOW); verify then refuses (exit 3) naming it, rather than
 * report the records it should hold as deleted.
 */
import { notRegularError } from '../droplet/control-file.js';
import type { Droplet, FileType } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { StratamError } from '../errors.js';
import type { StreamName } from './diagnostics.js';
import { followerArgv, ROTATIONS, type StreamSpec } from './follower-script.js';
import { FrameDecoder } from './frame-decoder.js';
import { LineReader } from './line-reader.js';
import { SeqTracker } from './seq-check.js';
import { WitnessStore, dropletKey, type WitnessEntry } from './witness-store.js';

const LIST_CAP = 10_000;

export interface StreamReport {
  witnessed: number;
  witness_chain_ok: boolean;
  read: number;
  malformed: number;
  rewritten: number[];
  deleted: number[];
  truncated: number[];
  rollback: Array<{ seq: number; after: number }>;
  aged_out: number;
  /** True when a list above hit its cap (10 000 values). */
  lists_capped: boolean;
}

export interface VerifyReport {
  ok: boolean;
  droplet: string;
  streams: Partial<Record<StreamName, StreamReport>>;
}

class Comparer {
  readonly report: StreamReport;
  private it: Generator<WitnessEntry>;
  private cur: WitnessEntry | null;
  private readonly seq = new SeqTracker();
  /** The highest seq merged with the witness so far: the witness cursor is past it. */
  private merged: number | null = null;
  private firstSeq: number | null = null;

  constructor(
    witness: WitnessStore,
    private readonly rotationFull: boolean,
  ) {
    this.report = {
      witnessed: witness.size,
      witness_chain_ok: witness.checkChain() === -1,
      read: 0,
      malformed: 0,
      rewritten: [],
      deleted: [],
      truncated: [],
      rollback: [],
      aged_out: 0,
      lists_capped: false,
    };
    this.it = witness.entries();
    this.cur = this.next();
  }

  private next(): WitnessEntry | null {
    const n = this.it.next();
    return n.done ? null : n.value;
  }

  private push<T>(list: T[], v: T): void {
    if (list.length < LIST_CAP) list.push(v);
    else this.report.lists_capped = true;
  }

  line(seq: number, sha256: string): void {
    this.report.read++;
    const f = this.seq.step(seq).finding;
    if (f?.kind === 'rollback' || f?.kind === 'repeat') {
      // Out of order: the merge with the witness (in seq order) cannot place it.
      this.push(this.report.rollback, { seq, after: f.kind === 'rollback' ? f.from : f.seq });
      return;
    }
    // After a jump back, lines below the highest merged seq cannot be merged (the witness
    // cursor is past them) and are no new finding: the jump was reported once.
    if (this.merged !== null && seq <= this.merged) return;
    if (this.firstSeq === null) this.firstSeq = seq;
    this.merged = seq;
    while (this.cur && this.cur.seq < seq) {
      if (this.cur.seq < this.firstSeq && this.rotationFull) this.report.aged_out++;
      else this.push(this.report.deleted, this.cur.seq);
      this.cur = this.next();
    }
    if (this.cur && this.cur.seq === seq) {
      if (this.cur.sha256 !== sha256) this.push(this.report.rewritten, seq);
      this.cur = this.next();
    }
  }

  finish(): StreamReport {
    while (this.cur) {
      this.push(this.report.truncated, this.cur.seq);
      this.cur = this.next();
    }
    return this.report;
  }
}

export async function verifyWitness(droplet: Droplet, stateDir: string): Promise<VerifyReport> {
  const names: Array<[StreamName, string, string]> = [
    ['activity', 'a', homeFile(droplet.paths, CONTRACT_FILES.activity)],
    ['receipts', 'r', homeFile(droplet.paths, CONTRACT_FILES.receipts)],
  ];
  const comparers = new Map<string, Comparer>();
  const readers = new Map<string, LineReader>();
  const stores: WitnessStore[] = [];
  const specs: StreamSpec[] = [];
  try {
    for (const [name, id, path] of names) {
      const store = WitnessStore.open(stateDir, droplet.identity, name);
      stores.push(store);
      if (name === 'receipts' && store.size === 0) continue;
      const cmp = new Comparer(store, (await droplet.lstat(`${path}.${ROTATIONS}`)) !== null);
      comparers.set(id, cmp);
      readers.set(
        id,
        new LineReader(name, {
          record: (r) => cmp.line(r.seq, r.sha256),
          malformed: () => void cmp.report.malformed++,
          truncated: (d) => (d.record_seq === null ? void cmp.report.malformed++ : cmp.line(d.record_seq, d.sha256)),
        }),
      );
      specs.push({ name: id, path, start: { kind: 'all' } });
    }
    let caughtUp = false;
    // A log file that is a link, FIFO, ... is not read by the follower; comparing without it would report its records as deleted.
    const notRegular: Array<{ path: string; type: string }> = [];
    const decoder = new FrameDecoder((f) => {
      if (f.type === 'caught-up') caughtUp = true;
      else if (f.type === 'data') readers.get(f.stream)?.push(String(f.inode), f.offset, f.bytes);
      else if (f.type === 'not-regular' && f.fileType !== 'file' && f.fileType !== 'absent') {
        const base = specs.find((s) => s.name === f.stream)?.path ?? f.stream;
        notRegular.push({ path: f.index > 0 ? `${base}.${f.index}` : base, type: f.fileType });
      }
    });
    const res = await droplet.exec(followerArgv('once', specs), { collect: false, onStdout: (c) => decoder.push(c) });
    const bad = notRegular[0];
    if (bad) throw notRegularError(bad.path, { type: bad.type as FileType }, 'so it was not read and the logs were not compared with the witness');
    if (!caughtUp && res.code === 127) {
      // Exit 4 means "could not connect"; this connection worked, the droplet lacks the tool.
      throw new StratamError('failed', 'audit verify reads the logs with python3 on the droplet, and python3 is not installed there; nothing was compared.', {
        hint: 'Install it on the droplet (apt-get install -y python3-minimal), then run verify again.',
      });
    }
    if (!caughtUp) {
      throw new StratamError('connect', `Could not read the logs on the droplet to the end (follower exit ${res.code ?? res.signal}).`, {
        hint: 'Check the connection and that python3 is installed on the droplet, then run verify again.',
      });
    }
    const streams: Partial<Record<StreamName, StreamReport>> = {};
    for (const [name, id] of names) {
      const cmp = comparers.get(id);
      if (cmp) streams[name] = cmp.finish();
    }
    const ok = Object.values(streams).every((s) => s.witness_chain_ok && s.rewritten.length + s.deleted.length + s.truncated.length + s.rollback.length === 0);
    return { ok, droplet: dropletKey(droplet.identity), streams };
  } finally {
    for (const s of stores) s.close();
  }
}
