/**
 * The console's list of warnings: pushed ones and listed ones, one entry per
 * id, newest first. Acknowledging is one-way (the core never reopens a
 * warning), so between two copies of the same id the acknowledged one always
 * wins: a list call answered before an acknowledgement, or a push that was
 * overtaken by the acknowledge call's own answer, cannot reopen it here.
 */
import type { WarningView } from '../../../src-main/ipc/api.js';

const idNum = (w: WarningView) => Number(/\d+$/.exec(w.id)?.[0] ?? 0);

/** Which copy of one warning to keep when `next` arrives. */
export function pick(cur: WarningView | undefined, next: WarningView): WarningView {
  if (cur?.acknowledgedAt && !next.acknowledgedAt) return cur;
  return next;
}

/** Warnings from a list call merged with ones already pushed (a pushed copy of the same id wins unless only the listed one is acknowledged), newest first. */
export function mergeWarnings(have: readonly WarningView[], listed: readonly WarningView[]): WarningView[] {
  const byId = new Map<string, WarningView>();
  for (const w of listed) byId.set(w.id, w);
  for (const w of have) byId.set(w.id, pick(byId.get(w.id), w));
  return [...byId.values()].sort((a, b) => b.at.localeCompare(a.at) || idNum(b) - idNum(a));
}

/** A pushed warning: new ones go first (pushes arrive in order), a known id is replaced in place. */
export function upsert(list: readonly WarningView[], w: WarningView): WarningView[] {
  const i = list.findIndex((x) => x.id === w.id);
  if (i < 0) return [w, ...list];
  const kept = pick(list[i], w);
  if (kept === list[i]) return list as WarningView[];
  const copy = list.slice();
  copy[i] = kept;
  return copy;
}

/** Warnings the person has not acknowledged: the only ones badges and problem counts include. */
export const isOpen = (w: WarningView): boolean => !w.acknowledgedAt;
