/**
 * Turn global options (and an optional saved profile) into a connected
 * droplet. SSH is loaded only here, so `stratam guard check` and `--help`
 * never pay for it.
 */
import { statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_PATHS, type DropletProfile } from '../core/config/profile.js';
import { ProfileStore } from '../core/config/profile-store.js';
import type { Droplet } from '../core/droplet/droplet.js';
import { usageError } from '../core/errors.js';
import { normalizeFingerprint } from '../core/ssh/host-key.js';
import type { GlobalOptions } from './command.js';

export async function resolveProfile(g: GlobalOptions): Promise<DropletProfile> {
  const base: DropletProfile = g.profile
    ? await new ProfileStore(g.stateDir).get(g.profile)
    : { name: 'cli', transport: g.local ? 'local' : 'ssh', host: '', port: 22, user: userInfo().username, paths: { ...DEFAULT_PATHS } };
  let fingerprint = base.fingerprint;
  if (g.fingerprint !== undefined) {
    const fp = normalizeFingerprint(g.fingerprint);
    if (!fp)
      throw usageError(
        `--fingerprint must look like SHA256:<43 base64 characters>, not "${g.fingerprint.slice(0, 60)}".`,
        'Get it on the droplet with: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
      );
    fingerprint = fp;
  }
  const p: DropletProfile = {
    ...base,
    transport: g.local ? 'local' : base.transport,
    host: g.host ?? base.host,
    port: g.port ?? base.port,
    user: g.user ?? base.user,
    identityFile: g.identity === undefined ? base.identityFile : identityPath(g.identity),
    knownHostsFile: g.knownHosts ?? base.knownHostsFile,
    fingerprint,
    ...(g.mirrorCapMB !== undefined ? { mirrorCapMB: mirrorCapOf(g.mirrorCapMB) } : {}),
    paths: {
      ...base.paths,
      ...(g.jarvisHome ? { jarvisHome: g.jarvisHome } : {}),
      ...(g.jarvisRoot ? { jarvisRoot: g.jarvisRoot } : {}),
      ...(g.envFile ? { envFile: g.envFile } : {}),
      ...(g.container ? { agentContainer: g.container } : {}),
      ...(g.sandboxImage ? { sandboxImage: g.sandboxImage } : {}),
      ...(g.backupsVolume ? { backupsVolume: g.backupsVolume } : {}),
      ...(g.agentCodeDir ? { agentCodeDir: g.agentCodeDir } : {}),
    },
  };
  if (p.transport === 'ssh' && !p.host) {
    throw usageError('No droplet given.', 'Pass --host (and --user, --identity, --fingerprint), --profile NAME for a saved droplet, or --local on the droplet itself.');
  }
  return p;
}

function mirrorCapOf(v: string): number {
  if (!/^\d{1,7}$/.test(v)) throw usageError(`--mirror-cap-mb must be a whole number of MB (0 turns the mirror off), not "${v.slice(0, 20)}".`, 'Example: --mirror-cap-mb 2048');
  return Number(v);
}

/**
 * `--identity='~/.ssh/key'` reaches us with the tilde unexpanded (quoted, or
 * after `=`, the shell leaves it alone): expand it as ssh does, and make the
 * path absolute so a saved profile means the same file from any folder.
 */
export function identityPath(given: string): string {
  const expanded = given === '~' ? homedir() : given.startsWith('~/') ? `${homedir()}/${given.slice(2)}` : given;
  return resolve(expanded);
}

/**
 * OpenSSH refuses a private key others can read ("UNPROTECTED PRIVATE KEY
 * FILE"); we log in with it, but say so, with the fix. Null when it is fine
 * (or unreadable: the connect will say that).
 */
export function identityModeWarning(path: string | undefined): string | null {
  if (!path || process.platform === 'win32') return null;
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return null; // the connect reports an unreadable identity with its own fix
  }
  if ((mode & 0o077) === 0) return null;
  return `the identity file ${path} can be read by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); OpenSSH refuses such a key. Fix: chmod 600 ${path}`;
}

export async function openDroplet(profile: DropletProfile, opts: { reconnect?: boolean } = {}): Promise<Droplet> {
  if (profile.transport === 'local') {
    const { LocalDroplet } = await import('../core/droplet/local-droplet.js');
    return new LocalDroplet(profile.paths);
  }
  const { SshDroplet } = await import('../core/droplet/ssh-droplet.js');
  const passphrase = process.env.STRATAM_KEY_PASSPHRASE;
  return SshDroplet.connect(profile, { reconnect: opts.reconnect ?? false, ...(passphrase ? { passphrase } : {}) });
}
