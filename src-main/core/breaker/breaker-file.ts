/**
 * `<jarvisHome>/breaker.json`, shared with the droplet: either side may trip
 * it, both read it. An absent file means armed with no restarts counted. A
 * file that does not parse is `unreadable`: never treated as armed (fail
 * closed), and only a manual re-arm overwrites it.
 *
 * It is a control-plane file: a link, FIFO or device in its place is refused
 * (exit 3) by the read, never read through, and the write replaces the path
 * by rename (see droplet/control-file.ts), so no status, trip or re-arm ever
 * reads or copies another file.
 */
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { writeAtomic } from '../droplet/atomic-write.js';
import { readControlFile } from '../droplet/control-file.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';

export interface BreakerRecord {
  state: 'armed' | 'tripped';
  tripped_at: string | null;
  reason: string | null;
  restarts: string[];
  rearmed_at: string | null;
  by: 'tray' | 'droplet' | null;
}

export interface BreakerRead {
  state: 'armed' | 'tripped' | 'unreadable';
  record: BreakerRecord;
  /** The bytes read (null: the file is absent), for a compare-and-swap write. */
  bytes: Buffer | null;
  mode: number;
}

export const ARMED_EMPTY: BreakerRecord = { state: 'armed', tripped_at: null, reason: null, restarts: [], rearmed_at: null, by: null };

export const breakerPath = (droplet: Droplet) => homeFile(droplet.paths, CONTRACT_FILES.breaker);

const str = (v: unknown) => (typeof v === 'string' ? v : null);

export function parseBreaker(text: string): BreakerRecord | null {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return null; // not JSON: the caller reads the file as unreadable, and says so
  }
  if (!j || typeof j !== 'object') return null;
  const o = j as Record<string, unknown>;
  if (o.state !== 'armed' && o.state !== 'tripped') return null;
  return {
    state: o.state,
    tripped_at: str(o.tripped_at),
    reason: str(o.reason),
    restarts: Array.isArray(o.restarts) ? o.restarts.filter((x): x is string => typeof x === 'string') : [],
    rearmed_at: str(o.rearmed_at),
    by: o.by === 'tray' || o.by === 'droplet' ? o.by : null,
  };
}

export async function readBreaker(droplet: Droplet): Promise<BreakerRead> {
  const path = breakerPath(droplet);
  let read;
  try {
    read = await readControlFile(droplet, path);
  } catch (err) {
    // A link (or FIFO, device) in its place is never read through, and never taken as armed: it reads as
    // unreadable, so a trip still turns the loop off (and its write to this path is refused), and only a
    // person who puts the real file back can re-arm.
    if (err instanceof StratamError && err.detail?.notRegular === true) return { state: 'unreadable', record: { ...ARMED_EMPTY }, bytes: null, mode: 0o600 };
    throw err;
  }
  if (!read) return { state: 'armed', record: { ...ARMED_EMPTY }, bytes: null, mode: 0o600 };
  const { bytes, stat } = read;
  const record = parseBreaker(bytes.toString('utf8'));
  if (!record) return { state: 'unreadable', record: { ...ARMED_EMPTY }, bytes, mode: stat.mode };
  return { state: record.state, record, bytes, mode: stat.mode };
}

/** Replace breaker.json only if it still holds the bytes `base` read (no clobbering a droplet-side trip). */
export async function writeBreaker(droplet: Droplet, record: BreakerRecord, base: BreakerRead): Promise<void> {
  const data = Buffer.from(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
  await droplet.mkdirp(droplet.paths.jarvisHome);
  await writeAtomic(droplet, breakerPath(droplet), data, { mode: base.mode, expect: base.bytes });
}

/** The contract's re-arm instant as ms, or null (never re-armed). */
export function rearmedAtMs(record: BreakerRecord): number | null {
  if (!record.rearmed_at) return null;
  const t = Date.parse(record.rearmed_at);
  return Number.isFinite(t) ? t : null;
}
