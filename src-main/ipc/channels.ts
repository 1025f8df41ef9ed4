/**
 * The channel map: the one contract between the UI and the core. Each entry
 * names its argument schema (validated on the main side before any core code
 * runs) and its result schema (checked before the result leaves, so contract
 * drift fails loudly in tests instead of reaching a view). The renderer
 * imports only the inferred types.
 *
 * Every argument object is strict: an unknown key is refused, so a typo in a
 * view ("confirmed" for "confirm") cannot silently drop a safety field.
 */
import { z } from 'zod';
import type { ChannelName } from './channel-names.js';
import {
  auditItem, breakerEvent, byName, confirmTrue, dropletState, fingerprint, flagResult, opId, profileInput, profileName, profileView, trustChange, trustChannel,
  switchReading, trustLists, warning,
} from './schemas.js';

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

const exportArgs = z
  .object({
    name: profileName,
    /** Where the export goes on THIS machine (the host's save dialog picks it); never overwritten. */
    out: z.string().min(2).max(4096).refine((p) => (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) && !p.includes('\0'), 'out must be an absolute path on this machine'),
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
  warningsList: { args: z.object({ name: profileName.optional() }).strict(), result: z.object({ warnings: z.array(warning) }) },
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
  trayState: { args: none, result: z.object({ icon: trayIcon, tooltip: z.string(), droplets: z.array(dropletState), mutedUntil: z.string().nullable() }) },
  notificationsMute: { args: z.object({ hours: z.union([z.literal(0), z.literal(1), z.literal(8), z.literal(24)]) }).strict(), result: z.object({ mutedUntil: z.string().nullable() }) },
} as const satisfies Record<ChannelName, { args: z.ZodType; result: z.ZodType }>;

export const channels = channelMap;
export type Channels = typeof channelMap;
/** What a caller passes (defaults not yet applied). */
export type ArgsOf<C extends ChannelName> = z.input<Channels[C]['args']>;
/** What a handler receives after validation. */
export type ParsedArgsOf<C extends ChannelName> = z.output<Channels[C]['args']>;
export type ResultOf<C extends ChannelName> = z.output<Channels[C]['result']>;
export type TrayIcon = z.infer<typeof trayIcon>;
export { breakerEvent };
