/**
 * `vault init`: the first keyring of a new droplet, mode 0600. It refuses
 * when a keyring exists (replacing it would strand every token), and when
 * vault data exists without one (those tokens need the lost keyring back,
 * from a backup, not a new key).
 */
import type { Droplet } from '../droplet/droplet.js';
import { writeAtomic } from '../droplet/atomic-write.js';
import { regularOrAbsent, withRegularFile } from '../droplet/control-file.js';
import { refusedError } from '../errors.js';
import { withReceipt } from '../receipts/receipts.js';
import { generateKey } from './fernet.js';
import { KEYRING_MODE, isoSeconds, keyringPath, newKeyId, serializeKeyring } from './keyring.js';
import { readVaultFile } from './vault-file.js';
import { archivePath } from './verify.js';

export async function initVault(droplet: Droplet, opts: { now?: Date } = {}): Promise<{ keyId: string; path: string }> {
  return withReceipt(droplet, 'vault_init', {}, async () => {
    const path = keyringPath(droplet);
    // lstat: a link here (even a dangling one) is refused, not taken for "no keyring yet".
    if (await regularOrAbsent(droplet, path)) {
      throw refusedError(`${path} already exists; vault init only creates the first keyring of a new droplet.`, 'To change keys use `stratam vault rotate --yes`.');
    }
    const vault = await readVaultFile(droplet);
    const archive = archivePath(droplet);
    const archiveHead = await withRegularFile(droplet, archive, async (f) => (f ? f.read(0, 65536) : Buffer.alloc(0)));
    if ((vault && Object.keys(vault.vault.entries).length > 0) || archiveHead.includes('"enc"')) {
      throw refusedError(
        'This droplet already has encrypted vault data but no vault.keys; a new key could not open it.',
        'Restore vault.keys from a backup of this droplet (backups hold the already-encrypted files and their keyring).',
      );
    }
    await droplet.mkdirp(droplet.paths.jarvisHome);
    const now = opts.now ?? new Date();
    const keyId = newKeyId([], now);
    const bytes = serializeKeyring({ version: 1, keys: [{ id: keyId, key: generateKey(), created: isoSeconds(now), retired: null }] });
    await writeAtomic(droplet, path, bytes, { mode: KEYRING_MODE, expect: null });
    bytes.fill(0);
    return { keyId, path };
  });
}
