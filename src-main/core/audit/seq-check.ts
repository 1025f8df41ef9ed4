/**
 * The seq checks of one audit stream, as a pure state machine: the feed
 * (audit-feed.ts) and `audit verify` (witness-verify.ts) ask it about each
 * record in the order the log holds them. No I/O, so every rule below is
 * unit-tested without a droplet (tests/core/audit/seq-check.test.ts).
 *
 * The contract says seq is +1 per record for the life of the droplet, so the
 * tracker keeps a baseline (the seq the next record should follow) and
 * judges each record against it:
 *
 * - next (seq = baseline + 1, or the first record): delivered; it is the new baseline.
 * - gap (seq > baseline + 1): one `gap` finding for the hole; the record is
 *   the new baseline, so the records after it are normal again.
 * - rollback (seq < baseline): one finding, and the feed RE-BASELINES on the
 *   record: it becomes the baseline, and the records after it are judged
 *   against it. After a bogus 999999 following 1042, the next record 1043 is
 *   one rollback, then 1044, 1045... are normal. Without this, every later
 *   record was "below 999999" and raised its own critical alert. A second,
 *   separate anomaly later is judged against the new baseline and raises its
 *   own finding.
 * - repeat (seq = baseline): one finding; records that repeat the same seq
 *   right after it (a stuck counter) are the same anomaly and are delivered
 *   without another finding. The baseline does not move.
 * - duplicate: a record at or below the baseline whose bytes the witness
 *   holds identically was delivered before (an overlap); it is skipped, and
 *   is no anomaly.
 *
 * Every record is still delivered (only duplicates and the records before a
 * requested start are not): re-baselining decides what is alerted, never what
 * is shown. The witness keeps its own per-record check (`rewritten`), which
 * is not a seq finding.
 *
 * Re-reads: when the feed reads every retained file again (a resume it could
 * not trust, or its file aged out), it sets `skipThrough` to the baseline:
 * records up to it were delivered and are skipped, and a record among them
 * whose bytes differ from the witness is delivered (with the feed's
 * `rewritten` alert) but is no seq anomaly, since going back is the re-read's
 * doing. Known limit: skipping is by seq, so a re-read of a log that holds an
 * earlier anomaly (999999 then 1043...) stops skipping at 999999 and reports
 * that anomaly once more, delivering the records after it again; bounded by
 * the retained files, and rare (it needs both a re-read and an anomaly).
 */
import type { Observation } from './witness-store.js';

export type SeqFinding =
  /** Seqs from..to (inclusive) never came. */
  | { kind: 'gap'; from: number; to: number; missing: number }
  /** The seq went back from `from` to `to`; `to` is the new baseline. */
  | { kind: 'rollback'; from: number; to: number }
  /** A second record with the seq of the one before it. */
  | { kind: 'repeat'; seq: number };

export interface SeqStep {
  /** Hand the record to the consumer. */
  deliver: boolean;
  /** Skipped because it was delivered before (a witnessed duplicate, or a re-read). */
  duplicate: boolean;
  finding: SeqFinding | null;
}

const DELIVER: SeqStep = { deliver: true, duplicate: false, finding: null };
const DUPLICATE: SeqStep = { deliver: false, duplicate: true, finding: null };
const BEFORE_START: SeqStep = { deliver: false, duplicate: false, finding: null };

export class SeqTracker {
  /** The baseline: the seq of the last record judged (null before the first). */
  last: number | null = null;
  /** While re-reading retained files: records up to this seq were delivered already. */
  skipThrough: number | null = null;
  /** The seq of a repeat already reported, while records keep repeating it. */
  private repeating: number | null = null;

  /** `fromSeq`: records before it are tracked (they set the baseline) but not delivered. */
  constructor(private readonly fromSeq?: number) {}

  /**
   * Judge the next record of the log. `witness` is what the witness said of
   * this seq and bytes (null without a witness): 'same' makes a record at or
   * below the baseline a duplicate; 'mismatch' is delivered during a re-read.
   */
  step(seq: number, witness: Observation | null = null): SeqStep {
    if (this.skipThrough !== null) {
      if (seq <= this.skipThrough) return witness === 'mismatch' ? DELIVER : DUPLICATE;
      this.skipThrough = null;
    }
    const last = this.last;
    if (last !== null && seq <= last) {
      if (witness === 'same') return DUPLICATE;
      if (seq === last) {
        if (this.repeating === seq) return DELIVER;
        this.repeating = seq;
        return { deliver: true, duplicate: false, finding: { kind: 'repeat', seq } };
      }
      this.repeating = null;
      this.last = seq;
      return { deliver: true, duplicate: false, finding: { kind: 'rollback', from: last, to: seq } };
    }
    this.repeating = null;
    const from = this.fromSeq;
    if (from !== undefined && seq < from) {
      this.last = seq;
      return BEFORE_START;
    }
    const expected = last !== null ? last + 1 : from;
    this.last = seq;
    if (expected !== undefined && seq > expected) return { deliver: true, duplicate: false, finding: { kind: 'gap', from: expected, to: seq - 1, missing: seq - expected } };
    return DELIVER;
  }
}

/** The words of a rollback or repeat alert: what happened, and what the feed now checks against. */
export function seqAlertDetail(stream: string, f: Extract<SeqFinding, { kind: 'rollback' | 'repeat' }>): string {
  return f.kind === 'rollback'
    ? `The ${stream} seq went back from ${f.from} to ${f.to}. Later records are checked against ${f.to} (one alert per jump back).`
    : `The ${stream} seq ${f.seq} came twice in a row. Records that keep repeating it are not alerted again.`;
}
