/**
 * The `auditWindow` channel (issue 16): any stretch of a droplet's audit trail
 * by seq, or the seq at a time, answered from this desktop's mirror of the
 * droplet's log (docs/audit-mirror.md) so the console need not hold the log
 * and never reads the droplet to show it. Kept beside channels.ts (which
 * spreads it into its map) like auditSearch; the same rules apply: strict
 * arguments, refused before any core code runs.
 *
 * Items are the auditQuery view (schemas.ts `auditItem`), so a row shown from
 * the mirror renders and opens exactly like one loaded by the feed.
 */
import { z } from 'zod';
import { isoTime, mirrorView } from './audit-search-channel.js';
import { auditItem, profileName } from './schemas.js';

/** The most seqs one request may ask for: a console screen is far fewer, and the answer stays small. */
export const MAX_WINDOW_SEQS = 1000;

const seqNo = z.number().int().min(0);

const windowArgs = z
  .object({ name: profileName, fromSeq: seqNo.optional(), toSeq: seqNo.optional(), time: isoTime.optional() })
  .strict()
  .refine((a) => (a.fromSeq === undefined) === (a.toSeq === undefined), {
    message: 'fromSeq and toSeq come together: pass both for a stretch (or neither, for the mirror alone)',
    path: ['toSeq'],
  })
  .refine((a) => a.time === undefined || (a.fromSeq === undefined && a.toSeq === undefined), {
    message: 'time cannot be combined with fromSeq/toSeq: locate the time first, then ask for the stretch around its seq',
    path: ['time'],
  })
  .refine((a) => a.fromSeq === undefined || a.toSeq === undefined || a.toSeq >= a.fromSeq, { message: 'toSeq is below fromSeq: the stretch would be empty', path: ['toSeq'] })
  .refine((a) => a.fromSeq === undefined || a.toSeq === undefined || a.toSeq - a.fromSeq + 1 <= MAX_WINDOW_SEQS, {
    message: `the stretch is over the limit of ${MAX_WINDOW_SEQS} seqs: ask for at most ${MAX_WINDOW_SEQS} seqs at a time`,
    path: ['toSeq'],
  });

export const auditWindowChannels = {
  /**
   * kept is false when this droplet's profile keeps no mirror (mirrorCapMB 0);
   * mirror is null when nothing was synced yet. With neither a stretch nor a
   * time, only the mirror's description (no file is read).
   */
  auditWindow: {
    args: windowArgs,
    result: z.object({
      kept: z.boolean(),
      mirror: mirrorView.extend({ droppedThroughSeq: z.number().nullable() }).nullable(),
      items: z.array(auditItem),
      extra: z.number(),
      seq: z.number().nullable(),
      bytesRead: z.number(),
    }),
  },
} as const;
