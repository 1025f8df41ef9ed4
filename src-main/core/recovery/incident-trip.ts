/**
 * Which trip the incident explains: breaker.json's while the breaker is
 * tripped, else (re-armed since) the last `breaker_trip` receipt in
 * operator_actions.jsonl, which lists the restarts it counted. A trip the
 * droplet made by itself leaves no receipt, so once re-armed it cannot be
 * explained: that, and "never tripped", is a usage error (exit 2) pointing at
 * `stratam breaker status`.
 */
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { readBreaker } from '../breaker/breaker-file.js';
import { receiptsPath } from '../receipts/receipts.js';
import { linesFromEnd } from './lines-from-end.js';

export interface TripFacts {
  source: 'breaker' | 'receipt';
  trippedAt: string | null;
  reason: string | null;
  by: string | null;
  stillTripped: boolean;
  /** The restarts of the trip's window, ISO, oldest first. */
  restarts: string[];
}

/** Receipts are small and the trip is recent: 8 MiB from the end is plenty and keeps an SSH read short. */
const RECEIPT_BUDGET = 8 * 1024 * 1024;
const MAX_RECEIPT_LINE = 256 * 1024;

const isoList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && Number.isFinite(Date.parse(x))) : []);

export async function findTripFacts(droplet: Droplet, warnings: string[]): Promise<TripFacts> {
  const b = await readBreaker(droplet);
  if (b.state === 'tripped') {
    const r = b.record;
    return { source: 'breaker', trippedAt: r.tripped_at, reason: r.reason, by: r.by, stillTripped: true, restarts: isoList(r.restarts) };
  }
  if (b.state === 'unreadable') {
    warnings.push('breaker.json could not be read as the contract describes it (it counts as tripped until a re-arm rewrites it); the trip shown is the last breaker_trip receipt.');
  }
  const receipt = await lastTripReceipt(droplet, warnings);
  if (!receipt) {
    throw new StratamError(
      'usage',
      b.state === 'armed'
        ? 'There is no trip to explain: the breaker is armed and operator_actions.jsonl holds no breaker_trip receipt (a trip made on the droplet side leaves none once re-armed).'
        : 'There is no trip to explain: breaker.json is unreadable and operator_actions.jsonl holds no breaker_trip receipt.',
      { hint: 'See the breaker with `stratam breaker status`; `stratam breaker check` counts the last hour of restarts.', detail: { noTrip: true, breaker: b.state } },
    );
  }
  return {
    source: 'receipt',
    trippedAt: receipt.ts,
    reason: receipt.reason,
    by: 'tray',
    stillTripped: b.state !== 'armed',
    restarts: receipt.restarts,
  };
}

async function lastTripReceipt(droplet: Droplet, warnings: string[]): Promise<{ ts: string | null; reason: string | null; restarts: string[] } | null> {
  const path = receiptsPath(droplet);
  let file;
  try {
    file = await droplet.openRegular(path, 'read');
  } catch (err) {
    // A link or device where the receipts go: never read through; the incident says so instead of failing.
    if (err instanceof StratamError && err.detail?.notRegular === true) {
      warnings.push(`${path} is not a regular file, so no breaker_trip receipt was read: ${err.message}`);
      return null;
    }
    throw err;
  }
  if (!file) return null;
  const budget = { left: RECEIPT_BUDGET, exhausted: false };
  try {
    for await (const line of linesFromEnd(file, { budget, maxLine: MAX_RECEIPT_LINE })) {
      if (line.overlong || !line.bytes.includes('breaker_trip')) continue;
      let v: Record<string, unknown>;
      try {
        v = JSON.parse(line.bytes.toString('utf8')) as Record<string, unknown>;
      } catch {
        continue; // a torn or foreign line that merely mentions the name: not a receipt
      }
      if (!v || typeof v !== 'object' || v.tool !== 'breaker_trip') continue;
      const args = (v.args && typeof v.args === 'object' ? v.args : {}) as Record<string, unknown>;
      const restarts = isoList(args.restarts);
      // A trip that failed before it counted anything explains nothing; keep looking further back.
      if (restarts.length === 0) continue;
      return { ts: typeof v.ts === 'string' ? v.ts : null, reason: typeof args.reason === 'string' ? args.reason : null, restarts };
    }
  } finally {
    await file.close();
  }
  if (budget.exhausted) warnings.push(`No breaker_trip receipt in the last ${RECEIPT_BUDGET >> 20} MiB of ${path}; older receipts were not searched.`);
  return null;
}
