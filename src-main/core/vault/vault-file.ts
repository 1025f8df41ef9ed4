/**
 * `<jarvisHome>/vault.json` (contract: Credential vault): named entries, each
 * a Fernet token of a refresh token and its update time. Unknown fields are
 * kept through a rewrite, so a newer agent's additions survive a rotation.
 */
import { readControlFile } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { StratamError } from '../errors.js';

export interface VaultEntry {
  token: string;
  updated: string;
  [extra: string]: unknown;
}

export interface VaultFile {
  version: 1;
  entries: Record<string, VaultEntry>;
  [extra: string]: unknown;
}

export const vaultPath = (droplet: Droplet) => homeFile(droplet.paths, CONTRACT_FILES.vault);

export function parseVault(bytes: Buffer, path = 'vault.json'): VaultFile {
  const fail = (what: string) =>
    new StratamError('failed', `${path} is not a valid vault: ${what}.`, {
      hint: 'Restore vault.json from a backup, or compare it with the format in the droplet contract (Credential vault).',
    });
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw fail('it is not JSON');
  }
  const d = doc as Partial<VaultFile>;
  if (typeof doc !== 'object' || doc === null || d.version !== 1) throw fail('"version" must be 1');
  if (typeof d.entries !== 'object' || d.entries === null || Array.isArray(d.entries)) throw fail('"entries" must be an object');
  for (const [name, e] of Object.entries(d.entries)) {
    if (typeof e !== 'object' || e === null || typeof e.token !== 'string') throw fail(`entry "${name}" has no "token" string`);
    if (typeof e.updated !== 'string') throw fail(`entry "${name}" has no "updated" time`);
  }
  return d as VaultFile;
}

export function serializeVault(v: VaultFile): Buffer {
  return Buffer.from(`${JSON.stringify(v, null, 2)}\n`, 'utf8');
}

export interface VaultOnDisk {
  vault: VaultFile;
  bytes: Buffer;
  mode: number;
}

/** null when the droplet has no vault.json yet (no credentials stored). */
export async function readVaultFile(droplet: Droplet): Promise<VaultOnDisk | null> {
  const path = vaultPath(droplet);
  // A control-plane file: a link, FIFO or device here is refused (exit 3), never read through.
  const read = await readControlFile(droplet, path);
  if (!read) return null;
  return { vault: parseVault(read.bytes, path), bytes: read.bytes, mode: read.stat.mode & 0o777 };
}
