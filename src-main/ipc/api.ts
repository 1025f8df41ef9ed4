/**
 * The shape of the one API object the preload exposes as `window.stratam`
 * (and the browser harness provides over its loopback socket). One method per
 * channel, named after it; no generic invoke. The renderer imports this file
 * for types only.
 */
import type { ChannelName, EventName } from './channel-names.js';
import type { ArgsOf, ResultOf } from './channels.js';
import type { Envelope } from './envelope.js';
import type { EventPayload } from './events.js';

export type StratamApi = {
  [C in ChannelName]: (args: ArgsOf<C>) => Promise<Envelope<ResultOf<C>>>;
} & {
  /** Listen to one pushed event; returns the function that stops listening. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export const API_GLOBAL = 'stratam';

export type { ChannelName, EventName } from './channel-names.js';
export type { ArgsOf, ResultOf, TrayIcon } from './channels.js';
export type { Envelope, IpcError } from './envelope.js';
export type { EventPayload, PushedEvent } from './events.js';
export type * from './schemas.js';
