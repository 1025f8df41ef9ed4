/**
 * A stretch of a droplet's audit trail by seq, or the seq at a time, read from
 * this desktop's mirror (docs/audit-mirror.md) and nothing else: the part any
 * face (the console's `auditWindow` channel, a CLI) shares. Opening the
 * stretch is a seek through the sparse index; reading it is a forward walk of
 * the lines from there, so the cost is the stretch's bytes whatever the
 * mirror's size, and records the droplet's own log no longer holds are still
 * there.
 *
 * A seq the mirror does not hold simply has no record (a gap, or a stretch
 * past the end). The mirror keeps every line as written, so a stretch can
 * also meet lines that are not records (no seq) and a seq written twice; the
 * first line carrying a seq, in mirror order, is the one returned (the
 * witness chains that one), and the others are only counted.
 */
import type { DropletIdentity } from '../droplet/droplet.js';
import type { StreamName } from './diagnostics.js';
import { MirrorReader } from './mirror/mirror-reader.js';
import { tsOf } from './mirror/mirror-index.js';
import type { MirrorInfo, MirrorLine, MirrorPos } from './mirror/mirror-types.js';
import { parseRecord } from './search/search-files.js';

/**
 * Bounds on one answer's walk, so a mirror full of lines that are not records
 * (or of one seq repeated) cannot make a call read without limit: up to 4
 * lines per seq asked plus 200 (room for bad lines and repeats among real
 * records), and up to 8 MiB of line bytes (a 1000-seq stretch of ~250-byte
 * records is 250 KB; 8 MiB still allows 8 KiB a record, and bounds what one
 * answer carries to the console). Past either, the walk stops and the seqs
 * after it are not returned.
 */
export const MAX_EXTRA_LINES = 200;
export const LINES_PER_SEQ = 4;
export const MAX_WINDOW_BYTES = 8 * 1024 * 1024;

export type WindowRequest = { fromSeq: number; toSeq: number } | { time: number } | Record<string, never>;

/** One record of the stretch: the line's exact bytes (no newline), where it sits, its seq and parsed value. */
export interface WindowRecord {
  pos: MirrorPos;
  line: Buffer;
  seq: number;
  value: Record<string, unknown>;
}

export interface MirrorWindow {
  info: MirrorInfo;
  /** For a stretch: the first line of each seq in it the mirror holds, in mirror order. */
  records: WindowRecord[];
  /** Lines met inside the stretch and not returned: no seq (not a JSON record) or a seq already returned. */
  extra: number;
  /** For a time: the seq of the first record at or after it; null past the end (and for other requests). */
  seq: number | null;
  /** Index and file bytes the reader read for this answer. */
  bytesRead: number;
}

/** The seq of a line as the feed and search see it: a JSON object's top-level safe-integer `seq`, else null. */
function recordOf(line: MirrorLine): { seq: number; value: Record<string, unknown> } | null {
  const value = parseRecord(line.bytes, 0, line.bytes.length, line.bytes.toString('utf8'));
  const seq = value?.seq;
  return value && typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? { seq, value } : null;
}

/** The stretch fromSeq..toSeq, read forward from the seek until a record's seq passes toSeq, the end, or a bound. */
function readStretch(reader: MirrorReader, fromSeq: number, toSeq: number): Pick<MirrorWindow, 'records' | 'extra'> {
  const records: WindowRecord[] = [];
  let extra = 0;
  const start = reader.seekSeq(fromSeq);
  if (!start) return { records, extra };
  const seen = new Set<number>();
  let lines = LINES_PER_SEQ * (toSeq - fromSeq + 1) + MAX_EXTRA_LINES;
  let bytes = MAX_WINDOW_BYTES;
  for (const line of reader.linesFrom(start)) {
    const r = recordOf(line);
    // The trail goes up in seq: the first record past the stretch ends it.
    if (r && r.seq > toSeq) break;
    if (--lines < 0 || (bytes -= line.bytes.length) < 0) break;
    // Below fromSeq here means written again after a later seq: a repeat, not the record's place.
    if (!r || r.seq < fromSeq || seen.has(r.seq)) {
      extra++;
      continue;
    }
    seen.add(r.seq);
    records.push({ pos: line.pos, line: line.bytes, seq: r.seq, value: r.value });
  }
  return { records, extra };
}

/**
 * The seq of the first record whose ts is at or after `ms`: the seek finds the
 * first line at or after it, which may be a line with no seq, and a repeat of
 * an older record may follow it, so the walk takes the first record whose own
 * ts is not before `ms`. Bounded like a stretch's walk (its extra lines).
 */
function seqAtTime(reader: MirrorReader, ms: number): number | null {
  const at = reader.seekTime(ms);
  if (!at) return null;
  let lines = MAX_EXTRA_LINES;
  let bytes = MAX_WINDOW_BYTES;
  for (const line of reader.linesFrom(at)) {
    if (--lines < 0 || (bytes -= line.bytes.length) < 0) break;
    const r = recordOf(line);
    if (r && tsOf(line.bytes) >= ms) return r.seq;
  }
  return null;
}

/** null when this droplet has no mirror of the stream yet (none synced, or the mirror is off). */
export function readMirrorWindow(stateDir: string, identity: DropletIdentity, req: WindowRequest, stream: StreamName = 'activity'): MirrorWindow | null {
  const reader = MirrorReader.open(stateDir, identity, stream);
  if (!reader) return null;
  try {
    const info = reader.info();
    const out: MirrorWindow = { info, records: [], extra: 0, seq: null, bytesRead: 0 };
    if ('fromSeq' in req) Object.assign(out, readStretch(reader, req.fromSeq, req.toSeq));
    else if ('time' in req) out.seq = seqAtTime(reader, req.time);
    out.bytesRead = reader.bytesRead;
    return out;
  } finally {
    reader.close();
  }
}
