/**
 * The channel map: the one contract between the UI and the core. Each entry
 * names its argument schema (validated on the main side before any core code
 * runs) and its result schema (checked before the result leaves, so contract
 * drift fails loudly in tests instead of reaching a view). The renderer
 * imports only the inferred types.
 *
 * Every argument object is strict: an unknown key is refused, so a typo in a
 * view ("confirmed" for "confirm") cannot silently drop a safety field.
 *
 * Each result schema that describes a core type is tied to it at compile
 * time by exact type equality (`ChannelTies` below, `SchemaTies` in
 * schemas.ts, `EventTies` in events.ts; the helpers are in type-tie.ts), so a
 * drift on either side fails `tsc` on the line naming the pair. Exact
 * equality rather than `satisfies z.ZodType<T>`: `satisfies` checks one way
 * only (the schema's output fits T), and the handlers' return types check
 * the other way only loosely. Neither notices an optional field the core
 * gained and the schema lacks; zod strips such a field on the way out, so
 * the UI would never see it and nothing would say so. Results that are the
 * handler's own composition (audit pages, the re-arm answer, profile edits)
 * are checked by the handlers' return types alone.
 */
import { z } from 'zod';
import type { BreakerStatus, BreakerSummary } from '../core/breaker/breaker-actions.js';
import type { CoreStatus } from '../core/controls/status.js';
import type { BackupsListing } from '../core/data/backups.js';
import type { ExportResult } from '../core/data/export.js';
import type { SnapshotListing } from '../core/data/snapshots.js';
import type { AgentStatus } from '../core/docker/agent-status.js';
import type { SandboxCheck } from '../core/sandbox/sandbox-policy.js';
import type { SandboxRunResult } from '../core/sandbox/sandbox-run.js';
import type { Session } from '../core/session/session.js';
import type { TrayIcon as CoreTrayIcon } from '../core/tray/tray-state.js';
import type { RotateResult } from '../core/vault/rotate.js';
import type { VaultStatus } from '../core/vault/status.js';
import type { VerifyReport } from '../core/vault/verify.js';
import { auditSearchChannels } from './audit-search-channel.js';
import { auditWindowChannels } from './audit-window-channel.js';
import type { ChannelName } from './channel-names.js';
import { recoveryChannels } from './recovery-channels.js';
import {
  auditItem,
  breakerEvent,
  byName,
  confirmTrue,
  dropletState,
  fingerprint,
  flagResult,
  mirrorCapMB,
  opId,
  profileInput,
  profileName,
  profileView,
  trustChange,
  trustChannel,
  switchReading,
  trustLists,
  warning,
} from './schemas.js';
import type { Assert, Tie } from './type-tie.js';

const none = z.object({}).strict();
const withConfirm = z.object({ name: profileName, confirm: confirmTrue }).strict();
const trustEdit = z.object({ name: profileName, channel: trustChannel, id: z.string().min(1).max(320) }).strict();

const breakerStatus = z.object({
  state: z.enum(['armed', 'tripped', 'unreadable']),
  trippedAt: z.string().nullable(),
  reason: z.string().nullable(),
  restarts: z.array(z.string()),
  rearmedAt: z.string().nullable(),
  by: z.string().nullable(),
  /** null: JARVIS_ETERNAL_LOOP could not be read with certainty (see the status's switch). */
  eternalLoop: z.boolean().nullable(),
});

const agentView = z.object({
  name: z.string(),
  state: z.string(),
  health: z.string().nullable(),
  image: z.string().nullable(),
  startedAt: z.string().nullable(),
  restartCount: z.number(),
  restartsLastHour: z.number(),
});

const statusResult = z.object({
  droplet: z.object({ host: z.string(), port: z.number(), user: z.string(), hostKey: z.string().nullable(), kind: z.enum(['ssh', 'local']) }),
  connected: z.boolean(),
  flags: z.object({ selfModifyAllowed: z.boolean().nullable(), eternalLoop: z.boolean().nullable(), envFile: z.string(), envPresent: z.boolean(), switch: switchReading }),
  trust: trustLists,
  breaker: breakerStatus.omit({ eternalLoop: true }),
  /** The agent container, or null with the reason when Docker could not be asked. */
  agent: agentView.nullable(),
  agentError: z.string().nullable(),
});

const tally = { tokens: z.number(), primary: z.number(), retired: z.number(), byKey: z.record(z.string(), z.number()) };

const vaultStatus = z.object({
  primary: z.object({ id: z.string(), created: z.string(), ageDays: z.number(), rotationDue: z.boolean(), rotationDueAt: z.string() }),
  entries: z.array(z.object({ name: z.string(), updated: z.string() })),
  retired: z.array(z.object({ id: z.string(), created: z.string(), retired: z.string(), purgeableFrom: z.string(), purgeable: z.boolean() })),
  keyringMode: z.string(),
  keyringModeOk: z.boolean(),
});

const vaultVerify = z.object({
  ok: z.boolean(),
  primaryKeyId: z.string(),
  keyringMode: z.string(),
  keyringModeOk: z.boolean(),
  vault: z.object({ ...tally, present: z.boolean(), badEntries: z.array(z.string()) }),
  archive: z.object({ ...tally, present: z.boolean(), lines: z.number(), badLines: z.array(z.number()), badCount: z.number() }),
});

const vaultRotate = z.object({
  newKeyId: z.string(),
  retiredKeyId: z.string(),
  vaultEntries: z.number(),
  archiveLines: z.number(),
  archiveTokens: z.number(),
  carriedLines: z.number(),
  verify: z.object({ ok: z.boolean(), primary: z.number(), retired: z.number() }),
  warnings: z.array(z.string()),
});

const sandboxCheck = z.object({
  checked: z.number(),
  containers: z.array(z.object({ id: z.string(), name: z.string(), state: z.string() })),
  violations: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      setting: z.enum(['NetworkMode', 'ReadonlyRootfs', 'Memory']),
      expected: z.union([z.string(), z.number(), z.boolean()]),
      actual: z.union([z.string(), z.number(), z.boolean()]).nullable(),
    }),
  ),
});

const sandboxRun = z.object({
  exitCode: z.number(),
  timedOut: z.boolean(),
  aborted: z.boolean(),
  containerId: z.string(),
  image: z.string(),
  elapsedMs: z.number(),
  /** Output kept for the result (the live copy arrives as `output` events); cut at 64 KiB each. */
  stdout: z.string(),
  stderr: z.string(),
  outputTruncated: z.boolean(),
});

const snapshotsList = z.object({
  dir: z.string(),
  snapshots: z.array(z.object({ name: z.string(), label: z.string(), time: z.string(), size: z.number() })),
  ignored: z.array(z.string()),
  /** Entries that are links (never followed): the agent does not make these, so they are a warning. */
  links: z.array(z.string()),
  warning: z.string().nullable(),
});

const backupsList = z.object({
  volume: z.string(),
  files: z.array(z.object({ name: z.string(), mtime: z.number(), size: z.number(), time: z.string() })),
  health: z.object({
    ok: z.boolean(),
    count: z.number(),
    totalBytes: z.number(),
    latest: z.object({ name: z.string(), ageHours: z.number() }).nullable(),
    missingDays: z.array(z.string()),
    expired: z.array(z.string()),
    foreign: z.array(z.string()),
    problems: z.array(z.string()),
  }),
});

const absolutePath = z
  .string()
  .min(2)
  .max(4096)
  .refine((p) => (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) && !p.includes('\0'), 'out must be an absolute path on this machine');

const exportArgs = z
  .object({
    name: profileName,
    /** Where the export goes on THIS machine (the host's save dialog picks it); never overwritten. */
    out: absolutePath,
    includeSecrets: z.boolean().optional(),
    confirm: z.literal(true).optional(),
    opId: opId.optional(),
  })
  .strict()
  .refine((a) => !a.includeSecrets || a.confirm === true, { message: 'exporting the vault tokens needs confirm: true (ask the person first)', path: ['confirm'] });

const exportResult = z.object({
  out: z.string(),
  bytes: z.number(),
  counts: z.object({ waitlist: z.number(), conversation: z.number(), undecryptable: z.number(), activity: z.number(), receipts: z.number(), vaultEntries: z.number() }),
  warnings: z.array(z.string()),
});

export const trayIcon = z.enum(['armed', 'paused', 'tripped', 'warning', 'disconnected']);

const channelMap = {
  profilesList: { args: none, result: z.object({ profiles: z.array(profileView) }) },
  profilesAdd: { args: z.object({ profile: profileInput }).strict(), result: z.object({ profile: profileView }) },
  profilesRemove: { args: byName, result: z.object({ removed: z.boolean() }) },
  /** First connect to an unpinned droplet returns the offered key; nothing is pinned until confirmHostKey. */
  connect: {
    args: byName,
    result: z.discriminatedUnion('status', [
      z.object({ status: z.literal('connected'), hostKey: fingerprint.nullable() }),
      z.object({ status: z.literal('confirm-host-key'), host: z.string(), port: z.number(), keyType: z.string(), offered: fingerprint }),
    ]),
  },
  confirmHostKey: { args: z.object({ name: profileName, fingerprint }).strict(), result: z.object({ status: z.literal('connected'), hostKey: fingerprint }) },
  disconnect: { args: byName, result: z.object({ disconnected: z.boolean() }) },
  connections: { args: none, result: z.object({ droplets: z.array(dropletState) }) },
  status: { args: byName, result: statusResult },
  pause: { args: byName, result: flagResult },
  pauseAll: {
    args: none,
    result: z.object({
      results: z.array(z.object({ name: profileName, ok: z.boolean(), selfModifyAllowed: z.boolean().nullable(), changed: z.boolean().nullable(), error: z.string().nullable() })),
    }),
  },
  resume: { args: withConfirm, result: flagResult },
  /** Hold-pause on or off for one droplet (saved with its profile). */
  holdPauseSet: { args: z.object({ name: profileName, on: z.boolean() }).strict(), result: dropletState },
  /** This desktop's audit mirror cap for one droplet (mb null: the default); reconnect: a running feed keeps the old cap until the next connect. */
  mirrorCapSet: { args: z.object({ name: profileName, mb: mirrorCapMB.nullable() }).strict(), result: z.object({ profile: profileView, reconnect: z.boolean() }) },
  trustList: { args: byName, result: trustLists },
  trustAdd: { args: trustEdit, result: trustChange },
  trustRevoke: { args: trustEdit, result: trustChange },
  breakerStatus: { args: byName, result: breakerStatus },
  breakerRearm: { args: withConfirm, result: z.object({ state: z.literal('armed'), rearmedAt: z.string().nullable() }) },
  auditQuery: {
    args: z
      .object({
        name: profileName,
        fromSeq: z.number().int().min(0).optional(),
        lines: z.number().int().min(0).max(5000).optional(),
        receipts: z.boolean().optional(),
        limit: z.number().int().min(1).max(5000).default(500),
      })
      .strict(),
    result: z.object({ items: z.array(auditItem), truncated: z.boolean(), delivered: z.number(), gaps: z.number(), alerts: z.number() }),
  },
  /** Live records arrive as `audit` events until auditUnfollow or disconnect. */
  auditFollow: {
    args: z.object({ name: profileName, receipts: z.boolean().optional(), lines: z.number().int().min(0).max(1000).optional() }).strict(),
    result: z.object({ following: z.literal(true) }),
  },
  auditUnfollow: { args: byName, result: z.object({ following: z.literal(false) }) },
  // auditSearch (the whole trail, from this desktop's mirror): audit-search-channel.ts.
  ...auditSearchChannels,
  // auditWindow (a stretch by seq, or the seq at a time, from the mirror): audit-window-channel.ts.
  ...auditWindowChannels,
  warningsList: { args: z.object({ name: profileName.optional() }).strict(), result: z.object({ warnings: z.array(warning) }) },
  /** Acknowledge one warning by id, or every open one (of one droplet, or all); the result is the ones that changed. */
  warningsAcknowledge: {
    args: z.union([z.object({ id: z.string().min(1).max(64) }).strict(), z.object({ all: z.literal(true), name: profileName.optional() }).strict()], {
      error: 'name one warning ({ id }) or every open one ({ all: true }, with an optional droplet name)',
    }),
    result: z.object({ warnings: z.array(warning) }),
  },
  vaultStatus: { args: byName, result: vaultStatus },
  vaultRotate: { args: z.object({ name: profileName, confirm: confirmTrue, opId: opId.optional() }).strict(), result: vaultRotate },
  vaultVerify: { args: z.object({ name: profileName, opId: opId.optional() }).strict(), result: vaultVerify },
  sandboxCheck: { args: byName, result: sandboxCheck },
  sandboxRun: {
    args: z
      .object({
        name: profileName,
        cmd: z.array(z.string().max(4096)).min(1, 'cmd needs at least the program to run').max(64),
        image: z.string().min(1).max(256).optional(),
        timeoutSec: z.number().int().min(1).max(3600).optional(),
        opId: opId.optional(),
      })
      .strict(),
    result: sandboxRun,
  },
  snapshotsList: { args: byName, result: snapshotsList },
  backupsList: { args: byName, result: backupsList },
  exportData: { args: exportArgs, result: exportResult },
  /** The host's save dialog (Electron): out is null when the person cancels. A host without one refuses. */
  exportChooseFile: { args: byName, result: z.object({ out: absolutePath.nullable() }) },
  trayState: { args: none, result: z.object({ icon: trayIcon, tooltip: z.string(), droplets: z.array(dropletState), mutedUntil: z.string().nullable() }) },
  notificationsMute: { args: z.object({ hours: z.union([z.literal(0), z.literal(1), z.literal(8), z.literal(24)]) }).strict(), result: z.object({ mutedUntil: z.string().nullable() }) },
  // incident, snapshotDiff, rollback, signout, dataDelete: recovery-channels.ts (tied there).
  ...recoveryChannels,
} as const satisfies Record<ChannelName, { args: z.ZodType; result: z.ZodType }>;

/** What a session method gives back (awaited). */
type Outcome<M extends keyof Session> = Session[M] extends (...a: never[]) => infer R ? Awaited<R> : never;

/** Each result schema is exactly the core type it carries (see the top of this file); a drift on either side fails `tsc` here. */
export type ChannelTies = [
  Assert<Tie<typeof breakerStatus, BreakerStatus>>,
  Assert<Tie<typeof statusResult.shape.breaker, BreakerSummary>>,
  Assert<Tie<typeof agentView, AgentStatus>>,
  // The IPC status is the core's plus the agent container (or why Docker could not be asked).
  Assert<Tie<typeof statusResult, CoreStatus & { agent: AgentStatus | null; agentError: string | null }>>,
  Assert<Tie<typeof vaultStatus, VaultStatus>>,
  Assert<Tie<typeof vaultVerify, VerifyReport>>,
  Assert<Tie<typeof vaultRotate, RotateResult>>,
  Assert<Tie<typeof sandboxCheck, SandboxCheck>>,
  // The run's result plus the output kept for it (the live copy goes out as `output` events).
  Assert<Tie<typeof sandboxRun, SandboxRunResult & { stdout: string; stderr: string; outputTruncated: boolean }>>,
  Assert<Tie<typeof snapshotsList, SnapshotListing>>,
  Assert<Tie<typeof backupsList, BackupsListing>>,
  Assert<Tie<typeof exportResult, ExportResult>>,
  Assert<Tie<typeof trayIcon, CoreTrayIcon>>,
  Assert<Tie<Channels['connect']['result'], Outcome<'connect'>>>,
  Assert<Tie<Channels['confirmHostKey']['result'], Outcome<'confirmHostKey'>>>,
  Assert<Tie<Channels['pauseAll']['result']['shape']['results'], Outcome<'pauseAll'>>>,
  Assert<Tie<Channels['pause']['result'], Outcome<'pause'>>>,
  Assert<Tie<Channels['resume']['result'], Outcome<'resume'>>>,
  Assert<Tie<Channels['holdPauseSet']['result'], Outcome<'setHoldPause'>>>,
  Assert<Tie<Channels['warningsAcknowledge']['result']['shape']['warnings'], Outcome<'acknowledgeWarnings'>>>,
  Assert<Tie<Channels['connections']['result']['shape']['droplets'], Outcome<'states'>>>,
  Assert<Tie<Channels['warningsList']['result']['shape']['warnings'], Outcome<'warnings'>>>,
  Assert<Tie<Channels['trayState']['result']['shape']['droplets'], Outcome<'states'>>>,
];

export const channels = channelMap;
export type Channels = typeof channelMap;
/** What a caller passes (defaults not yet applied). */
export type ArgsOf<C extends ChannelName> = z.input<Channels[C]['args']>;
/** What a handler receives after validation. */
export type ParsedArgsOf<C extends ChannelName> = z.output<Channels[C]['args']>;
export type ResultOf<C extends ChannelName> = z.output<Channels[C]['result']>;
export type TrayIcon = z.infer<typeof trayIcon>;
export { breakerEvent };
