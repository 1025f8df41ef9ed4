/**
 * What the control-plane watch reports, one object per event: the same shape
 * for the CLI's JSON lines, the session's warnings and the feed's markers.
 */
import type { Change, ChangeWhat } from './tamper-rules.js';

export interface WatchEvent {
  kind: 'watching' | 'changed' | 'tampered' | 'reverted' | 'revert-failed' | 'error';
  /** Control-plane entry id (`env`, `breaker`, ...), or null for the watch's own events. */
  file: string | null;
  path: string | null;
  what: ChangeWhat | null;
  key: string | null;
  from: string | null;
  to: string | null;
  /** When the change was seen (ISO, this machine's clock). */
  at: string;
  /** One line for people. */
  detail: string;
  /** The seq of the receipt that explains a `changed` event, or 'allowed' (the contract permits it), else null. */
  receipt: number | 'allowed' | null;
  /** On `tampered`: hold-pause will put the switch back. On `reverted`: true. */
  reverted: boolean | null;
  /** On `reverted` / `revert-failed`: from the detection to the switch read back paused. */
  latencyMs: number | null;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** A whole event from the parts that matter to it; every other field null. */
export function watchEvent(e: Partial<WatchEvent> & Pick<WatchEvent, 'kind' | 'detail'>, now: number): WatchEvent {
  return { file: null, path: null, what: null, key: null, from: null, to: null, at: iso(now), receipt: null, reverted: null, latencyMs: null, ...e };
}

/** The fields of an event that say what changed. */
export function changeFields(c: Change): Pick<WatchEvent, 'file' | 'path' | 'what' | 'key' | 'from' | 'to'> {
  return { file: c.file, path: c.path, what: c.what, key: c.key, from: c.from, to: c.to };
}
