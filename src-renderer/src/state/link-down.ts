/**
 * What a view says instead of waiting forever (issue 17, "The console in
 * every state"): once a droplet's link is down, or its connect failed, every
 * "Reading…" and "Connecting…" becomes "Not connected" with the core's
 * reason (and its fix, when the connect call gave one). Pure: the store and
 * the views both derive it from the same state.
 */
import type { DropletStateView, EventPayload } from '../../../src-main/ipc/api.js';

/** A failed connect, as the core described it (message, then "Fix: " and its hint). */
export interface ConnectError {
  text: string;
  hostKeyRefused: boolean;
}

/** A reason as a clause inside a sentence (the core's end with a full stop). */
export const clause = (reason: string) => reason.replace(/\.+$/, '');

/** The last `pauseQueue` push for a droplet: queued while the link was down, then applied or failed. */
export type QueuedPause = EventPayload<'pauseQueue'>;

/**
 * "Not connected: <reason>" while the droplet cannot answer, or null while it
 * can (connected) or may still (the first dial, no failure yet). A failed
 * connect call's message and hint stay until a connection succeeds.
 */
export function notConnectedText(name: string, drop: DropletStateView | undefined, connectError: string | null): string | null {
  const link = drop?.link;
  if (link?.state === 'connected') return null;
  if (connectError) return `Not connected: ${connectError}`;
  switch (link?.state) {
    case 'reconnecting':
      return `Not connected: the link to ${name} is down (${clause(link.reason)}); it reconnects by itself.`;
    case 'failed':
      return `Not connected: ${link.reason}`;
    case 'closed':
      return `Not connected: ${name} was disconnected. Connect it from the dashboard.`;
    default:
      // Still dialing, or the page has not heard yet: a real, bounded wait.
      return null;
  }
}

/** The details' fields nobody could read, each given the reason; fields already read keep their (greyed) values. */
export function withNotConnected<D extends { statusError: string | null; vaultError: string | null; sandboxError: string | null; backupsError: string | null; down: string | null }>(
  d: D & { status: unknown; vault: unknown; sandbox: unknown; backups: unknown },
  text: string,
): D {
  // A field holding an earlier "Not connected" takes the newer reason; a real error from a read stays.
  const fill = (value: unknown, error: string | null) => (value === null && (error === null || error === d.down) ? text : error);
  return {
    ...d,
    down: text,
    statusError: fill(d.status, d.statusError),
    vaultError: fill(d.vault, d.vaultError),
    sandboxError: fill(d.sandbox, d.sandboxError),
    backupsError: fill(d.backups, d.backupsError),
  };
}
