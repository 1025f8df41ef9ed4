import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AppState, AppStore } from './app-store.js';
import type { AuditStore } from './audit-store.js';
import type { TrailWindow } from './trail-window.js';

export const StoreContext = createContext<AppStore | null>(null);

export function useStore(): AppStore {
  const s = useContext(StoreContext);
  if (!s) throw new Error('StoreContext missing');
  return s;
}

export function useAppState(): AppState {
  const s = useStore();
  return useSyncExternalStore(s.subscribe, s.getState);
}

export function useAuditVersion(store: AuditStore | TrailWindow): number {
  return useSyncExternalStore(store.subscribe, store.getVersion);
}
