/** The console's list of warnings: pushed ones and listed ones, one entry per id, newest first. */
import type { WarningView } from '../../../src-main/ipc/api.js';

const idNum = (w: WarningView) => Number(/\d+$/.exec(w.id)?.[0] ?? 0);

/** Warnings from a list call merged with ones already pushed (a pushed copy of the same id wins), newest first. */
export function mergeWarnings(have: readonly WarningView[], listed: readonly WarningView[]): WarningView[] {
  const byId = new Map<string, WarningView>();
  for (const w of listed) byId.set(w.id, w);
  for (const w of have) byId.set(w.id, w);
  return [...byId.values()].sort((a, b) => b.at.localeCompare(a.at) || idNum(b) - idNum(a));
}

/** A pushed warning: new ones go first (pushes arrive in order), a known id is replaced in place. */
export function upsert(list: readonly WarningView[], w: WarningView): WarningView[] {
  const i = list.findIndex((x) => x.id === w.id);
  if (i < 0) return [w, ...list];
  const copy = list.slice();
  copy[i] = w;
  return copy;
}
