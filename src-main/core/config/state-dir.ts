import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the app keeps local data (profiles, audit witnesses): the platform's
 * per-user config folder. The Electron app passes the same folder, so the CLI
 * and the tray share saved droplets.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.STRATAM_STATE_DIR) return env.STRATAM_STATE_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Stratam Tray');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Stratam Tray');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'stratam-tray');
}
