/**
 * Where a feed has read each stream to, in a form that survives the app:
 * the file (by inode), the offset after the last whole line delivered, that
 * line's hash (the anchor that proves the file is still the same one), and
 * the last seq. A feed started from a saved position resumes exactly there
 * (follower-script.ts checks the anchor; a mismatch re-reads every retained
 * file and skips what was delivered), so what was written while the app was
 * closed is delivered once, and nothing before it again.
 */
import type { StreamName } from './diagnostics.js';

export interface FeedPosition {
  fileId: string;
  offset: number;
  anchor: { start: number; end: number; sha256: string } | null;
  lastSeq: number | null;
}

export type FeedPositions = Partial<Record<StreamName, FeedPosition>>;

/** A saved position as read back from disk, or null when it is not one (a torn or foreign file). */
export function parsePosition(v: unknown): FeedPosition | null {
  if (typeof v !== 'object' || v === null) return null;
  const p = v as Record<string, unknown>;
  if (typeof p.fileId !== 'string' || !/^\d+$/.test(p.fileId)) return null;
  if (!Number.isSafeInteger(p.offset) || (p.offset as number) < 0) return null;
  if (p.lastSeq !== null && !Number.isSafeInteger(p.lastSeq)) return null;
  let anchor: FeedPosition['anchor'] = null;
  if (p.anchor !== null && p.anchor !== undefined) {
    const a = p.anchor as Record<string, unknown>;
    if (!Number.isSafeInteger(a.start) || !Number.isSafeInteger(a.end) || typeof a.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(a.sha256)) return null;
    anchor = { start: a.start as number, end: a.end as number, sha256: a.sha256 };
  }
  return { fileId: p.fileId, offset: p.offset as number, anchor, lastSeq: p.lastSeq as number | null };
}
