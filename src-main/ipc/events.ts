/**
 * Events the main side pushes to the UI, one schema each. They travel on one
 * channel (EVENT_CHANNEL) as `{event, payload}`; the preload hands each to the
 * listeners registered for that name only.
 */
import { z } from 'zod';
import type { SessionEvent } from '../core/session/session-events.js';
import type { aggregateIcon } from '../core/tray/tray-state.js';
import type { EventName } from './channel-names.js';
import { trayIcon } from './channels.js';
import { auditItem, breakerEvent, dropletState, linkState, opId, pauseQueueEvent, profileName, warning } from './schemas.js';
import type { Assert, Tie } from './type-tie.js';

const eventMap = {
  /** A droplet's link changed (and the aggregate status value with it). */
  link: z.object({ name: profileName, link: linkState, droplet: dropletState }),
  audit: z.object({ name: profileName, item: auditItem }),
  warning,
  breaker: breakerEvent,
  progress: z.object({
    opId: opId.nullable(),
    name: profileName,
    op: z.enum(['vaultRotate', 'vaultVerify', 'sandboxRun', 'auditQuery', 'exportData', 'rollback']),
    phase: z.string(),
    done: z.number(),
    total: z.number(),
  }),
  output: z.object({ opId: opId.nullable(), name: profileName, stream: z.enum(['stdout', 'stderr']), text: z.string() }),
  tray: z.object({ icon: trayIcon, tooltip: z.string(), droplets: z.array(dropletState) }),
  /** A Pause pressed while the link was down: queued, then applied on reconnect (or failed). */
  pauseQueue: pauseQueueEvent,
} as const satisfies Record<EventName, z.ZodType>;

/** The payloads that carry a session event field for field are exactly it (see the top of channels.ts); `audit` carries a view of the item (views.ts). */
type EventOf<T extends SessionEvent['type']> = Omit<Extract<SessionEvent, { type: T }>, 'type'>;
export type EventTies = [
  Assert<Tie<typeof eventMap.link, EventOf<'link'>>>,
  Assert<Tie<typeof eventMap.progress, EventOf<'progress'>>>,
  Assert<Tie<typeof eventMap.output, EventOf<'output'>>>,
  Assert<Tie<typeof eventMap.pauseQueue, EventOf<'pauseQueue'>>>,
  Assert<Tie<typeof eventMap.tray, ReturnType<typeof aggregateIcon> & EventOf<'state'>>>,
];

export const events = eventMap;
export type Events = typeof eventMap;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export type PushedEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];
