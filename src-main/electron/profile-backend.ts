/**
 * The desktop app keeps droplet profiles in electron-store, in the same file
 * the CLI uses (`<stateDir>/profiles.json`, mode 0600), so a droplet saved by
 * either face shows in both. electron-store (conf) re-reads the file on every
 * access and writes it atomically; the core's ProfileStore validates what it
 * reads and writes with one schema. No secret is ever stored here.
 */
import { join } from 'node:path';
import Store from 'electron-store';
import type { ProfileFileBackend } from '../core/config/profile-store.js';
import { describeError, StratamError } from '../core/errors.js';

export function electronStoreBackend(stateDir: string): ProfileFileBackend {
  const location = join(stateDir, 'profiles.json');
  // conf throws a bare SyntaxError for a file that is not JSON (when made, and on every later read).
  const damaged = (err: unknown) =>
    new StratamError('failed', `${location} is not a valid profiles file: ${describeError(err)}.`, {
      hint: 'Fix or remove the file, then add the droplet again with `stratam profile add`.',
      cause: err,
    });
  // Opened on first use, so a damaged file is an error the host can show (the app still starts) rather than a crash at start-up.
  let store: Store<Record<string, unknown>> | null = null;
  const open = () => {
    try {
      // A damaged file is reported by the schema check, never silently reset.
      return (store ??= new Store<Record<string, unknown>>({ cwd: stateDir, name: 'profiles', clearInvalidConfig: false, configFileMode: 0o600 }));
    } catch (err) {
      throw damaged(err);
    }
  };
  return {
    location,
    read: async () => {
      const s = open();
      try {
        return s.size === 0 ? undefined : s.store;
      } catch (err) {
        throw damaged(err);
      }
    },
    write: async (data) => {
      open().store = data;
    },
  };
}
