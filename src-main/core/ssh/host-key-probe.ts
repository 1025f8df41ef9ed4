/**
 * First-connect host key check. Before any profile without a pinned key is
 * used, one handshake is made only to learn the key the droplet offers: the
 * verifier records it and answers "no", so the connection ends during key
 * exchange and nothing (no user name guess, no key) is ever authenticated.
 * The verdict against known_hosts then decides: known → connect; unknown →
 * show the fingerprint and pin it only after the person confirms; changed or
 * revoked → refuse.
 *
 * The dial is the link's own (dial.ts), with no credentials and a verifier
 * that always refuses.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { StratamError } from '../errors.js';
import { dialSsh } from './dial.js';
import { fingerprintOf, keyTypeOf } from './host-key.js';
import { hostLookupName, parseKnownHosts, verifyHostKey, type HostKeyVerdict } from './known-hosts.js';

export interface OfferedKey {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  blob: Buffer;
}

export async function probeHostKey(host: string, port: number, timeoutMs = 15_000): Promise<OfferedKey> {
  let offered: Buffer | null = null;
  const d = dialSsh({
    host,
    port,
    // Never sent: the verifier refuses the key before authentication starts.
    user: 'stratam-host-key-probe',
    readyTimeoutMs: timeoutMs,
    credentials: null,
    verifyHost: (key) => {
      offered = key;
      return { ok: false, offered: fingerprintOf(key), keyType: keyTypeOf(key), message: 'Host key probe: the key is recorded, the connection ends here.' };
    },
  });
  try {
    const client = await d.done;
    // Unreachable (the verifier refuses every key); should ssh2 ever go on, end it.
    client.end();
  } catch (err) {
    if (!offered) throw err;
  }
  const blob: Buffer = offered ?? Buffer.alloc(0);
  if (blob.length === 0) throw new StratamError('connect', `${host}:${port} offered no host key.`, { hint: 'Check that sshd runs on the droplet.' });
  return { host, port, keyType: keyTypeOf(blob), fingerprint: fingerprintOf(blob), blob };
}

export async function knownHostsVerdict(offered: OfferedKey, knownHostsFile?: string): Promise<{ file: string; verdict: HostKeyVerdict }> {
  const file = knownHostsFile ?? `${homedir()}/.ssh/known_hosts`;
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    // No known_hosts file: every host is unknown, which the verdict says.
    text = '';
  }
  return { file, verdict: verifyHostKey(parseKnownHosts(text), offered.host, offered.port, offered.blob) };
}

/** The refusal for a key that differs from what was pinned or recorded: never a silent re-pin. */
export function changedKeyError(offered: OfferedKey, expected: string, where: string): StratamError {
  return new StratamError(
    'refused',
    `The host key of ${hostLookupName(offered.host, offered.port)} has CHANGED: it now offers ${offered.keyType} ${offered.fingerprint}, but ${where} holds ${expected}. The connection was refused before authentication.`,
    {
      hint: 'This can mean the droplet was rebuilt or someone is intercepting the connection. Check the key on the droplet console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub); only if it matches, remove this droplet and add it again.',
      detail: { hostKeyRefused: true, offered: offered.fingerprint, expected },
    },
  );
}
