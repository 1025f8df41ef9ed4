/**
 * `vault rotate`: a new primary key, every token re-encrypted under it with
 * its original timestamp, the old primary retired (kept, for backups).
 *
 * Crash-safe by order (contract: Credential vault). The keyring on disk opens
 * every token at every moment because keys are only ever added before data
 * moves to them, and removed only by `vault purge`:
 *   1. keyring = new primary + every old key, written atomically first; the
 *      old primary gets `retired` = the start time, so the file always has
 *      exactly one primary (the agent reads this file too);
 *   2. vault.json re-encrypted and swapped atomically;
 *   3. the archive re-encrypted as a stream, appends carried over;
 *   4. the old key's `retired` set to the finish time: the 30-day purge clock
 *      starts when the last token left it, not when rotation began;
 *   5. everything verified under the new primary;
 *   6. a receipt.
 */
import type { Droplet } from '../droplet/droplet.js';
import { writeAtomic } from '../droplet/atomic-write.js';
import { regularOrAbsent } from '../droplet/control-file.js';
import { StratamError } from '../errors.js';
import { withReceipt } from '../receipts/receipts.js';
import { findEnc, replaceEnc } from './archive-lines.js';
import { rewriteArchive } from './archive-rewrite.js';
import { InvalidToken, generateKey } from './fernet.js';
import { Keyring, type KeyringFile, isoSeconds, keyringPath, newKeyId, readKeyringFile, writeKeyring } from './keyring.js';
import { acquireVaultLock } from './rotate-lock.js';
import { cleanupInterrupted } from './stale-files.js';
import { readVaultFile, serializeVault, vaultPath } from './vault-file.js';
import { archivePath, verifyVault, type VerifyReport } from './verify.js';

export type RotatePhase = 'keyring' | 'vault' | 'archive' | 'retire' | 'verify';

export interface RotateProgress {
  kind: 'progress';
  phase: RotatePhase;
  done: number;
  total: number;
}

export interface RotateResult {
  newKeyId: string;
  retiredKeyId: string;
  vaultEntries: number;
  archiveLines: number;
  archiveTokens: number;
  /** Archive lines appended by the agent during the swap and carried over. */
  carriedLines: number;
  verify: { ok: boolean; primary: number; retired: number };
  warnings: string[];
}

export interface RotateOptions {
  now?: () => Date;
  onProgress?: (e: RotateProgress) => void;
  /** Testing hook: runs right before the archive swap. */
  beforeArchiveSwap?: () => Promise<void>;
}

export async function rotateVault(droplet: Droplet, opts: RotateOptions = {}): Promise<RotateResult> {
  return withReceipt(
    droplet,
    'vault_rotate',
    {},
    () => rotateLocked(droplet, opts),
    (r) => ({
      new_key: r.newKeyId,
      retired_key: r.retiredKeyId,
      vault_entries: r.vaultEntries,
      archive_tokens: r.archiveTokens,
      carried_lines: r.carriedLines,
      verified: r.verify.ok,
    }),
  );
}

async function rotateLocked(droplet: Droplet, opts: RotateOptions): Promise<RotateResult> {
  const release = await acquireVaultLock(droplet, 'rotation');
  try {
    return await rotate(droplet, opts);
  } finally {
    await release();
  }
}

async function rotate(droplet: Droplet, opts: RotateOptions): Promise<RotateResult> {
  const now = opts.now ?? (() => new Date());
  const progress = (phase: RotatePhase, done: number, total: number) => opts.onProgress?.({ kind: 'progress', phase, done, total });
  // Every file this rewrites must be a regular file (or absent) before anything changes: a link found
  // halfway would leave a rotated keyring beside an unrotated archive. Each read checks again.
  for (const path of [keyringPath(droplet), vaultPath(droplet), archivePath(droplet)]) await regularOrAbsent(droplet, path);
  const warnings = await cleanupInterrupted(droplet);

  // 1. New keyring: new primary first, every old key still listed.
  progress('keyring', 0, 1);
  const before = await readKeyringFile(droplet);
  const oldPrimary = before.file.keys.find((k) => k.retired === null)!;
  const started = isoSeconds(now());
  const newId = newKeyId(
    before.file.keys.map((k) => k.id),
    now(),
  );
  const rotated: KeyringFile = {
    version: 1,
    keys: [{ id: newId, key: generateKey(), created: started, retired: null }, ...before.file.keys.map((k) => (k === oldPrimary ? { ...k, retired: started } : k))],
  };
  const writtenKeyring = await writeKeyring(droplet, rotated, before.bytes);
  if (before.mode !== 0o600) warnings.push(`vault.keys had mode 0${before.mode.toString(8)}; it is now 0600.`);
  progress('keyring', 1, 1);

  const keyring = new Keyring(rotated);
  try {
    // 2. vault.json, swapped atomically. Retried if the agent rewrote it meanwhile.
    const vaultEntries = await rotateVaultJson(droplet, keyring, progress);

    // 3. The archive, as a stream.
    let archiveTokens = 0;
    const rw = await rewriteArchive(droplet, archivePath(droplet), {
      transform: (line, lineNo) => {
        const span = findEnc(line);
        if (!span) return line;
        archiveTokens++;
        try {
          return replaceEnc(line, span, keyring.rotate(span.token));
        } catch (err) {
          if (err instanceof InvalidToken) throw unreadable(`line ${lineNo} of the conversation archive`);
          throw err;
        }
      },
      onProgress: (d, t) => progress('archive', d, t),
      ...(opts.beforeArchiveSwap ? { beforeSwap: opts.beforeArchiveSwap } : {}),
    });

    // 4. The old key retired as of now (kept until `vault purge`).
    progress('retire', 0, 1);
    const finished = isoSeconds(now());
    const retiredFile: KeyringFile = { version: 1, keys: rotated.keys.map((k) => (k.id === oldPrimary.id ? { ...k, retired: finished } : k)) };
    await writeKeyring(droplet, retiredFile, writtenKeyring);
    progress('retire', 1, 1);

    // 5. Everything must open, and with the new primary.
    const report: VerifyReport = await verifyVault(droplet, { keyring, onProgress: (_p, d, t) => progress('verify', d, t) });
    if (!report.ok) {
      throw new StratamError('failed', `After rotation ${report.vault.badEntries.length} vault entries and ${report.archive.badCount} archive lines do not open with the keyring.`, {
        hint: 'Run `stratam vault verify` for the list. No key was removed, so restoring the files from a backup opens them again.',
      });
    }
    const stray = report.vault.retired + report.archive.retired;
    if (stray > 0) warnings.push(`${stray} tokens are still under a retired key (written by the agent during rotation); run \`vault rotate\` again to move them.`);
    return {
      newKeyId: newId,
      retiredKeyId: oldPrimary.id,
      vaultEntries,
      archiveLines: rw.lines,
      archiveTokens,
      carriedLines: rw.carried,
      verify: { ok: report.ok, primary: report.vault.primary + report.archive.primary, retired: stray },
      warnings,
    };
  } finally {
    keyring.destroy();
  }
}

function unreadable(what: string): StratamError {
  return new StratamError('failed', `Rotation stopped: ${what} does not open with any key in vault.keys. Files already rotated stay readable; nothing was lost.`, {
    hint: 'Run `stratam vault verify` to list every unreadable token, restore them (or remove those records), then rotate again.',
  });
}

async function rotateVaultJson(droplet: Droplet, keyring: Keyring, progress: (p: RotatePhase, d: number, t: number) => void): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const v = await readVaultFile(droplet);
    if (!v) return 0;
    const names = Object.keys(v.vault.entries);
    let done = 0;
    for (const name of names) {
      const e = v.vault.entries[name]!;
      try {
        e.token = keyring.rotate(e.token);
      } catch (err) {
        if (err instanceof InvalidToken) throw unreadable(`the vault entry "${name}"`);
        throw err;
      }
      progress('vault', ++done, names.length);
    }
    try {
      await writeAtomic(droplet, vaultPath(droplet), serializeVault(v.vault), { mode: v.mode || 0o600, expect: v.bytes });
      return names.length;
    } catch (err) {
      // The agent replaced vault.json between our read and our rename: redo from its new bytes.
      if (attempt >= 4 || !(err instanceof StratamError)) throw err;
    }
  }
}
