/**
 * Whether the single-key shortcuts (1-8, /, Shift+P) are on. WCAG 2.1.4: a
 * speech-input user saying a word can fire a one-character shortcut by
 * accident, so they can be turned off. Kept in this window's localStorage:
 * it is a preference of the person at this screen, not of a droplet, so it
 * never goes to the core. Other windows follow through the `storage` event.
 */
import { useSyncExternalStore } from 'react';

const KEY = 'stratam.shortcuts';
const listeners = new Set<() => void>();

export function shortcutsEnabled(): boolean {
  return globalThis.localStorage?.getItem(KEY) !== 'off';
}

export function setShortcutsEnabled(on: boolean): void {
  if (on) globalThis.localStorage?.removeItem(KEY);
  else globalThis.localStorage?.setItem(KEY, 'off');
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => e.key === KEY && listener();
  globalThis.addEventListener?.('storage', onStorage);
  return () => {
    listeners.delete(listener);
    globalThis.removeEventListener?.('storage', onStorage);
  };
}

export function useShortcutsEnabled(): boolean {
  return useSyncExternalStore(subscribe, shortcutsEnabled);
}
