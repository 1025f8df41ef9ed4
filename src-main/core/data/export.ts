/**
 * `export --out FILE [--include-secrets]`: the operator's data in one JSON
 * file, written as a stream (bounded memory), mode 0600, with progress and a
 * receipt. What goes in, per the issue: waitlist, the conversation decrypted,
 * the activity log and receipts, vault entry names and times (plaintext
 * secrets only with --include-secrets), the breaker, the contract's flags
 * (no other .env value), snapshot and backup listings. Never the browser
 * profile: nothing under playwright_profile/ is read at all.
 *
 * Control-plane files (the activity log and its rotations, the receipts,
 * breaker.json, the vault, the snapshot folder) are read only as regular
 * files: a link, FIFO or device in their place stops the export with a
 * refusal naming it (exit 3), and nothing is read through it.
 *
 * With `stateDir`, a written export is recorded on the desktop
 * (export-record.ts): `data delete` asks that record, never the droplet's
 * receipts, whether the data was saved first.
 */
import { existsSync } from 'node:fs';
import type { Droplet } from '../droplet/droplet.js';
import { readControlFile } from '../droplet/control-file.js';
import { auditFilesOldestFirst, controlPlane } from '../droplet/control-plane.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { StratamError, usageError } from '../errors.js';
import { doubtsFor } from '../flags/dotenv.js';
import { reportError } from '../log/logger.js';
import { CONTRACT_KEYS, readEnv } from '../flags/env-editor.js';
import { withReceipt } from '../receipts/receipts.js';
import { readLines } from '../vault/archive-lines.js';
import { InvalidToken } from '../vault/fernet.js';
import { type Keyring, loadKeyring } from '../vault/keyring.js';
import { readVaultFile } from '../vault/vault-file.js';
import { type VolumeLister, listBackupsWith } from './backups.js';
import { recordExport } from './export-record.js';
import { JsonFileWriter } from './json-stream.js';
import { listSnapshots } from './snapshots.js';

/** A line longer than this is exported as its length only, so memory stays bounded. */
export const MAX_EXPORT_LINE = 16 * 1024 * 1024;
export const EXPORT_FORMAT = 'stratam-export';

export interface ExportOptions {
  out: string;
  includeSecrets?: boolean;
  onProgress?: (e: { kind: 'progress'; phase: string; done: number; total: number }) => void;
  /** Lists the backups volume (the Docker client); without it the backups section says why it is empty. */
  backupsLister?: VolumeLister;
  now?: Date;
  /** This app's state folder: when given, the export is recorded there (export-record.ts), which `data delete` requires. */
  stateDir?: string;
}

export interface ExportResult {
  out: string;
  bytes: number;
  counts: { waitlist: number; conversation: number; undecryptable: number; activity: number; receipts: number; vaultEntries: number };
  warnings: string[];
}

export async function exportData(droplet: Droplet, opts: ExportOptions): Promise<ExportResult> {
  if (existsSync(opts.out)) throw usageError(`${opts.out} already exists; an export never overwrites a file.`, 'Choose a new --out path, or move the old export away first.');
  const r = await withReceipt(
    droplet,
    'export',
    { out: opts.out, include_secrets: Boolean(opts.includeSecrets) },
    () => runExport(droplet, opts),
    (r) => ({ bytes: r.bytes, counts: r.counts }),
  );
  if (opts.stateDir) {
    try {
      await recordExport(opts.stateDir, droplet.identity, opts.out, opts.now);
    } catch (err) {
      // The export itself is written and fine; only `data delete` will not know about it.
      reportError('export', err, 'recording the export in the state folder');
      r.warnings.push(`The export was written, but could not be recorded in ${opts.stateDir} (${(err as Error).message}), so \`stratam data delete\` will not count it.`);
    }
  }
  return r;
}

/** One JSONL line as an export element: the record, or what was wrong with the line. */
function lineValue(l: { line: Buffer; torn: boolean; oversized?: number }): Record<string, unknown> {
  if (l.oversized !== undefined) return { _oversized_bytes: l.oversized };
  const text = l.line.toString('utf8');
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return l.torn ? { _torn: true, ...(v as object) } : (v as Record<string, unknown>);
  } catch {
    /* kept below as text */
  }
  return l.torn ? { _torn: text } : { _malformed: text };
}

async function runExport(droplet: Droplet, opts: ExportOptions): Promise<ExportResult> {
  const now = opts.now ?? new Date();
  const warnings: string[] = [];
  const counts = { waitlist: 0, conversation: 0, undecryptable: 0, activity: 0, receipts: 0, vaultEntries: 0 };
  const home = (name: string) => homeFile(droplet.paths, name);
  const activityFiles = auditFilesOldestFirst(controlPlane(droplet.paths, droplet.home));
  const streams: Array<{ key: keyof typeof counts; paths: string[] }> = [
    { key: 'waitlist', paths: [home(CONTRACT_FILES.waitlist)] },
    { key: 'activity', paths: activityFiles },
    { key: 'receipts', paths: [home(CONTRACT_FILES.receipts)] },
    { key: 'conversation', paths: [home(CONTRACT_FILES.archive)] },
  ];
  // Progress is in bytes of the JSONL files read, the bulk of the work.
  let total = 0;
  for (const s of streams) for (const p of s.paths) total += (await droplet.lstat(p))?.size ?? 0;
  let done = 0;
  const progress = (phase: string) => opts.onProgress?.({ kind: 'progress', phase, done, total });

  let keyring: Keyring | null = null;
  try {
    keyring = await loadKeyring(droplet);
  } catch (err) {
    if (!(err instanceof StratamError)) throw err;
    warnings.push(`The conversation and vault could not be decrypted: ${err.message}`);
  }
  const w = await JsonFileWriter.create(opts.out);
  try {
    await w.open('{');
    await w.member('format', EXPORT_FORMAT);
    await w.member('version', 1);
    await w.member('exported_at', now.toISOString());
    await w.member('droplet', {
      host: droplet.identity.host,
      user: droplet.identity.user,
      host_key: droplet.identity.hostKey,
      jarvis_home: droplet.paths.jarvisHome,
      jarvis_root: droplet.paths.jarvisRoot,
    });
    await w.member('include_secrets', Boolean(opts.includeSecrets));

    const env = await readEnv(droplet);
    const flags: Record<string, string> = {};
    for (const k of CONTRACT_KEYS) if (env.values.has(k)) flags[k] = env.values.get(k)!;
    for (const d of doubtsFor(env.doubts, CONTRACT_KEYS)) warnings.push(`The flags may not be what the agent reads: ${droplet.paths.envFile} line ${d.line}: ${d.reason}.`);
    await w.member('flags', flags);

    const breakerPath = home(CONTRACT_FILES.breaker);
    // A control-plane file: refused (exit 3) when not a regular file, never read through.
    const breakerText = (await readControlFile(droplet, breakerPath))?.bytes.toString('utf8') ?? null;
    let breaker: unknown = null;
    if (breakerText !== null) {
      try {
        breaker = JSON.parse(breakerText);
      } catch {
        breaker = { _malformed: breakerText };
      }
    }
    await w.member('breaker', breaker);

    const vault = await readVaultFile(droplet);
    await w.open('{', 'vault');
    await w.open('[', 'entries');
    for (const [name, e] of Object.entries(vault?.vault.entries ?? {})) {
      counts.vaultEntries++;
      const entry: Record<string, unknown> = { name, updated: e.updated };
      if (opts.includeSecrets) {
        try {
          entry.secret = keyring ? keyring.decrypt(e.token).toString('utf8') : null;
        } catch (err) {
          if (!(err instanceof InvalidToken)) throw err;
          entry.secret = null;
          entry._error = 'the token does not open with the keyring';
        }
      }
      await w.element(entry);
    }
    await w.close(']');
    await w.close('}');

    const snaps = await listSnapshots(droplet);
    await w.member('snapshots', { dir: snaps.dir, snapshots: snaps.snapshots, warning: snaps.warning });
    if (opts.backupsLister) {
      try {
        await w.member('backups', await listBackupsWith(droplet, opts.backupsLister, now));
      } catch (err) {
        warnings.push(`The backups volume could not be listed: ${(err as Error).message}`);
        await w.member('backups', { error: (err as Error).message });
      }
    } else await w.member('backups', { error: 'the backups volume was not listed (no Docker access in this session)' });

    for (const s of streams) {
      await w.open('[', s.key);
      for (const path of s.paths) {
        let last = 0;
        for await (const l of readLines(droplet, path, { maxLine: MAX_EXPORT_LINE })) {
          let value = lineValue(l);
          if (s.key === 'conversation') value = decryptRecord(value, keyring, counts);
          counts[s.key]++;
          await w.element(value);
          done += l.line.length + 1;
          if (done - last > 256 * 1024) {
            last = done;
            progress(s.key);
          }
        }
      }
      await w.close(']');
    }
    await w.close('}');
    await w.commit();
    done = total;
    progress('done');
  } catch (err) {
    await w.abort();
    throw err;
  } finally {
    keyring?.destroy();
  }
  if (counts.undecryptable) warnings.push(`${counts.undecryptable} conversation records did not open with the keyring; they are exported with "content": null.`);
  return { out: opts.out, bytes: w.bytes, counts, warnings };
}

/** The archive record with `enc` replaced by its decrypted `content`. */
function decryptRecord(rec: Record<string, unknown>, keyring: Keyring | null, counts: { undecryptable: number }): Record<string, unknown> {
  if (typeof rec.enc !== 'string') return rec;
  const { enc, ...rest } = rec;
  try {
    if (!keyring) throw new InvalidToken('no keyring');
    const plain = keyring.decrypt(enc as string);
    const parsed = JSON.parse(plain.toString('utf8')) as { content?: unknown };
    plain.fill(0);
    return { ...rest, content: typeof parsed.content === 'string' ? parsed.content : null };
  } catch {
    counts.undecryptable++;
    return { ...rest, content: null, _error: 'the enc token does not open with the keyring' };
  }
}
