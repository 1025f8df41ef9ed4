/**
 * The verdict on the host key a droplet offers during key exchange: against
 * the profile's pinned fingerprint, else against known_hosts. It runs inside
 * ssh2's hostVerifier, before any user authentication message is sent.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fingerprintOf, keyTypeOf } from './host-key.js';
import { hostLookupName, parseKnownHosts, verifyHostKey } from './known-hosts.js';

export interface HostCheck {
  ok: boolean;
  offered: string;
  keyType: string;
  message?: string;
  hint?: string;
}

export interface HostCheckTarget {
  host: string;
  port: number;
  fingerprint?: string | undefined;
  knownHostsFile?: string | undefined;
}

export function checkHostKey(target: HostCheckTarget, key: Buffer): HostCheck {
  const offered = fingerprintOf(key);
  const keyType = keyTypeOf(key);
  const { host, port } = target;
  if (target.fingerprint) {
    return target.fingerprint === offered
      ? { ok: true, offered, keyType }
      : {
          ok: false,
          offered,
          keyType,
          message: `Host key for ${host}:${port} does not match the pinned fingerprint. It offered ${keyType} ${offered}; the profile pins ${target.fingerprint}. The connection was refused before authentication.`,
          hint: 'This can mean the droplet was rebuilt or someone is intercepting the connection. Check the key on the droplet console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before re-pinning.',
        };
  }
  const file = target.knownHostsFile ?? `${homedir()}/.ssh/known_hosts`;
  let text = '';
  try {
    // hostVerifier answers synchronously; known_hosts files are small.
    text = readFileSync(file, 'utf8');
  } catch {
    // No file is an empty file: every host is then unknown, and refused below with the fingerprint to pin.
    text = '';
  }
  const verdict = verifyHostKey(parseKnownHosts(text), host, port, key);
  switch (verdict.status) {
    case 'match':
      return { ok: true, offered, keyType };
    case 'revoked':
      return {
        ok: false,
        offered,
        keyType,
        message: `Host key ${keyType} ${offered} offered by ${host}:${port} is marked @revoked in ${file} (line ${verdict.line}). Refused before authentication.`,
        hint: 'Do not connect until the droplet has a new host key.',
      };
    case 'changed':
      return {
        ok: false,
        offered,
        keyType,
        message: `Host key for ${hostLookupName(host, port)} has CHANGED. It offered ${keyType} ${offered}, which is not the key recorded in ${file} (line ${verdict.lines.join(', ')}). Refused before authentication.`,
        hint: 'If the droplet was rebuilt, verify the new key on its console, then remove the old line (ssh-keygen -R) and pin the new one.',
      };
    default:
      return {
        ok: false,
        offered,
        keyType,
        message: `Host ${hostLookupName(host, port)} is unknown: it offered ${keyType} ${offered}, and ${file} has no entry for it. Refused before authentication.`,
        hint: `If you trust it, pin it with --fingerprint ${offered} (or add it to your known_hosts).`,
      };
  }
}
