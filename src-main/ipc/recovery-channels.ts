/**
 * The recovery channels (issue 14): the incident behind a trip, a snapshot's
 * diff, rollback, sign-out and data delete. Kept beside channels.ts (which
 * spreads them into its map) so that file stays one screenful per concern;
 * the same rules apply: strict arguments, and each result schema tied to the
 * core type in recovery-types.ts by exact equality (`RecoveryTies`).
 *
 * The two destructive-by-name actions (rollback, data delete) take a typed
 * confirmation: the droplet's own profile name, as the person typed it. The
 * schema refuses a mismatch here, before any core code runs, so a view that
 * sent `confirm: true` or a stale name cannot act on the wrong droplet.
 */
import { z } from 'zod';
import type { DataDeleteResult, FileDiff, Incident, RollbackResult, RollbackStep, SignoutResult, SnapshotDiff } from '../core/recovery/recovery-types.js';
import { confirmTrue, opId, profileName } from './schemas.js';
import type { Assert, Tie } from './type-tie.js';

/** A snapshot folder name as the contract writes it (`YYYYMMDDTHHMMSSZ-label`): no path, no `..`; the core checks it again. */
export const snapshotName = z.string().regex(/^[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9._-]{1,200}$/, 'a snapshot name looks like 20261201T040000Z-label (see the snapshot list)');

/** The typed confirmation: exactly the droplet's name (the same rule as the CLI's `--confirm <droplet-name>`). */
const typedConfirm = z.string().max(64);
const matchesName = (a: { name: string; confirm: string }): boolean => a.confirm === a.name;
const mismatch = (what: string) => ({ message: `type the droplet's name exactly to confirm ${what}`, path: ['confirm'] });

const logLine = z.object({ stream: z.enum(['stdout', 'stderr']), ts: z.string().nullable(), text: z.string() });

const incident = z.object({
  source: z.enum(['breaker', 'receipt']),
  trippedAt: z.string().nullable(),
  reason: z.string().nullable(),
  by: z.string().nullable(),
  stillTripped: z.boolean(),
  container: z.string(),
  restarts: z.array(z.object({ at: z.string(), exitCode: z.number().nullable(), diedAt: z.string().nullable(), logs: z.array(logLine), logsTruncated: z.boolean() })),
  changes: z.array(
    z.object({
      seq: z.number(),
      ts: z.string(),
      turn: z.string().nullable(),
      ok: z.boolean(),
      snapshot: z.string().nullable(),
      snapshotFound: z.boolean(),
      label: z.string().nullable(),
      reason: z.string().nullable(),
      files: z.array(z.string()),
      reply: z.string().nullable(),
      replyNote: z.string().nullable(),
    }),
  ),
  suggestion: z.object({ snapshot: z.string(), seq: z.number(), why: z.string() }).nullable(),
  warnings: z.array(z.string()),
});

const fileDiff = z.object({
  path: z.string(),
  change: z.enum(['modified', 'added', 'removed', 'mode', 'binary', 'type', 'too-large']),
  modeBefore: z.number().nullable(),
  modeAfter: z.number().nullable(),
  sizeBefore: z.number().nullable(),
  sizeAfter: z.number().nullable(),
  patch: z.string().nullable(),
  patchTruncated: z.boolean(),
});

const snapshotDiff = z.object({
  from: z.object({ kind: z.literal('snapshot'), name: z.string() }),
  to: z.discriminatedUnion('kind', [z.object({ kind: z.literal('snapshot'), name: z.string() }), z.object({ kind: z.literal('current'), path: z.string() })]),
  files: z.array(fileDiff),
  unchanged: z.number(),
  omitted: z.number(),
});

export const rollbackStepName = z.enum(['preflight', 'pause', 'pre-rollback-snapshot', 'stage', 'swap', 'clean-up', 'restart', 'watch']);
const rollbackStep = z.object({ step: rollbackStepName, ok: z.boolean(), ms: z.number(), detail: z.string() });

const rollbackResult = z.object({
  snapshot: z.string(),
  preRollback: z.string(),
  outcome: z.enum(['healthy', 'died', 'unhealthy']),
  healthSeconds: z.number(),
  container: z.object({ state: z.string(), health: z.string().nullable(), restartCount: z.number(), startedAt: z.string().nullable() }),
  steps: z.array(rollbackStep),
  next: z.object({ resume: z.string(), rearm: z.string().nullable(), undo: z.string() }),
});

const signoutResult = z.object({ path: z.string(), entries: z.number(), bytes: z.number(), paused: z.literal(true) });

const dataDeleteResult = z.object({
  droplet: z.string(),
  exportAt: z.string().nullable(),
  deleted: z.array(z.object({ what: z.string(), path: z.string(), bytes: z.number(), status: z.enum(['deleted', 'emptied', 'absent']) })),
  kept: z.array(z.object({ what: z.string(), path: z.string(), why: z.string() })),
  bytes: z.number(),
});

/** The longest watch the console offers (the CLI's default is 60 s); longer belongs in the CLI. */
export const MAX_HEALTH_SECONDS = 600;

export const recoveryChannels = {
  /** The last trip: restarts with exit codes and last log lines, the changes before it, the suggested snapshot. */
  incident: { args: z.object({ name: profileName }).strict(), result: incident },
  /** What a snapshot changed: its tree against another snapshot's or the code now; by default the next newer snapshot (the code just after the change), else the code now. */
  snapshotDiff: {
    args: z.object({ name: profileName, snapshot: snapshotName, against: z.union([snapshotName, z.literal('current')]).optional() }).strict(),
    result: snapshotDiff,
  },
  /** Roll the agent's code back to a snapshot (steps arrive as `progress` events, op `rollback`); never resumes, never re-arms. */
  rollback: {
    args: z
      .object({ name: profileName, snapshot: snapshotName, confirm: typedConfirm, healthSeconds: z.number().int().min(0).max(MAX_HEALTH_SECONDS).optional(), opId: opId.optional() })
      .strict()
      .refine(matchesName, mismatch('the rollback')),
    result: rollbackResult,
  },
  /** Pause, then empty the agent's browser profile: it is logged out of every website. */
  signout: { args: z.object({ name: profileName, confirm: confirmTrue }).strict(), result: signoutResult },
  /** Delete the operator's data on the droplet; refused without an export from this app in the last 24 h unless withoutExport. */
  dataDelete: {
    args: z.object({ name: profileName, confirm: typedConfirm, withoutExport: z.boolean().optional() }).strict().refine(matchesName, mismatch('deleting the data')),
    result: dataDeleteResult,
  },
} as const;

/** Each result schema is exactly its core type (see the top of channels.ts); a drift on either side fails `tsc` here. */
export type RecoveryTies = [
  Assert<Tie<typeof incident, Incident>>,
  Assert<Tie<typeof fileDiff, FileDiff>>,
  Assert<Tie<typeof snapshotDiff, SnapshotDiff>>,
  Assert<Tie<typeof rollbackStep, RollbackStep>>,
  Assert<Tie<typeof rollbackResult, RollbackResult>>,
  Assert<Tie<typeof signoutResult, SignoutResult>>,
  Assert<Tie<typeof dataDeleteResult, DataDeleteResult>>,
];
