/**
 * The breaker's actions on a droplet: trip (by the tray), re-arm (manual
 * only), and status. Each leaves a receipt, success or failure. Nothing here
 * ever restarts the agent: flags take effect because the agent re-reads .env.
 */
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { readSwitch } from '../controls/switch-state.js';
import { FLAG_KEYS, setFlag } from '../flags/env-editor.js';
import { withReceipt } from '../receipts/receipts.js';
import { readBreaker, writeBreaker, type BreakerRead, type BreakerRecord } from './breaker-file.js';
import { measureDropletClock } from './droplet-clock.js';

export interface TripResult {
  tripped: boolean;
  /** false when breaker.json already said tripped (nothing written). */
  alreadyTripped: boolean;
  record: BreakerRecord;
}

/**
 * Trip by the tray: JARVIS_ETERNAL_LOOP=0 first (it is what stops the loop),
 * then breaker.json with by "tray". If breaker.json is already tripped (the
 * droplet got there first) it is left alone, but the loop flag is still
 * forced to 0 so a half-done droplet-side trip fails closed.
 */
export async function tripBreaker(droplet: Droplet, restarts: readonly number[], via = 'cli', nowMs?: number): Promise<TripResult> {
  const iso = restarts.map((t) => new Date(t).toISOString());
  const reason = `${restarts.length} restarts in 60 min`;
  return withReceipt(
    droplet,
    'breaker_trip',
    { reason, restarts: iso, via },
    async () => {
      // The loop flag first: whatever breaker.json holds (even something refused), the loop stops.
      await setFlag(droplet, FLAG_KEYS.eternalLoop, '0');
      const base = await readBreaker(droplet);
      // Droplet time, like the restarts it lists (a caller that measured passes it in).
      const at = nowMs ?? (await measureDropletClock(droplet)).now();
      if (base.state === 'tripped') return { tripped: true, alreadyTripped: true, record: base.record };
      const record: BreakerRecord = {
        state: 'tripped',
        tripped_at: new Date(at).toISOString(),
        reason,
        restarts: iso,
        rearmed_at: base.record.rearmed_at,
        by: 'tray',
      };
      await writeBreaker(droplet, record, base);
      return { tripped: true, alreadyTripped: false, record };
    },
    (r) => ({ alreadyTripped: r.alreadyTripped, state: r.record.state }),
  );
}

/**
 * Manual re-arm. breaker.json goes to armed first, then the loop flag to 1:
 * if the second step fails, the breaker is armed with the loop still off
 * (safe), never the loop on under a tripped breaker.
 */
export async function rearmBreaker(droplet: Droplet, opts: { confirmed: boolean; via?: string }): Promise<BreakerRecord> {
  if (!opts.confirmed) {
    throw new StratamError('refused', 'Re-arming the breaker turns the eternal-improvement loop back on, so it needs confirmation.', {
      hint: 'Check why the agent restarted (`stratam breaker status`, the agent logs), then run `stratam breaker rearm --yes`.',
    });
  }
  return withReceipt(
    droplet,
    'breaker_rearm',
    { via: opts.via ?? 'cli' },
    async () => {
      const base: BreakerRead = await readBreaker(droplet);
      // rearmed_at is compared with Docker's event times, so it is droplet time: from
      // an app clock 10 min ahead it would hide the next 10 min of restarts.
      const now = (await measureDropletClock(droplet)).now();
      const record: BreakerRecord = { state: 'armed', tripped_at: null, reason: null, restarts: [], rearmed_at: new Date(now).toISOString(), by: 'tray' };
      await writeBreaker(droplet, record, base);
      await setFlag(droplet, FLAG_KEYS.eternalLoop, '1');
      return record;
    },
    (r) => ({ state: r.state, rearmed_at: r.rearmed_at }),
  );
}

/** breaker.json as status shows it (camelCase, absent = armed, unparseable = unreadable). */
export interface BreakerSummary {
  state: 'armed' | 'tripped' | 'unreadable';
  trippedAt: string | null;
  reason: string | null;
  restarts: string[];
  rearmedAt: string | null;
  by: string | null;
}

export interface BreakerStatus extends BreakerSummary {
  /** JARVIS_ETERNAL_LOOP as the agent reads it (anything but "1" is off); null when it could not be read with certainty. */
  eternalLoop: boolean | null;
}

export function summarizeBreaker(b: BreakerRead): BreakerSummary {
  const r = b.record;
  return { state: b.state, trippedAt: r.tripped_at, reason: r.reason, restarts: r.restarts, rearmedAt: r.rearmed_at, by: r.by };
}

export async function breakerStatus(droplet: Droplet): Promise<BreakerStatus> {
  const [b, { reading }] = await Promise.all([readBreaker(droplet), readSwitch(droplet)]);
  return { ...summarizeBreaker(b), eternalLoop: reading.eternalLoop === 'unknown' ? null : reading.eternalLoop === 'armed' };
}
