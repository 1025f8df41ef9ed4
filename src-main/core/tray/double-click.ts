/**
 * The tray's double-click: pause destructive actions on every droplet the
 * session holds, then tell the person, per droplet, what the read-back
 * showed. It never resumes anything, whatever the current state. A droplet
 * that could not be paused (not connected, write failed) is named as such;
 * silence would read as success.
 */
import type { Notification } from './notify-policy.js';

export interface PauseOutcome {
  name: string;
  ok: boolean;
  selfModifyAllowed: boolean | null;
  changed: boolean | null;
  error: string | null;
}

export interface PausesEverything {
  pauseAll(): Promise<PauseOutcome[]>;
}

export function pauseNotification(results: readonly PauseOutcome[]): Notification {
  if (results.length === 0) {
    return { key: 'pause-all', title: 'Nothing to pause', body: 'No droplet is connected. Connect one from the dashboard.', urgency: 'normal', name: null };
  }
  const failed = results.filter((r) => !r.ok);
  const lines = results.map((r) => (r.ok ? `${r.name}: paused (verified${r.changed ? '' : ', was already paused'})` : `${r.name}: NOT paused: ${r.error ?? 'the flag did not read back as 0'}`));
  return {
    key: 'pause-all',
    title: failed.length === 0 ? `Paused ${results.length} droplet${results.length > 1 ? 's' : ''}` : `${failed.length} of ${results.length} droplets NOT paused`,
    body: lines.join('\n'),
    urgency: failed.length === 0 ? 'normal' : 'critical',
    name: failed.length === 1 ? failed[0]!.name : null,
  };
}

export async function onTrayDoubleClick(session: PausesEverything): Promise<{ results: PauseOutcome[]; notification: Notification }> {
  const results = await session.pauseAll();
  return { results, notification: pauseNotification(results) };
}
