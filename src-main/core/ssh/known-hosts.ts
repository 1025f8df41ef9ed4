/**
 * known_hosts parsing and matching, as OpenSSH does it (sshd(8) "SSH_KNOWN_HOSTS
 * FILE FORMAT"): plain and hashed (`|1|salt|hmac`) host patterns, `[host]:port`
 * for non-default ports, `*`/`?` wildcards, `!` negation, several keys per
 * host, and the `@revoked` marker. `@cert-authority` lines are parsed and
 * ignored: the app pins plain host keys, never CA-signed ones.
 *
 * Written by hand because the npm packages for this either skip hashed
 * entries or `@revoked`, and the whole format fits in this file.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { keyTypeOf } from './host-key.js';

export interface KnownHostEntry {
  marker: 'revoked' | 'cert-authority' | null;
  patterns: string[];
  keyType: string;
  key: Buffer;
  line: number;
}

export type HostKeyVerdict = { status: 'match'; line: number } | { status: 'revoked'; line: number } | { status: 'changed'; lines: number[] } | { status: 'unknown' };

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').replace(/\r$/, '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/[ \t]+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue; // unknown marker: OpenSSH skips the line
    }
    const [hosts, keyType, keyB64] = fields;
    if (!hosts || !keyType || !keyB64 || !B64.test(keyB64)) continue;
    const key = Buffer.from(keyB64, 'base64');
    // The blob names its own type; a line whose two disagree is not a key (and plain words can look like base64).
    if (key.length === 0 || keyTypeOf(key) !== keyType) continue;
    out.push({ marker, patterns: hosts.split(','), keyType, key, line: i + 1 });
  }
  return out;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostLookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedMatches(pattern: string, name: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const parts = pattern.split('|');
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = Buffer.from(parts[3], 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** OpenSSH wildcard match: `*` any run, `?` one char; linear, no regex built from input. */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  const P = pattern.toLowerCase();
  const T = text.toLowerCase();
  while (t < T.length) {
    if (p < P.length && (P[p] === '?' || P[p] === T[t])) {
      p++;
      t++;
    } else if (p < P.length && P[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < P.length && P[p] === '*') p++;
  return p === P.length;
}

/** Does this entry's pattern list cover the host? A matching negation excludes it outright. */
export function entryCoversHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostLookupName(host, port);
  let hit = false;
  for (const pat of entry.patterns) {
    if (pat.startsWith('|')) {
      if (hashedMatches(pat, name)) hit = true;
      continue;
    }
    const negated = pat.startsWith('!');
    const body = negated ? pat.slice(1) : pat;
    if (wildcardMatch(body, name)) {
      if (negated) return false;
      hit = true;
    }
  }
  return hit;
}

/**
 * Verdict for an offered key: revoked wins over everything; then a listed key
 * for this host matches; a host with other keys listed is "changed"; else unknown.
 */
export function verifyHostKey(entries: KnownHostEntry[], host: string, port: number, offered: Buffer): HostKeyVerdict {
  for (const e of entries) {
    if (e.marker === 'revoked' && e.key.equals(offered)) return { status: 'revoked', line: e.line };
  }
  const other: number[] = [];
  for (const e of entries) {
    if (e.marker !== null || !entryCoversHost(e, host, port)) continue;
    if (e.key.equals(offered)) return { status: 'match', line: e.line };
    other.push(e.line);
  }
  return other.length > 0 ? { status: 'changed', lines: other } : { status: 'unknown' };
}
