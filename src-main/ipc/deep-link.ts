/**
 * Where a click outside the window (a tray item, an OS notification) opens
 * the console: a droplet, and optionally one view of it. The host builds the
 * address's fragment here; the renderer parses the same shape
 * (src-renderer/src/state/deep-link.ts, which imports nothing from the main
 * side) and a test checks the two agree. Pure.
 */
import type { Notification } from '../core/tray/notify-policy.js';

export type DeepView = 'incident';
export interface DeepLink {
  name: string;
  view: DeepView | null;
}

/** The fragment for a droplet (and view): `#/droplet/<name>` or `#/droplet/<name>/incident`. */
export function deepLinkHash(link: DeepLink): string {
  return `#/droplet/${encodeURIComponent(link.name)}${link.view ? `/${link.view}` : ''}`;
}

/** What clicking a notification opens: its droplet, on the view it names (a breaker trip: the incident); null opens the dashboard. */
export function notificationTarget(n: Pick<Notification, 'name' | 'view'>): DeepLink | null {
  return n.name === null ? null : { name: n.name, view: n.view ?? null };
}
