/**
 * Session events → the contract's pushed events. The transport (Electron's
 * webContents.send, the harness's socket) passes a `send`; notifications are
 * not forwarded here: the host shows them as OS notifications.
 */
import type { Session } from '../core/session/session.js';
import type { SessionEvent } from '../core/session/session-events.js';
import { aggregateIcon } from '../core/tray/tray-state.js';
import type { PushedEvent } from './events.js';
import { feedItemToView } from './views.js';

export function toPushedEvent(e: SessionEvent, now: number): PushedEvent | null {
  switch (e.type) {
    case 'link':
      return { event: 'link', payload: { name: e.name, link: e.link, droplet: e.droplet } };
    case 'state': {
      const { icon, tooltip } = aggregateIcon(e.droplets, now);
      return { event: 'tray', payload: { icon, tooltip, droplets: e.droplets } };
    }
    case 'audit':
      return { event: 'audit', payload: { name: e.name, item: feedItemToView(e.item) } };
    case 'warning':
      return { event: 'warning', payload: e.warning };
    case 'breaker':
      return { event: 'breaker', payload: { name: e.name, event: e.event, by: e.by, at: e.at, reason: e.reason, restarts: e.restarts } };
    case 'progress':
      return { event: 'progress', payload: { opId: e.opId, name: e.name, op: e.op, phase: e.phase, done: e.done, total: e.total } };
    case 'output':
      return { event: 'output', payload: { opId: e.opId, name: e.name, stream: e.stream, text: e.text } };
    case 'pauseQueue':
      return { event: 'pauseQueue', payload: { name: e.name, phase: e.phase, at: e.at, message: e.message, hint: e.hint } };
    case 'notify':
      return null;
  }
}

/** Forward every session event to `send`; returns the function that stops forwarding. */
export function bridgeEvents(session: Session, send: (e: PushedEvent) => void): () => void {
  const listener = (e: SessionEvent) => {
    const p = toPushedEvent(e, Date.now());
    if (p) send(p);
  };
  session.on('event', listener);
  return () => session.off('event', listener);
}
