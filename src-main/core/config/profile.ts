/**
 * A droplet profile: where the droplet is, how to prove who it is, how to log
 * in, and where the contract's files live on it. Profiles hold no secrets: an
 * identity is a file path (its passphrase comes from the OS keychain or a
 * prompt), and the host key is a fingerprint or a known_hosts path.
 */
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

export function agentCodeDirOf(paths: DropletPaths): string {
  return paths.agentCodeDir || `${paths.jarvisRoot.replace(/\/+$/, '')}/app`;
}

export function envFileOf(paths: DropletPaths): string {
  return paths.envFile || `${paths.jarvisRoot.replace(/\/+$/, '')}/.env`;
}
