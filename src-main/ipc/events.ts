/**
 * Events the main side pushes to the UI, one schema each. They travel on one
 * channel (EVENT_CHANNEL) as `{event, payload}`; the preload hands each to the
 * listeners registered for that name only.
 */
import { z } from 'zod';
import type { EventName } from './channel-names.js';
import { trayIcon } from './channels.js';
import { auditItem, breakerEvent, dropletState, linkState, opId, profileName, warning } from './schemas.js';

const eventMap = {
  /** A droplet's link changed (and the aggregate status value with it). */
  link: z.object({ name: profileName, link: linkState, droplet: dropletState }),
  audit: z.object({ name: profileName, item: auditItem }),
  warning,
  breaker: breakerEvent,
  progress: z.object({ opId: opId.nullable(), name: profileName, op: z.enum(['vaultRotate', 'vaultVerify', 'sandboxRun', 'auditQuery', 'exportData']), phase: z.string(), done: z.number(), total: z.number() }),
  output: z.object({ opId: opId.nullable(), name: profileName, stream: z.enum(['stdout', 'stderr']), text: z.string() }),
  tray: z.object({ icon: trayIcon, tooltip: z.string(), droplets: z.array(dropletState) }),
} as const satisfies Record<EventName, z.ZodType>;

export const events = eventMap;
export type Events = typeof eventMap;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export type PushedEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];
