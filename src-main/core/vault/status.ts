/**
 * `vault status`: key ids and dates, entry names and update times. Never a
 * key or a token: everything here may reach the renderer and the terminal.
 */
import type { Droplet } from '../droplet/droplet.js';
import { KEYRING_MODE, orderKeys, readKeyringFile } from './keyring.js';
import { readVaultFile } from './vault-file.js';

export const ROTATION_DUE_DAYS = 90;
/** Backups are kept 30 days; a key retired longer ago than that no backup can need. */
export const RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

export interface VaultStatus {
  primary: { id: string; created: string; ageDays: number; rotationDue: boolean; rotationDueAt: string };
  entries: Array<{ name: string; updated: string }>;
  retired: Array<{ id: string; created: string; retired: string; purgeableFrom: string; purgeable: boolean }>;
  keyringMode: string;
  keyringModeOk: boolean;
}

export const purgeableFrom = (retired: string) => new Date(Date.parse(retired) + RETENTION_DAYS * DAY_MS);

export async function vaultStatus(droplet: Droplet, now: Date = new Date()): Promise<VaultStatus> {
  const { file, mode } = await readKeyringFile(droplet);
  const [primary, ...retired] = orderKeys(file.keys);
  const created = Date.parse(primary!.created);
  const vault = await readVaultFile(droplet);
  return {
    primary: {
      id: primary!.id,
      created: primary!.created,
      ageDays: Math.max(0, Math.floor((now.getTime() - created) / DAY_MS)),
      rotationDue: now.getTime() - created >= ROTATION_DUE_DAYS * DAY_MS,
      rotationDueAt: new Date(created + ROTATION_DUE_DAYS * DAY_MS).toISOString(),
    },
    entries: vault
      ? Object.entries(vault.vault.entries)
          .map(([name, e]) => ({ name, updated: e.updated }))
          .sort((a, b) => a.name.localeCompare(b.name))
      : [],
    retired: retired.map((k) => {
      const from = purgeableFrom(k.retired!);
      return { id: k.id, created: k.created, retired: k.retired!, purgeableFrom: from.toISOString(), purgeable: now.getTime() > from.getTime() };
    }),
    keyringMode: `0${mode.toString(8)}`,
    keyringModeOk: mode === KEYRING_MODE,
  };
}
