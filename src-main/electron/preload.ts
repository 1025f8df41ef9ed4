/**
 * The preload: exposes ONE named object, `window.stratam`, with one method
 * per channel (never a generic invoke that takes a channel name) and `on`
 * for pushed events by name. Runs sandboxed: it imports only electron and
 * the name lists.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNEL_NAMES, EVENT_CHANNEL, EVENT_NAMES, IPC_PREFIX, type EventName } from '../ipc/channel-names.js';

const api: Record<string, unknown> = {};
for (const name of CHANNEL_NAMES) {
  api[name] = (args: unknown) => ipcRenderer.invoke(`${IPC_PREFIX}${name}`, args ?? {});
}

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();
ipcRenderer.on(EVENT_CHANNEL, (_e: IpcRendererEvent, msg: { event?: unknown; payload?: unknown }) => {
  const set = listeners.get(msg?.event as EventName);
  if (set) for (const l of set) l(msg.payload);
});

api.on = (event: EventName, listener: Listener) => {
  if (!(EVENT_NAMES as readonly string[]).includes(event) || typeof listener !== 'function') throw new Error(`Unknown event "${String(event)}".`);
  const set = listeners.get(event) ?? new Set<Listener>();
  set.add(listener);
  listeners.set(event, set);
  return () => void set.delete(listener);
};

contextBridge.exposeInMainWorld('stratam', Object.freeze(api));
