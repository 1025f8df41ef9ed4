/**
 * `vault purge`: drop retired keys no backup inside retention can need, i.e.
 * retired more than 30 days ago. A key that a live token still needs (a
 * rotation was interrupted, or the agent wrote with an old key) is kept
 * whatever its age: purging it would make that token unreadable.
 */
import type { Droplet } from '../droplet/droplet.js';
import { withReceipt } from '../receipts/receipts.js';
import { type KeyringFile, readKeyringFile, writeKeyring } from './keyring.js';
import { acquireVaultLock } from './rotate-lock.js';
import { purgeableFrom } from './status.js';
import { verifyVault } from './verify.js';

export interface PurgeResult {
  purged: string[];
  kept: Array<{ id: string; reason: string }>;
}

export async function purgeRetiredKeys(droplet: Droplet, opts: { now?: Date } = {}): Promise<PurgeResult> {
  return withReceipt(droplet, 'vault_purge', {}, async () => {
    const release = await acquireVaultLock(droplet, 'purge');
    try {
      return await purge(droplet, opts.now ?? new Date());
    } finally {
      await release();
    }
  });
}

async function purge(droplet: Droplet, now: Date): Promise<PurgeResult> {
  const disk = await readKeyringFile(droplet);
  const kept: PurgeResult['kept'] = [];
  const candidates: string[] = [];
  for (const k of disk.file.keys) {
    if (k.retired === null) continue;
    const from = purgeableFrom(k.retired);
    if (now.getTime() > from.getTime()) candidates.push(k.id);
    else kept.push({ id: k.id, reason: `retired ${k.retired}; a backup inside the 30-day retention may need it until ${from.toISOString()}` });
  }
  if (candidates.length === 0) return { purged: [], kept };
  // Only scan the data when something could go.
  const report = await verifyVault(droplet);
  const purged: string[] = [];
  for (const id of candidates) {
    const live = (report.vault.byKey[id] ?? 0) + (report.archive.byKey[id] ?? 0);
    if (live > 0) kept.push({ id, reason: `${live} tokens on the droplet still need it; run \`vault rotate\` first` });
    else purged.push(id);
  }
  if (purged.length) {
    const next: KeyringFile = { version: 1, keys: disk.file.keys.filter((k) => !purged.includes(k.id)) };
    await writeKeyring(droplet, next, disk.bytes);
  }
  return { purged, kept };
}
