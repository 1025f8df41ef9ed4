/**
 * Schemas shared by several channels and events. Names and limits repeat the
 * core's own rules (profile-store.ts, identifiers.ts) so a bad value is
 * refused here, at the boundary, before any core code runs.
 */
import { z } from 'zod';
import type { Diagnostic } from '../core/audit/diagnostics.js';
import type { DropletPaths, DropletProfile } from '../core/config/profile.js';
import { pathsSchema, profileSchema } from '../core/config/profile-store.js';
import type { FlagResult } from '../core/controls/pause.js';
import type { SwitchReading } from '../core/controls/switch-state.js';
import type { TrustChange, TrustLists } from '../core/controls/trust.js';
import { TRUST_CHANNELS } from '../core/flags/identifiers.js';
import type { DropletState, Warning } from '../core/session/droplet-state.js';
import type { SessionEvent } from '../core/session/session-events.js';
import type { LinkState } from '../core/ssh/link-state.js';
import type { Assert, Exact, Tie } from './type-tie.js';

export const profileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a droplet name is 1-64 letters, digits, dot, dash or underscore');
export const fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a host key fingerprint looks like SHA256: followed by 43 base64 characters');
/** Ties progress and output events to the request that started them. */
export const opId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an operation id is 1-64 letters, digits, dash or underscore');
export const confirmTrue = z.literal(true, { error: 'this action needs confirm: true (ask the person first)' });
export const trustChannel = z.enum(TRUST_CHANNELS);
export const iso = z.string();

export const byName = z.object({ name: profileName }).strict();

/** A profile as the UI adds it: no fingerprint (pinned only after confirmation), no secrets. */
export const profileInput = z
  .object({
    name: profileName,
    host: profileSchema.shape.host,
    port: z.number().int().min(1).max(65535).default(22),
    user: profileSchema.shape.user,
    identityFile: z.string().min(1).max(4096).optional(),
    knownHostsFile: z.string().min(1).max(4096).optional(),
    edgeUrl: profileSchema.shape.edgeUrl,
    paths: pathsSchema.partial().strict().optional(),
  })
  .strict();

export const profileView = z.object({
  name: profileName,
  transport: z.enum(['ssh', 'local']),
  host: z.string(),
  port: z.number(),
  user: z.string(),
  identityFile: z.string().nullable(),
  fingerprint: z.string().nullable(),
  edgeUrl: z.string().nullable(),
  /** The audit mirror's cap in MiB; null: the default (DEFAULT_MIRROR_CAP_BYTES); 0: no mirror. */
  mirrorCapMB: z.number().nullable(),
  paths: pathsSchema,
});

/** A mirror cap as the console sets it: the profile store's rule (integer MiB, 0 to 1,048,576), with messages that say what to type. */
export const mirrorCapMB = z
  .number({ error: 'the cap is a number of MB (0 keeps no copy)' })
  .int({ error: 'the cap is a whole number of MB, without a fraction' })
  .min(0, { error: 'the cap cannot be negative: 0 keeps no copy on this desktop' })
  .max(1024 * 1024, { error: 'the cap is at most 1048576 MB (1 TiB)' });

export const linkState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('connecting'), attempt: z.number() }),
  z.object({ state: z.literal('connected'), since: iso, hostKey: z.string() }),
  z.object({ state: z.literal('reconnecting'), attempt: z.number(), delayMs: z.number(), at: iso, reason: z.string() }),
  z.object({ state: z.literal('failed'), reason: z.string(), hostKeyRefused: z.boolean() }),
  z.object({ state: z.literal('closed') }),
]);

/** The off switch as read: never paused or allowed unless it was read with certainty (core/controls/switch-state.ts). */
export const switchReading = z.object({
  selfModify: z.enum(['paused', 'allowed', 'unknown']),
  eternalLoop: z.enum(['armed', 'off', 'unknown']),
  unknown: z.object({ reason: z.enum(['no-file', 'no-folder', 'unreadable', 'not-regular', 'grammar', 'link-down']), detail: z.string(), fix: z.string() }).nullable(),
});

/** One droplet as the tray and dashboard see it: the single status value the icon derives from. */
export const dropletState = z.object({
  name: profileName,
  link: linkState,
  /** When the link last left `connected` (null while connected or never connected). */
  downSince: iso.nullable(),
  /** JARVIS_SELF_MODIFY_ALLOWED as last read: false = paused; null = not read yet, or unknown (see switch). */
  selfModifyAllowed: z.boolean().nullable(),
  /** The switch as last read, with why when unknown; null before the first read. */
  switch: switchReading.nullable(),
  /** The number of the read the values come from (a newer read always replaces an older). */
  readSeq: z.number().int().min(0),
  breaker: z.enum(['armed', 'tripped', 'unreadable']).nullable(),
  /** Hold-pause: enabled for this droplet, and holding a pause in place now. */
  hold: z.object({ enabled: z.boolean(), active: z.boolean() }),
  /** Unacknowledged tier-1 fabrication warnings. */
  fabrications: z.number().int().min(0),
  /** When the flags were last read successfully. */
  checkedAt: iso.nullable(),
});

export const auditRecordView = z.object({
  stream: z.enum(['activity', 'receipts']),
  seq: z.number(),
  value: z.record(z.string(), z.unknown()),
  /** The exact line as text (invalid UTF-8 shown as U+FFFD). */
  text: z.string(),
  sha256: z.string(),
  fileId: z.string(),
  offset: z.number(),
});

/** Diagnostics pass through as the core emits them (see core/audit/diagnostics.ts): always a `kind`. */
export const auditDiagnostic = z.object({ kind: z.enum(['gap', 'malformed', 'truncated', 'connection', 'alert', 'control']) }).passthrough();

export const auditItem = z.discriminatedUnion('type', [z.object({ type: z.literal('record'), record: auditRecordView }), z.object({ type: z.literal('diagnostic'), diagnostic: auditDiagnostic })]);

export const warning = z.object({
  id: z.string(),
  name: profileName,
  at: iso,
  kind: z.enum(['fabrication', 'blocked-command-ran', 'audit-rewritten', 'audit-rollback', 'sandbox-violation', 'watch-failed', 'control-tampered', 'hold-pause', 'destructive-while-paused']),
  severity: z.enum(['critical', 'warning', 'info']),
  /** Fabrication tier (1 done, 2 happening, 3 about to); null for other kinds. */
  tier: z.number().int().min(1).max(3).nullable(),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()),
  /** When the person acknowledged it (console or tray); absent while it is open. */
  acknowledgedAt: iso.optional(),
});

export const breakerEvent = z.object({
  name: profileName,
  event: z.enum(['tripped', 'rearmed']),
  by: z.string().nullable(),
  at: iso.nullable(),
  reason: z.string().nullable(),
  restarts: z.array(z.string()),
});

export const flagResult = z.object({ selfModifyAllowed: z.boolean(), changed: z.boolean(), verified: z.literal(true), ownerNote: z.string().nullable() });

/** A pause queued while the link was down, then applied on reconnect or failed (core/session/queued-pause.ts). */
export const pauseQueueEvent = z.object({ name: profileName, phase: z.enum(['queued', 'applied', 'failed']), at: z.string(), message: z.string(), hint: z.string().nullable() });

export const trustLists = z.object({
  discord: z.object({ owner: z.string().nullable(), trusted: z.array(z.string()) }),
  telegram: z.array(z.string()),
  email: z.array(z.string()),
  sms: z.array(z.string()),
});

export const trustChange = z.object({ channel: trustChannel, id: z.string(), changed: z.boolean(), trusted: z.array(z.string()) });

/** Each schema above that describes a core type is exactly that type (see the top of channels.ts); a drift on either side fails `tsc` here. */
type EventOf<T extends SessionEvent['type']> = Omit<Extract<SessionEvent, { type: T }>, 'type'>;
/** A profile as the UI sees it: an absent optional field is null. What the view leaves out is named, so a new profile field needs a decision. */
type ProfileAsView = {
  [K in Exclude<keyof DropletProfile, 'knownHostsFile' | 'holdPause'>]-?: undefined extends DropletProfile[K] ? Exclude<DropletProfile[K], undefined> | null : DropletProfile[K];
};
export type SchemaTies = [
  Assert<Tie<typeof linkState, LinkState>>,
  Assert<Tie<typeof switchReading, SwitchReading>>,
  Assert<Tie<typeof dropletState, DropletState>>,
  Assert<Tie<typeof warning, Warning>>,
  Assert<Tie<typeof breakerEvent, EventOf<'breaker'>>>,
  Assert<Tie<typeof flagResult, FlagResult>>,
  Assert<Tie<typeof trustLists, TrustLists>>,
  Assert<Tie<typeof trustChange, TrustChange>>,
  Assert<Tie<typeof pathsSchema, DropletPaths>>,
  Assert<Tie<typeof profileView, ProfileAsView>>,
  // Diagnostics pass through whole; the kinds the schema admits are exactly the core's.
  Assert<Exact<z.output<typeof auditDiagnostic>['kind'], Diagnostic['kind']>>,
];

export type LinkStateView = z.infer<typeof linkState>;
export type DropletStateView = z.infer<typeof dropletState>;
export type SwitchReadingView = z.infer<typeof switchReading>;
export type ProfileInput = z.input<typeof profileInput>;
export type ProfileView = z.infer<typeof profileView>;
export type AuditItemView = z.infer<typeof auditItem>;
export type AuditRecordView = z.infer<typeof auditRecordView>;
export type WarningView = z.infer<typeof warning>;
export type BreakerEventView = z.infer<typeof breakerEvent>;
