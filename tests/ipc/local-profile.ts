/** The local droplet profile the IPC tests save: this machine, with its files under `root`. */
import { join } from 'node:path';
import { DEFAULT_PATHS, type DropletProfile } from '../../src-main/core/config/profile.js';

export function localProfile(root: string, jarvisRoot: string): DropletProfile {
  return { name: 'here', transport: 'local', host: 'localhost', port: 22, user: 'root', paths: { ...DEFAULT_PATHS, jarvisHome: join(root, 'home'), jarvisRoot: join(root, jarvisRoot) } };
}
