/**
 * The windowed feed's arithmetic, as pure functions (issue 16): which seqs
 * the mirror part of the list spans, and what the "Go to" box was asked.
 *
 * The list is the mirror part (one slot per seq, read through
 * trail-window.ts) followed by the store's rows (the newest records, live
 * records and markers, audit-store.ts). The mirror part ends just below the
 * store's first activity record, so no record shows twice and none falls
 * between the two.
 */
/** What the mirror part needs of the mirror's description (trail-window.ts); kept structural so this file has no DOM imports and tests load it under Node. */
interface MirrorSpan {
  startSeq: number | null;
  endSeq: number | null;
}

export interface HistoryRange {
  /** The first slot's seq. */
  start: number;
  /** Slots in the mirror part. */
  count: number;
}

/**
 * The mirror part: from the mirror's first seq to just below the store's
 * first activity record; with none in the store, to the mirror's last seq.
 * Seqs the mirror has not synced yet, below the store's first, are slots
 * too: they show as pending until the mirror holds them.
 */
export function historyRange(mirror: MirrorSpan | null, storeFirstSeq: number | null): HistoryRange {
  const start = mirror?.startSeq ?? 1;
  const end = storeFirstSeq !== null ? storeFirstSeq - 1 : (mirror?.endSeq ?? 0);
  return { start, count: Math.max(0, end - start + 1) };
}

export type GotoTarget = { seq: number } | { time: string } | { error: string };

const HINT = 'Type a seq (such as 1200 or #1200) or a UTC time (such as 2026-11-30 14:00 or 2026-11-30T14:00:00Z).';

/** A seq (`1200`, `#1200`) or a time: ISO 8601, or `YYYY-MM-DD[ HH:MM[:SS]]` read as UTC, as the feed shows times. */
export function parseGoto(input: string): GotoTarget {
  const text = input.trim();
  if (!text) return { error: HINT };
  const seq = /^#?\s*(\d{1,15})$/.exec(text);
  if (seq) return { seq: Number(seq[1]) };
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (!m) return { error: `“${text.slice(0, 40)}” is neither a seq nor a time. ${HINT}` };
  const zone = m[3] ? m[3].toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z';
  const iso = `${m[1]}T${m[2] ?? '00:00'}${m[2] && m[2].length === 5 ? ':00' : ''}${zone}`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return { error: `“${text.slice(0, 40)}” is not a valid time. ${HINT}` };
  return { time: new Date(ms).toISOString() };
}

/** Why Go to cannot open a seq: what the trail holds (`last` < 0: nothing yet). */
export function notInTrail(seq: number, first: number | null, last: number): string {
  return first === null || last < 0
    ? `Seq ${seq} is not in this trail: it holds no record yet.`
    : `Seq ${seq} is not in this trail: it holds seq ${first.toLocaleString('en-US')} to ${last.toLocaleString('en-US')}.`;
}
