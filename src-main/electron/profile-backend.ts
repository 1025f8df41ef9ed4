/**
 * The desktop app keeps droplet profiles in electron-store, in the same file
 * the CLI uses (`<stateDir>/profiles.json`, mode 0600), so a droplet saved by
 * either face shows in both. electron-store (conf) re-reads the file on every
 * access and writes it atomically; the core's ProfileStore validates what it
 * reads and writes with one schema. No secret is ever stored here.
 */
import Store from 'electron-store';
import type { ProfileFileBackend } from '../core/config/profile-store.js';

export function electronStoreBackend(stateDir: string): ProfileFileBackend {
  // A damaged file is reported by the schema check, never silently reset.
  const store = new Store<Record<string, unknown>>({ cwd: stateDir, name: 'profiles', clearInvalidConfig: false, configFileMode: 0o600 });
  return {
    location: store.path,
    read: async () => (store.size === 0 ? undefined : store.store),
    write: async (data) => {
      store.store = data;
    },
  };
}
