/**
 * A droplet profile: where the droplet is, how to prove who it is, how to log
 * in, and where the contract's files live on it. Profiles hold no secrets: an
 * identity is a file path (its passphrase comes from the OS keychain or a
 * prompt), and the host key is a fingerprint or a known_hosts path.
 */
import { DEFAULT_MIRROR_CAP_BYTES } from '../audit/mirror/mirror-types.js';

export interface DropletPaths {
  /** Home of the agent's data; `~` means the SSH user's home. */
  jarvisHome: string;
  jarvisRoot: string;
  /** Defaults to `<jarvisRoot>/.env` when empty. */
  envFile: string;
  agentContainer: string;
  sandboxImage: string;
  backupsVolume: string;
  /** The agent's code, which `self_modify_code` edits and a rollback replaces; empty means `<jarvisRoot>/app`. */
  agentCodeDir: string;
}

export interface DropletProfile {
  name: string;
  /** `local` is this machine's own files and Docker socket (the CLI on the droplet). */
  transport: 'ssh' | 'local';
  host: string;
  port: number;
  user: string;
  /** Private key file; when absent, the ssh-agent at SSH_AUTH_SOCK is used. */
  identityFile?: string | undefined;
  /** Pinned `SHA256:...` host key fingerprint; takes precedence over knownHosts. */
  fingerprint?: string | undefined;
  /** known_hosts file to verify against (default ~/.ssh/known_hosts). */
  knownHostsFile?: string | undefined;
  /** Optional public URL of the droplet's edge, for `doctor`'s TLS checks. */
  edgeUrl?: string | undefined;
  /** Hold-pause (the app puts a pause back when something without a receipt undoes it); absent means on. */
  holdPause?: boolean | undefined;
  /** Per-droplet cap of the local audit mirror (docs/audit-mirror.md), in MiB over both streams; absent means the default (2048), 0 turns the mirror off. */
  mirrorCapMB?: number | undefined;
  paths: DropletPaths;
}

export const DEFAULT_PATHS: Readonly<DropletPaths> = Object.freeze({
  jarvisHome: '~/.jarvis',
  jarvisRoot: '/opt/jarvis',
  envFile: '',
  agentContainer: 'jarvis',
  sandboxImage: 'stratam/sandbox:latest',
  backupsVolume: 'jarvis_backups',
  agentCodeDir: '',
});

/** The mirror cap in bytes this profile asks for (0: no mirror). */
export function mirrorCapBytes(profile: Pick<DropletProfile, 'mirrorCapMB'>): number {
  const mb = profile.mirrorCapMB;
  return mb === undefined ? DEFAULT_MIRROR_CAP_BYTES : Math.max(0, Math.floor(mb * 1024 * 1024));
}

export function agentCodeDirOf(paths: DropletPaths): string {
  return paths.agentCodeDir || `${paths.jarvisRoot.replace(/\/+$/, '')}/app`;
}

export function envFileOf(paths: DropletPaths): string {
  return paths.envFile || `${paths.jarvisRoot.replace(/\/+$/, '')}/.env`;
}
