/**
 * What a droplet's connection needs from the session around it: session.ts
 * builds one and hands it to every DropletConnection, which passes the parts
 * each of its pieces needs (connection-state.ts, feed-judge.ts,
 * connection-watchers.ts).
 */
import type { DropletProfile } from '../config/profile.js';
import type { BackoffPolicy } from '../ssh/link-state.js';
import type { Trigger } from '../tray/notify-policy.js';
import type { Warning } from './droplet-state.js';
import type { SessionEvent } from './session-events.js';

export interface ConnectionHost {
  readonly via: string;
  readonly stateDir: string;
  readonly watch: { breaker?: boolean; audit?: boolean; fabrication?: boolean; control?: boolean } | undefined;
  readonly refreshMs: number;
  readonly backoff: BackoffPolicy | undefined;
  now(): number;
  passphrase(profile: DropletProfile): Promise<string | undefined>;
  push(e: SessionEvent): void;
  trigger(t: Trigger): void;
  /** notify false: listed and counted, but no notification of its own (a catch-up digest covers it). */
  addWarning(name: string, w: Omit<Warning, 'id' | 'name' | 'at'>, notify?: boolean): Warning;
  /** An error with nobody waiting for it (a background read): it goes to the log. */
  logError(source: string, err: unknown): void;
  /** The state value changed: the session pushes every droplet's state. */
  changed(): void;
}
