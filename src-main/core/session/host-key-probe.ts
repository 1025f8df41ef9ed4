/**
 * First-connect host key check. Before any profile without a pinned key is
 * used, one handshake is made only to learn the key the droplet offers: the
 * verifier records it and answers "no", so the connection ends during key
 * exchange and nothing (no user name guess, no key) is ever authenticated.
 * The verdict against known_hosts then decides: known → connect; unknown →
 * show the fingerprint and pin it only after the person confirms; changed or
 * revoked → refuse.
 */
import { readFile } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { homedir } from 'node:os';
import { Client } from 'ssh2';
import { StratamError } from '../errors.js';
import { fingerprintOf, keyTypeOf } from '../ssh/host-key.js';
import { hostLookupName, parseKnownHosts, verifyHostKey, type HostKeyVerdict } from '../ssh/known-hosts.js';

export interface OfferedKey {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  blob: Buffer;
}

export async function probeHostKey(host: string, port: number, timeoutMs = 15_000): Promise<OfferedKey> {
  return new Promise<OfferedKey>((resolve, reject) => {
    let offered: Buffer | null = null;
    const sock = tcpConnect({ host, port });
    sock.setNoDelay(true);
    const client = new Client();
    const done = (err: Error | null) => {
      client.removeAllListeners();
      client.on('error', () => {});
      client.destroy();
      if (offered) resolve({ host, port, keyType: keyTypeOf(offered), fingerprint: fingerprintOf(offered), blob: offered });
      else {
        const code = (err as NodeJS.ErrnoException | null)?.code;
        const what = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ETIMEDOUT' || (err as { level?: string } | null)?.level === 'client-timeout' ? 'timed out' : code ?? err?.message ?? 'closed';
        reject(new StratamError('connect', `Could not reach ${host}:${port} over SSH (${what}).`, { hint: 'Check the host and port in the profile, and that sshd runs on the droplet.' }));
      }
    };
    client.on('error', (err) => done(err));
    client.on('close', () => done(null));
    client.on('ready', () => done(null));
    client.connect({
      sock,
      host,
      port,
      username: 'stratam-host-key-probe',
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        offered = Buffer.from(key);
        return false;
      },
    });
  });
}

export async function knownHostsVerdict(offered: OfferedKey, knownHostsFile?: string): Promise<{ file: string; verdict: HostKeyVerdict }> {
  const file = knownHostsFile ?? `${homedir()}/.ssh/known_hosts`;
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
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
