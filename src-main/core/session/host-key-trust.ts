/**
 * Whether a droplet's host key is trusted before the session dials it (the
 * probe and the known_hosts verdict are ssh/host-key-probe.ts): the key the
 * profile pins, else the known_hosts file's verdict; an unknown key goes to
 * the person, and only the key they confirmed, still offered, is pinned.
 */
import type { DropletProfile } from '../config/profile.js';
import { refusedError } from '../errors.js';
import { changedKeyError, knownHostsVerdict, probeHostKey } from '../ssh/host-key-probe.js';

/** An unknown key: shown to the person, pinned only once they confirm it. */
export interface ConfirmHostKey {
  status: 'confirm-host-key';
  host: string;
  port: number;
  keyType: string;
  offered: string;
}

/**
 * Null when the offered key is trusted; the key to confirm when it is unknown.
 * Throws when it is changed or revoked. `name`: the saved droplet's, as asked for.
 */
export async function checkHostKey(name: string, profile: DropletProfile): Promise<ConfirmHostKey | null> {
  const offered = await probeHostKey(profile.host, profile.port);
  if (profile.fingerprint) {
    if (offered.fingerprint !== profile.fingerprint) throw changedKeyError(offered, profile.fingerprint, `the profile "${name}"`);
    return null;
  }
  const { file, verdict } = await knownHostsVerdict(offered, profile.knownHostsFile);
  if (verdict.status === 'match') return null;
  if (verdict.status === 'changed') throw changedKeyError(offered, `a different key (line ${verdict.lines.join(', ')})`, file);
  if (verdict.status === 'revoked')
    throw refusedError(`The host key ${offered.fingerprint} of ${profile.host}:${profile.port} is marked @revoked in ${file}.`, 'Do not connect until the droplet has a new host key.');
  return { status: 'confirm-host-key', host: offered.host, port: offered.port, keyType: offered.keyType, offered: offered.fingerprint };
}

/** Throws unless `fingerprint` may be pinned: no other key is pinned, and the droplet still offers exactly this one. */
export async function checkKeyToPin(name: string, profile: DropletProfile, fingerprint: string): Promise<void> {
  if (profile.fingerprint && profile.fingerprint !== fingerprint) {
    throw refusedError(
      `${name} already pins ${profile.fingerprint}; a different key is never pinned over it.`,
      'If the droplet was rebuilt, check its key on the console, then remove the droplet and add it again.',
    );
  }
  const offered = await probeHostKey(profile.host, profile.port);
  if (offered.fingerprint !== fingerprint) throw changedKeyError(offered, fingerprint, 'the key you confirmed');
}
