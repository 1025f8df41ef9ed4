/**
 * `vault verify`: every token of vault.json and of the conversation archive
 * must open with the keyring on disk. Read-only: it writes nothing, not even
 * a receipt (it is not an action on the droplet), so files stay byte-identical.
 */
import { regularOrAbsent } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { findEnc, readLines } from './archive-lines.js';
import { InvalidToken } from './fernet.js';
import { KEYRING_MODE, Keyring, readKeyringFile } from './keyring.js';
import { readVaultFile } from './vault-file.js';

/** Bad archive line numbers listed in a report; the count is always exact. */
const MAX_LISTED = 1000;

export interface TokenTally {
  tokens: number;
  /** Opened by the primary. */
  primary: number;
  /** Opened only by a retired key (still readable; a rotation moves them). */
  retired: number;
  /** Tokens per key id (purge uses this to keep keys still needed). */
  byKey: Record<string, number>;
}

export interface VerifyReport {
  ok: boolean;
  primaryKeyId: string;
  keyringMode: string;
  keyringModeOk: boolean;
  vault: TokenTally & { present: boolean; badEntries: string[] };
  archive: TokenTally & { present: boolean; lines: number; badLines: number[]; badCount: number };
}

export const archivePath = (droplet: Droplet) => homeFile(droplet.paths, CONTRACT_FILES.archive);

const tally = (): TokenTally => ({ tokens: 0, primary: 0, retired: 0, byKey: {} });

function count(t: TokenTally, keyring: Keyring, token: string): boolean {
  t.tokens++;
  try {
    const { plaintext, keyId } = keyring.decryptWithKeyId(token);
    plaintext.fill(0);
    if (keyId === keyring.primary.id) t.primary++;
    else t.retired++;
    t.byKey[keyId] = (t.byKey[keyId] ?? 0) + 1;
    return true;
  } catch (err) {
    if (err instanceof InvalidToken) return false;
    throw err;
  }
}

export interface VerifyOptions {
  /** Use this keyring instead of loading vault.keys (the caller destroys it). */
  keyring?: Keyring;
  onProgress?: (phase: 'verify', done: number, total: number) => void;
}

export async function verifyVault(droplet: Droplet, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const disk = await readKeyringFile(droplet);
  const keyring = opts.keyring ?? new Keyring(disk.file);
  try {
    const vault = { ...tally(), present: false, badEntries: [] as string[] };
    const v = await readVaultFile(droplet);
    if (v) {
      vault.present = true;
      for (const [name, e] of Object.entries(v.vault.entries)) if (!count(vault, keyring, e.token)) vault.badEntries.push(name);
    }
    const archive = { ...tally(), present: false, lines: 0, badLines: [] as number[], badCount: 0 };
    const path = archivePath(droplet);
    // A link, FIFO or device in the archive's place is refused (exit 3), never read through.
    const st = await regularOrAbsent(droplet, path);
    if (st) {
      archive.present = true;
      let last = 0;
      for await (const l of readLines(droplet, path)) {
        archive.lines = l.lineNo;
        const span = findEnc(l.line);
        // A whole line that mentions "enc" but is not a readable record is as lost as a bad token.
        const bad = span ? !count(archive, keyring, span.token) : !l.torn && l.line.includes('"enc"');
        if (bad) {
          archive.badCount++;
          if (archive.badLines.length < MAX_LISTED) archive.badLines.push(l.lineNo);
        }
        if (l.offset - last >= 1 << 20) {
          last = l.offset;
          opts.onProgress?.('verify', l.offset, st.size);
        }
      }
      opts.onProgress?.('verify', st.size, st.size);
    }
    return {
      ok: vault.badEntries.length === 0 && archive.badCount === 0,
      primaryKeyId: keyring.primary.id,
      keyringMode: `0${disk.mode.toString(8)}`,
      keyringModeOk: disk.mode === KEYRING_MODE,
      vault,
      archive,
    };
  } finally {
    if (!opts.keyring) keyring.destroy();
  }
}
