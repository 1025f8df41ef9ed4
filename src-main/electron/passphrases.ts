/**
 * Key passphrases, encrypted with the OS keychain through safeStorage and
 * kept in `<stateDir>/passphrases.json` as base64 ciphertext per profile.
 * When safeStorage has no real backend (Linux without a keyring reports
 * "basic_text"), nothing is stored: the person is asked each time instead.
 */
import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { reportError } from '../core/log/logger.js';

export class PassphraseStore {
  private readonly file: string;

  constructor(
    stateDir: string,
    private readonly safe: SafeStorage,
    private readonly platform = process.platform,
  ) {
    this.file = join(stateDir, 'passphrases.json');
  }

  get usable(): boolean {
    if (!this.safe.isEncryptionAvailable()) return false;
    return this.platform !== 'linux' || this.safe.getSelectedStorageBackend() !== 'basic_text';
  }

  private async all(): Promise<Record<string, string>> {
    try {
      const j = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      return j && typeof j === 'object' ? (j as Record<string, string>) : {};
    } catch (err) {
      // None saved yet is the usual case; anything else is logged, and the person is asked for the passphrase again.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') reportError('passphrases', err, `reading ${this.file}`);
      return {};
    }
  }

  async get(profile: string): Promise<string | undefined> {
    if (!this.usable) return undefined;
    const enc = (await this.all())[profile];
    if (typeof enc !== 'string') return undefined;
    try {
      return this.safe.decryptString(Buffer.from(enc, 'base64'));
    } catch (err) {
      // The OS keychain changed (another user, a reset): the saved passphrase is unusable and is asked for again.
      reportError('passphrases', err, `decrypting the saved passphrase of ${profile}`);
      return undefined;
    }
  }

  async set(profile: string, passphrase: string): Promise<boolean> {
    if (!this.usable) return false;
    const all = await this.all();
    all[profile] = this.safe.encryptString(passphrase).toString('base64');
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify(all), { mode: 0o600 });
    await rename(tmp, this.file);
    return true;
  }
}
