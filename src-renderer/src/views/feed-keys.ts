/**
 * The feed's keyboard cursor, as pure functions: which row a key moves to,
 * and where a row (kept by id, since indices shift as filters change and late
 * records are put in their place) sits in the list as shown.
 */
import type { AuditRow } from '../state/audit-rows.js';

/**
 * The index a key moves the cursor to, or undefined for keys the list does not use.
 * `from` is null when the list itself has focus (its home before a row was
 * drawn): then an arrow lands on the Tab-stop row first.
 */
export function keyTarget(key: string, from: number | null, stopIndex: number, count: number, page: number): number | undefined {
  const at = from ?? stopIndex;
  switch (key) {
    case 'ArrowDown':
      return from === null ? stopIndex : from + 1;
    case 'ArrowUp':
      return from === null ? stopIndex : from - 1;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'PageDown':
      return at + page;
    case 'PageUp':
      return at - page;
    default:
      return undefined;
  }
}

/** Where the row with this id sits in the list as shown (filtered or not); -1 when it is not shown. Searched from the end, where the cursor usually is. */
export function indexOfRow(rows: readonly AuditRow[], idx: number[] | null, id: number): number {
  if (!idx) {
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.id === id) return i;
    return -1;
  }
  for (let i = idx.length - 1; i >= 0; i--) if (rows[idx[i]!]!.id === id) return i;
  return -1;
}
