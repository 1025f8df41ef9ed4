/**
 * The control plane (contract v2, "The control plane"): the droplet files,
 * folders, container and volume that make the off switch work. This is the one
 * list; the blocklist's tamper rules, the control-plane watch, the no-symlink
 * checks and the second-line alert all read it from here, so a new control
 * file is one line in this file.
 *
 * Only the operator's tools change these; the agent's runtime may only append
 * whole lines to the audit log (and rotate it), update vault entries under the
 * current key, trip the breaker, and add (and prune) self-modify snapshots.
 * Anything else is tampering: watch/tamper-rules.ts says which change is which.
 */
import type { DropletPaths } from '../config/profile.js';
import { CONTRACT_FILES, ROTATIONS, homeFile } from './paths.js';

export type ControlRole = 'flags' | 'breaker' | 'audit' | 'receipts' | 'keyring' | 'vault' | 'recovery' | 'access';

export interface ControlEntry {
  /** Stable id, used in watch events and receipts: `env`, `breaker`, `activity`, `activity.1`, ... */
  id: string;
  role: ControlRole;
  /** Absolute droplet path (with `~` expanded when the home is known, else as configured). */
  path: string;
  /** A single file, or a folder whose whole tree is protected. */
  kind: 'file' | 'dir';
  /** Shown to people: what this file is for. */
  what: string;
}

export interface ControlPlane {
  entries: ControlEntry[];
  /** Docker objects the blocklist protects like files: removing them removes the way back. */
  containers: string[];
  volumes: string[];
  /** The SSH user's home as the paths above were expanded against, or null when unknown (`~` kept). */
  home: string | null;
}

const trim = (p: string) => p.replace(/\/+$/, '') || '/';

function expand(p: string, home: string | null): string {
  if (home === null) return p;
  if (p === '~') return home;
  return p.startsWith('~/') ? `${trim(home)}/${p.slice(2)}` : p;
}

/**
 * The control plane of a droplet. `paths` may be resolved (absolute) or as
 * configured (`~/.jarvis`); `home` is the SSH user's home when known.
 */
export function controlPlane(paths: DropletPaths, home: string | null): ControlPlane {
  const jarvisHome = expand(paths.jarvisHome, home);
  const jarvisRoot = trim(expand(paths.jarvisRoot, home));
  const envFile = expand(paths.envFile || `${jarvisRoot}/.env`, home);
  const h = (name: string) => homeFile({ ...paths, jarvisHome }, name);
  const userHome = home === null ? '~' : trim(home);
  const entries: ControlEntry[] = [
    { id: 'env', role: 'flags', path: envFile, kind: 'file', what: 'flags and trust (.env)' },
    { id: 'breaker', role: 'breaker', path: h(CONTRACT_FILES.breaker), kind: 'file', what: 'the restart-cascade breaker' },
    { id: 'activity', role: 'audit', path: h(CONTRACT_FILES.activity), kind: 'file', what: 'the audit log' },
    ...Array.from({ length: ROTATIONS }, (_, i): ControlEntry => ({
      id: `activity.${i + 1}`,
      role: 'audit',
      path: h(`${CONTRACT_FILES.activity}.${i + 1}`),
      kind: 'file',
      what: `a rotated audit log (.${i + 1})`,
    })),
    { id: 'receipts', role: 'receipts', path: h(CONTRACT_FILES.receipts), kind: 'file', what: "the operator's receipts" },
    { id: 'keyring', role: 'keyring', path: h(CONTRACT_FILES.keyring), kind: 'file', what: 'the vault keyring' },
    { id: 'vault', role: 'vault', path: h(CONTRACT_FILES.vault), kind: 'file', what: 'the credential vault' },
    { id: 'history', role: 'recovery', path: `${jarvisRoot}/.jarvis_self_history`, kind: 'dir', what: 'self-modify snapshots' },
    { id: 'authorized_keys', role: 'access', path: `${userHome}/.ssh/authorized_keys`, kind: 'file', what: "the SSH user's authorized keys" },
    { id: 'sshd_config', role: 'access', path: '/etc/ssh/sshd_config', kind: 'file', what: "sshd's configuration" },
    { id: 'sshd_config.d', role: 'access', path: '/etc/ssh/sshd_config.d', kind: 'dir', what: "sshd's configuration folder" },
  ];
  return { entries, containers: [paths.agentContainer], volumes: [paths.backupsVolume], home };
}

/** The entry a path names exactly (a file entry, or a folder entry itself), if any. */
export function controlEntryAt(plane: ControlPlane, path: string): ControlEntry | null {
  return plane.entries.find((e) => e.path === path) ?? null;
}

export const controlEntry = (plane: ControlPlane, id: string): ControlEntry => {
  const e = plane.entries.find((x) => x.id === id);
  if (!e) throw new Error(`no control-plane entry "${id}"`);
  return e;
};

/** The audit log's files oldest first (activity.jsonl.5 ... .1, then the live file), as readers walk them. */
export function auditFilesOldestFirst(plane: ControlPlane): string[] {
  return plane.entries
    .filter((e) => e.role === 'audit')
    .map((e) => e.path)
    .reverse();
}
