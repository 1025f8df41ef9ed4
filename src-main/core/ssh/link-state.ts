/**
 * The SSH link's state, as the UI and CLI show it. One value, so the tray icon,
 * the dashboard and `stratam status` all derive from the same thing.
 */
export type LinkState =
  | { state: 'idle' }
  | { state: 'connecting'; attempt: number }
  | { state: 'connected'; since: string; hostKey: string }
  | { state: 'reconnecting'; attempt: number; delayMs: number; at: string; reason: string }
  | { state: 'failed'; reason: string; hostKeyRefused: boolean }
  | { state: 'closed' };

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Give up after this many consecutive failed attempts (Infinity: never). */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000, maxAttempts: Infinity };

/**
 * Exponential backoff with "equal jitter": half the window fixed, half random,
 * so many trays reconnecting to one droplet after a blip do not stampede it,
 * and no delay collapses to zero.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const window = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(window / 2 + random() * (window / 2));
}
