/**
 * Which OS notifications to show: a breaker trip (by the tray or the
 * droplet) or one that could not be written, a tier-1 fabrication, a blocked
 * command that ran anyway, a control-plane change no receipt explains,
 * hold-pause's revert (or its failure), a destructive call that ran while
 * paused, and a connection lost for more than 2 minutes. Each event has a
 * key and is shown at most once; while muted, events are still marked seen so
 * unmuting does not replay a backlog. Pure: the clock is passed in.
 *
 * Results of the person's own actions (the double-click pause) are not alerts
 * and bypass mute: they answer a click.
 */
import type { DropletState } from '../session/droplet-state.js';

export const CONNECTION_LOST_MS = 2 * 60_000;
const MAX_SEEN = 2000;

export type Trigger =
  | { kind: 'breaker-tripped'; name: string; by: string | null; at: string | null; reason: string | null }
  | { kind: 'fabrication'; name: string; tier: number; id: string; phrases: string[] }
  | { kind: 'blocked-command-ran'; name: string; seq: number; detail: string }
  /** A control-plane change no receipt explains; `id` makes each detection its own notification. */
  | { kind: 'control-tampered'; name: string; id: string; detail: string; reverting: boolean }
  | { kind: 'hold-pause'; name: string; id: string; ok: boolean; detail: string }
  | { kind: 'destructive-while-paused'; name: string; seq: number; detail: string }
  | { kind: 'trip-failed'; name: string; at: string; detail: string }
  /** What was judged after a start or a reconnect, in one notification instead of a storm (see session/catch-up.ts). */
  | { kind: 'digest'; name: string; id: string; lines: string[] };

export interface Notification {
  key: string;
  title: string;
  body: string;
  urgency: 'critical' | 'normal';
  /** The droplet to open when the notification is clicked. */
  name: string | null;
  /** The view a click opens on that droplet (default: its dashboard): a trip opens its incident, the why and the way back. */
  view?: 'incident';
}

export class NotificationPolicy {
  private seen = new Set<string>();
  private mutedUntilMs: number | null = null;

  get mutedUntil(): number | null {
    return this.mutedUntilMs;
  }

  /** hours 0 unmutes. */
  mute(hours: 0 | 1 | 8 | 24, now: number): number | null {
    this.mutedUntilMs = hours === 0 ? null : now + hours * 3_600_000;
    return this.mutedUntilMs;
  }

  isMuted(now: number): boolean {
    return this.mutedUntilMs !== null && now < this.mutedUntilMs;
  }

  /** The notification for an event, or null (repeat, muted, or not a notifying event). */
  consider(t: Trigger, now: number): Notification | null {
    const n = this.build(t);
    return n ? this.gate(n, now) : null;
  }

  /** Connection-lost check; call it on every state change and on a timer. */
  tick(states: readonly DropletState[], now: number): Notification[] {
    const out: Notification[] = [];
    for (const s of states) {
      // idle/closed: never connected or disconnected on purpose; no alert.
      if (s.downSince === null || s.link.state === 'connected' || s.link.state === 'closed' || s.link.state === 'idle') continue;
      const downMs = now - Date.parse(s.downSince);
      if (downMs <= CONNECTION_LOST_MS) continue;
      const n = this.gate(
        {
          key: `lost:${s.name}:${s.downSince}`,
          title: `${s.name}: connection lost`,
          body: `No connection to ${s.name} for ${Math.round(downMs / 60_000)} minutes. Pause and the breaker cannot be applied until it is back.${s.link.state === 'failed' ? ` ${s.link.reason}` : ' Still retrying.'}`,
          urgency: 'critical',
          name: s.name,
        },
        now,
      );
      if (n) out.push(n);
    }
    return out;
  }

  private gate(n: Notification, now: number): Notification | null {
    if (this.seen.has(n.key)) return null;
    this.seen.add(n.key);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.values().next().value as string);
    return this.isMuted(now) ? null : n;
  }

  private build(t: Trigger): Notification | null {
    switch (t.kind) {
      case 'breaker-tripped':
        return {
          key: `breaker:${t.name}:${t.at ?? 'unknown'}`,
          title: `${t.name}: breaker tripped`,
          body: `${t.by === 'tray' ? 'This app tripped the breaker' : t.by === 'droplet' ? 'The droplet tripped its breaker' : 'The breaker is tripped'}${t.reason ? ` (${t.reason})` : ''}. The eternal loop is off until you re-arm it. Click to see why.`,
          urgency: 'critical',
          name: t.name,
          view: 'incident',
        };
      case 'fabrication':
        if (t.tier !== 1) return null;
        return {
          key: `fab:${t.name}:${t.id}`,
          title: `${t.name}: the agent claimed an action it did not take`,
          body:
            t.phrases.length > 0
              ? `It said ${t.phrases
                  .slice(0, 2)
                  .map((p) => `"${p}"`)
                  .join(', ')} with no tool call backing it.`
              : 'A reply claims a finished action that no tool call in its turn backs.',
          urgency: 'critical',
          name: t.name,
        };
      case 'blocked-command-ran':
        return {
          key: `blocked:${t.name}:${t.seq}`,
          title: `${t.name}: a blocked command ran`,
          body: `Audit record ${t.seq}: ${t.detail}`,
          urgency: 'critical',
          name: t.name,
        };
      case 'control-tampered':
        return {
          key: `tamper:${t.name}:${t.id}`,
          title: `${t.name}: the off switch was tampered with`,
          body: `${t.detail}.${t.reverting ? ' Hold-pause is putting the pause back.' : ''}`,
          urgency: 'critical',
          name: t.name,
        };
      case 'hold-pause':
        return {
          key: `hold:${t.name}:${t.id}`,
          title: t.ok ? `${t.name}: pause restored` : `${t.name}: hold-pause FAILED`,
          body: t.detail,
          urgency: t.ok ? 'normal' : 'critical',
          name: t.name,
        };
      case 'trip-failed':
        return {
          key: `trip-failed:${t.name}:${t.at}`,
          title: `${t.name}: the breaker could NOT be tripped`,
          body: t.detail,
          urgency: 'critical',
          name: t.name,
        };
      case 'digest':
        return {
          key: `digest:${t.name}:${t.id}`,
          title: `${t.name}: while you were away`,
          body: `${t.lines.join(', ')}. Open Warnings to review them.`,
          urgency: 'critical',
          name: t.name,
        };
      case 'destructive-while-paused':
        return {
          key: `paused-ran:${t.name}:${t.seq}`,
          title: `${t.name}: a destructive call ran while paused`,
          body: `Audit record ${t.seq}: ${t.detail}`,
          urgency: 'critical',
          name: t.name,
        };
    }
  }
}
