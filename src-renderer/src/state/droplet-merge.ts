/**
 * How the console takes in droplet states. The core numbers every read of a
 * droplet's values (`readSeq`, taken when the read starts) and never lets an
 * older read replace a newer one; the console keeps the same rule, because
 * states reach it by two roads that can cross: pushed events (one ordered
 * stream) and call results (e.g. `connections` after the event stream came
 * back). The console keeps no copy of the switch of its own: every view
 * derives from the state kept here.
 */
import type { DropletStateView } from '../../../src-main/ipc/api.js';

export type Source = 'push' | 'call';

/**
 * The state to keep when `next` arrives. A lower readSeq never wins. At an
 * equal readSeq a push wins (link and hold-pause changes travel as pushes
 * without a new read, and pushes arrive in order), a call result does not
 * (it may have been computed before a push that overtook it).
 */
export function mergeDroplet(cur: DropletStateView | undefined, next: DropletStateView, source: Source): DropletStateView {
  if (!cur) return next;
  if (next.readSeq < cur.readSeq) return cur;
  if (next.readSeq === cur.readSeq && source === 'call') return cur;
  return next;
}

/**
 * Merge a list of states. A `complete` push (the `state` event) names every
 * droplet the session holds: a droplet missing from it was disconnected, and
 * its numbering starts again at the next connect, so its old state is dropped
 * rather than kept to outrank the new one. A complete call result may be
 * older than pushes already taken in, so it drops nothing.
 */
export function mergeDroplets(cur: Readonly<Record<string, DropletStateView>>, list: readonly DropletStateView[], source: Source, complete: boolean): Record<string, DropletStateView> {
  const out: Record<string, DropletStateView> = complete && source === 'push' ? {} : { ...cur };
  for (const d of list) out[d.name] = mergeDroplet(cur[d.name], d, source);
  return out;
}
