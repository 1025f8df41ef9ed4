/**
 * Hold-pause: putting a droplet the operator paused back to paused after
 * someone without a receipt flipped it. A normal pause edits the one value
 * with the agent's grammar; when the file no longer reads with certainty (a
 * link in its place, a line python-dotenv might read differently), the last
 * file that read as paused is restored whole instead: it was the operator's
 * own, verified seconds ago, and every change since is unreceipted.
 *
 * A pause is the safe direction, so it is never held back by a receipt that
 * cannot be written: the revert lands and the receipt failure is reported.
 */
import { pause } from '../controls/pause.js';
import { readSwitch, type SwitchReading } from '../controls/switch-state.js';
import { writeAtomic } from '../droplet/atomic-write.js';
import type { Droplet } from '../droplet/droplet.js';
import { describeError, StratamError } from '../errors.js';
import { FLAG_KEYS, type EnvSnapshot } from '../flags/env-editor.js';
import { withReceipt } from '../receipts/receipts.js';

export type HoldOutcome = { ok: true; how: 'paused' | 'restored' | 'already'; receiptError: string | null } | { ok: false; error: string };

/** The action landed even though its receipt did not (withReceipt says so in the error's detail). */
const landed = (err: unknown) => err instanceof StratamError && err.detail?.actionSucceeded === true;

async function restoreEnv(droplet: Droplet, via: string, snap: EnvSnapshot): Promise<void> {
  const bytes = snap.bytes;
  if (!bytes) throw new Error('no paused copy of .env to restore');
  await withReceipt(droplet, 'pause', { flag: FLAG_KEYS.selfModify, value: '0', via, reason: 'hold-pause', restored: true }, async () => {
    // No compare-and-swap: whatever is there now (a link, a FIFO, an edit) is what is being undone; rename replaces the entry itself.
    await writeAtomic(droplet, droplet.paths.envFile, bytes, { mode: snap.mode });
    return { restored: true };
  });
}

export async function holdPause(droplet: Droplet, opts: { via: string; restore: EnvSnapshot | null; attempts?: number }): Promise<HoldOutcome> {
  let last = 'no attempt made';
  let receiptError: string | null = null;
  for (let i = 0; i < (opts.attempts ?? 3); i++) {
    let how: 'paused' | 'restored';
    try {
      const { reading } = await readSwitch(droplet);
      if (reading.selfModify === 'paused') return { ok: true, how: 'already', receiptError };
      // A file that reads with certainty gets the one value edited; anything else (a link, a doubt, the file
      // removed) gets the last paused file back whole, which also keeps the operator's trust lists and keys.
      how = reading.unknown === null || !opts.restore ? 'paused' : 'restored';
      try {
        if (how === 'paused') await pause(droplet, opts.via, { reason: 'hold-pause' });
        else await restoreEnv(droplet, opts.via, opts.restore!);
      } catch (err) {
        if (!landed(err)) throw err;
        receiptError = describeError(err);
      }
      const check = await readSwitch(droplet);
      if (check.reading.selfModify === 'paused') return { ok: true, how, receiptError };
      last = `after the revert the switch reads ${check.reading.selfModify}${check.reading.unknown ? ` (${check.reading.unknown.detail})` : ''}`;
    } catch (err) {
      // Another write raced ours (compare-and-swap refused it): read again and retry.
      last = describeError(err);
    }
  }
  return { ok: false, error: last };
}

/**
 * What hold-pause holds: the switch as someone with a receipt last set it (or
 * as it was found when the watch started), and the file it was read from. A
 * state nobody receipted is never adopted, not even a flip towards paused:
 * otherwise one unreceipted write would decide what the app defends.
 */
export class PauseHold {
  private legit: SwitchReading['selfModify'] = 'unknown';
  private legitEnv: EnvSnapshot | null = null;

  constructor(public enabled: boolean) {}

  /** Acting now: on, and the operator's last state was paused. */
  get holding(): boolean {
    return this.enabled && this.legit === 'paused';
  }

  /** The operator's own state: found at the start, or set with a receipt. */
  adopt(reading: SwitchReading | null, env: EnvSnapshot | null): void {
    this.legit = reading?.selfModify ?? 'unknown';
    this.legitEnv = this.legit === 'paused' ? env : null;
  }

  /** Put the pause back when holding and `current` is not paused; null when there was nothing to do. */
  async restore(droplet: Droplet, via: string, current: SwitchReading | null): Promise<HoldOutcome | null> {
    if (!this.holding || current?.selfModify === 'paused') return null;
    return holdPause(droplet, { via, restore: this.legitEnv });
  }
}
