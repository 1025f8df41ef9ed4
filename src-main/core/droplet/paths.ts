import type { DropletPaths } from '../config/profile.js';
import { agentCodeDirOf, envFileOf } from '../config/profile.js';

/** Expand `~` against the droplet user's home and fill in the default envFile. */
export function resolvePaths(paths: DropletPaths, home: string): DropletPaths {
  const expand = (p: string) => (p === '~' ? home : p.startsWith('~/') ? `${home.replace(/\/+$/, '')}/${p.slice(2)}` : p);
  const jarvisRoot = expand(paths.jarvisRoot);
  return {
    ...paths,
    jarvisHome: expand(paths.jarvisHome),
    jarvisRoot,
    envFile: expand(envFileOf({ ...paths, jarvisRoot })),
    agentCodeDir: expand(agentCodeDirOf({ ...paths, jarvisRoot })).replace(/\/+$/, ''),
  };
}

/** The contract's files under jarvisHome. */
export const homeFile = (paths: DropletPaths, name: string) => `${paths.jarvisHome.replace(/\/+$/, '')}/${name}`;

export const CONTRACT_FILES = {
  activity: 'activity.jsonl',
  receipts: 'operator_actions.jsonl',
  archive: 'conversation_archive.jsonl',
  vault: 'vault.json',
  keyring: 'vault.keys',
  breaker: 'breaker.json',
  waitlist: 'waitlist.jsonl',
} as const;

/** The agent keeps activity.jsonl.1 (newest) to .5 (oldest) beside the live file (contract: rotation). */
export const ROTATIONS = 5;

export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
