/**
 * The droplet's clock. Docker stamps its events with the droplet's time, and
 * the breaker compares those stamps with its 60-minute window, the `until` of
 * a history read and `rearmed_at`. Computing those from the app's clock goes
 * wrong when the two disagree: with the app 10 minutes behind, `until` stops
 * 10 minutes short and the newest restarts are missed; with it 10 minutes
 * ahead, Docker holds the history stream open until that future `until` (a
 * 10-minute hang), and a `rearmed_at` in the droplet's future makes the next
 * 10 minutes of restarts not count. So every instant the breaker compares
 * with Docker's is taken in droplet time: app clock + measured offset.
 *
 * Source: Docker's /info SystemTime (the daemon's own clock, the one that
 * stamps events); when Docker does not answer, `date +%s%N` on the droplet;
 * only when neither answers, the app's clock (offset 0, `source: 'app'`).
 */
import type { Droplet } from '../droplet/droplet.js';
import { dockerFor } from '../docker/docker-client.js';
import { describeForLog, log } from '../log/logger.js';

export interface DropletClock {
  /** droplet time − app time, in ms (positive: the droplet is ahead). */
  offsetMs: number;
  source: 'docker' | 'date' | 'app';
  /** Now, in droplet time (ms since the epoch). */
  now(): number;
}

const clockOf = (offsetMs: number, source: DropletClock['source']): DropletClock => ({ offsetMs, source, now: () => Date.now() + offsetMs });

/** Offset of a remote reading taken between t0 and t1 (app time): assume it was read at the midpoint. */
const offsetFrom = (remoteMs: number, t0: number, t1: number) => Math.round(remoteMs - (t0 + t1) / 2);

export async function measureDropletClock(droplet: Droplet): Promise<DropletClock> {
  let why = 'Docker gave no SystemTime';
  try {
    const t0 = Date.now();
    const info = (await dockerFor(droplet).docker.info()) as { SystemTime?: string };
    const t1 = Date.now();
    const remote = info.SystemTime ? Date.parse(info.SystemTime) : NaN;
    if (Number.isFinite(remote)) return clockOf(offsetFrom(remote, t0, t1), 'docker');
  } catch (err) {
    why = `Docker did not answer (${describeForLog(err)})`; // ask the droplet itself
  }
  log.debug('breaker', `Droplet clock: ${why}; asking \`date\` on the droplet.`);
  try {
    const t0 = Date.now();
    const r = await droplet.exec(['date', '+%s%N']);
    const t1 = Date.now();
    const text = r.stdout.toString('utf8').trim();
    // GNU date prints nanoseconds; a date without %N prints "<seconds>N" or "<seconds>%N".
    const remote = /^\d{19}$/.test(text) ? Number(BigInt(text) / 1_000_000n) : /^(\d{9,11})/.test(text) ? Number(/^(\d{9,11})/.exec(text)![1]) * 1000 + 500 : NaN;
    if (r.code === 0 && Number.isFinite(remote)) return clockOf(offsetFrom(remote, t0, t1), 'date');
    why += `; date exited ${r.code ?? 'by a signal'}`;
  } catch (err) {
    why += `; date could not run (${describeForLog(err)})`;
  }
  // The breaker's window is then judged on this machine's clock, which may be off: say so.
  log.warn('breaker', `The droplet's clock could not be read (${why}); the breaker uses this machine's clock.`);
  return clockOf(0, 'app');
}

/** A clock with a known offset (tests, or a caller that measured already). */
export const fixedOffsetClock = (offsetMs: number): DropletClock => clockOf(offsetMs, 'app');
