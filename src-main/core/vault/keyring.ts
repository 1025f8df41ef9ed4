/**
 * `<jarvisHome>/vault.keys` (contract: Credential vault): the Fernet keys,
 * exactly one with `retired: null` (the primary), mode 0600.
 *
 * The key strings live only in this module's objects in the main process. No
 * error or log built here includes a key: messages name ids and fields only.
 * Raw key bytes are wiped when a Keyring is destroyed; the base64 strings
 * parsed from JSON are JavaScript strings, which Node cannot wipe.
 */
import type { Droplet } from '../droplet/droplet.js';
import { writeAtomic } from '../droplet/atomic-write.js';
import { readControlFile } from '../droplet/control-file.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { StratamError } from '../errors.js';
import { Fernet, InvalidToken, MultiFernet, decodeBase64UrlStrict } from './fernet.js';

export const KEYRING_MODE = 0o600;

export interface KeyRecord {
  id: string;
  /** URL-safe base64 of 32 bytes. Never log, never put in an error. */
  key: string;
  created: string;
  retired: string | null;
}

export interface KeyringFile {
  version: 1;
  keys: KeyRecord[];
}

/** Key metadata without the key: what status, receipts and the UI may see. */
export interface KeyInfo {
  id: string;
  created: string;
  retired: string | null;
}

export const keyringPath = (droplet: Droplet) => homeFile(droplet.paths, CONTRACT_FILES.keyring);

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

function bad(path: string, what: string): StratamError {
  return new StratamError('failed', `${path} is not a valid keyring: ${what}.`, {
    hint: 'Restore vault.keys from a backup, or compare it with the format in the droplet contract (Credential vault). Do not run `vault init` over it: tokens would become unreadable.',
  });
}

/** Parse and check vault.keys. Messages name the offending key by index or id, never its value. */
export function parseKeyring(bytes: Buffer, path = 'vault.keys'): KeyringFile {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad(path, 'it is not JSON');
  }
  const d = doc as { version?: unknown; keys?: unknown };
  if (typeof doc !== 'object' || doc === null || d.version !== 1) throw bad(path, '"version" must be 1');
  if (!Array.isArray(d.keys) || d.keys.length === 0) throw bad(path, '"keys" must be a non-empty list');
  const keys: KeyRecord[] = [];
  const seen = new Set<string>();
  d.keys.forEach((k: unknown, i: number) => {
    const r = k as Partial<Record<keyof KeyRecord, unknown>>;
    if (typeof k !== 'object' || k === null) throw bad(path, `key #${i + 1} is not an object`);
    if (typeof r.id !== 'string' || !KEY_ID.test(r.id)) throw bad(path, `key #${i + 1} has no valid "id"`);
    if (seen.has(r.id)) throw bad(path, `key id ${r.id} appears twice`);
    seen.add(r.id);
    const raw = typeof r.key === 'string' ? decodeBase64UrlStrict(r.key) : null;
    if (raw === null || raw.length !== 32) throw bad(path, `key ${r.id} is not URL-safe base64 of 32 bytes`);
    raw.fill(0);
    if (typeof r.created !== 'string' || !ISO.test(r.created)) throw bad(path, `key ${r.id} has no ISO "created" time`);
    if (r.retired !== null && (typeof r.retired !== 'string' || !ISO.test(r.retired))) throw bad(path, `key ${r.id} has a "retired" that is neither null nor an ISO time`);
    keys.push({ ...(k as object), id: r.id, key: r.key as string, created: r.created, retired: r.retired as string | null });
  });
  const primaries = keys.filter((k) => k.retired === null);
  if (primaries.length !== 1) throw bad(path, `exactly one key must have "retired": null, found ${primaries.length}`);
  return { version: 1, keys };
}

/** One key per line, primary first, as in the contract's example. */
export function serializeKeyring(file: KeyringFile): Buffer {
  const ordered = orderKeys(file.keys);
  return Buffer.from(`{"version": 1, "keys": [\n${ordered.map((k) => `  ${JSON.stringify(k)}`).join(',\n')}]}\n`, 'utf8');
}

/** MultiFernet order: the primary, then retired keys, most recently retired first. */
export function orderKeys(keys: readonly KeyRecord[]): KeyRecord[] {
  const primary = keys.filter((k) => k.retired === null);
  const retired = keys.filter((k) => k.retired !== null).sort((a, b) => Date.parse(b.retired!) - Date.parse(a.retired!));
  return [...primary, ...retired];
}

export const keyInfo = (k: KeyRecord): KeyInfo => ({ id: k.id, created: k.created, retired: k.retired });

/** A fresh id `k-YYYYMMDD`, with `-2`, `-3`... when that day already has one. */
export function newKeyId(existing: Iterable<string>, now: Date): string {
  const taken = new Set(existing);
  const base = `k-${now.toISOString().slice(0, 10).replace(/-/g, '')}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Second-precision ISO time, like the contract's examples. */
export const isoSeconds = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** The keys as usable Fernet objects, in MultiFernet order. */
export class Keyring {
  readonly keys: readonly KeyInfo[];
  readonly primary: KeyInfo;
  private readonly multi: MultiFernet;

  constructor(file: KeyringFile) {
    const ordered = orderKeys(file.keys);
    this.keys = ordered.map(keyInfo);
    this.primary = this.keys[0]!;
    this.multi = new MultiFernet(ordered.map((k) => new Fernet(k.key)));
  }

  /** Tries the primary, then retired keys. Throws InvalidToken when none opens it. */
  decrypt(token: string): Buffer {
    return this.multi.decrypt(token);
  }

  /** The plaintext and the id of the key that opened it. */
  decryptWithKeyId(token: string): { plaintext: Buffer; keyId: string } {
    const { plaintext, index } = this.multi.decryptWithIndex(token);
    return { plaintext, keyId: this.keys[index]!.id };
  }

  /** Does any key open it, and is it the primary? Plaintext is wiped at once. */
  check(token: string): 'primary' | 'retired' | 'unreadable' {
    try {
      const { plaintext, index } = this.multi.decryptWithIndex(token);
      plaintext.fill(0);
      return index === 0 ? 'primary' : 'retired';
    } catch (err) {
      if (err instanceof InvalidToken) return 'unreadable';
      throw err;
    }
  }

  encrypt(plaintext: Buffer | string): string {
    return this.multi.encrypt(plaintext);
  }

  /** Re-encrypt under the primary keeping the token's timestamp (MultiFernet.rotate). */
  rotate(token: string): string {
    return this.multi.rotate(token);
  }

  destroy(): void {
    this.multi.destroy();
  }
}

export interface KeyringOnDisk {
  file: KeyringFile;
  bytes: Buffer;
  mode: number;
}

export async function readKeyringFile(droplet: Droplet): Promise<KeyringOnDisk> {
  const path = keyringPath(droplet);
  // A control-plane file: a link, FIFO or device here is refused (exit 3), never read through.
  const read = await readControlFile(droplet, path);
  if (!read) {
    throw new StratamError('failed', `No keyring at ${path}.`, {
      hint: 'On a new droplet run `stratam vault init`. If the droplet had a vault, restore vault.keys from a backup instead.',
    });
  }
  return { file: parseKeyring(read.bytes, path), bytes: read.bytes, mode: read.stat.mode & 0o777 };
}

/** The keyring on the droplet, ready to decrypt (the antifab helper uses this for the archive). */
export async function loadKeyring(droplet: Droplet): Promise<Keyring> {
  const { file } = await readKeyringFile(droplet);
  return new Keyring(file);
}

/** Atomic replace with mode 0600; `expect` guards against a concurrent rewrite. */
export async function writeKeyring(droplet: Droplet, file: KeyringFile, expect: Buffer | null): Promise<Buffer> {
  const bytes = serializeKeyring(file);
  await writeAtomic(droplet, keyringPath(droplet), bytes, { mode: KEYRING_MODE, expect });
  return bytes;
}
