import { createHash } from 'node:crypto';

/** OpenSSH's fingerprint form: `SHA256:` + unpadded base64 of sha256(key blob). */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const FP = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** Accept `SHA256:abc…` with or without trailing `=`; reject anything else (MD5 forms included). */
export function normalizeFingerprint(input: string): string | null {
  const trimmed = input.trim().replace(/=+$/, '');
  return FP.test(trimmed) ? trimmed : null;
}

/** The key type named inside an SSH public key blob (string length-prefixed). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len > 64 || 4 + len > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}
