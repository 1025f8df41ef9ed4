/**
 * The `auditSearch` channel (issue 16): the console's search and filters over
 * the whole audit trail, answered from this desktop's mirror of the droplet's
 * log (docs/audit-mirror.md). Kept beside channels.ts (which spreads it into
 * its map) like the recovery channels; the same rules apply: strict
 * arguments, refused before any core code runs.
 *
 * Items are the auditQuery view (schemas.ts `auditItem`), so a row found by a
 * search renders and opens exactly like one loaded by the feed. The cursor is
 * a mirror position (file number, byte offset): a previous page's `next`,
 * opaque to the console.
 */
import { z } from 'zod';
import { auditItem, profileName } from './schemas.js';

export const isoTime = z.iso.datetime({ offset: true, error: 'a time is an ISO 8601 date-time such as 2026-12-01T08:00:00Z' });
const names = z.array(z.string().min(1).max(128)).min(1).max(50);

export const searchCursor = z.object({ n: z.number().int().min(1), offset: z.number().int().min(0) }).strict();

const searchQuery = z
  .object({
    /** Case-insensitive substring of the line as written. */
    text: z.string().min(1).max(1000).optional(),
    tools: names.optional(),
    outcomes: z
      .array(z.enum(['ok', 'failed', 'blocked']))
      .min(1)
      .max(3)
      .optional(),
    channels: names.optional(),
    trust: names.optional(),
    since: isoTime.optional(),
    until: isoTime.optional(),
  })
  .strict()
  .refine((q) => q.since === undefined || q.until === undefined || Date.parse(q.since) <= Date.parse(q.until), { message: 'since is after until: nothing can match', path: ['since'] });

export const mirrorView = z.object({ startSeq: z.number().nullable(), endSeq: z.number().nullable(), files: z.number(), bytes: z.number() });

export const auditSearchChannels = {
  /** One page of matches, newest first; mirror is null when this desktop holds no copy of the droplet's log yet (or keeps none). */
  auditSearch: {
    args: z.object({ name: profileName, query: searchQuery, cursor: searchCursor.optional(), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    result: z.object({ items: z.array(auditItem), next: searchCursor.nullable(), mirror: mirrorView.nullable(), scannedBytes: z.number() }),
  },
} as const;
