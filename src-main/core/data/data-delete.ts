/**
 * Delete the operator's data on the droplet (issue 14, the seed's "Export +
 * delete"): the conversation archive, the vault entries, the waitlist, the
 * browser profile's contents and the self-modify snapshots. Kept on purpose:
 * the audit log and receipts (the evidence), the keyring (backups inside
 * their 30-day retention hold encrypted copies that need it) and the backups
 * themselves (the app never deletes them; they expire).
 *
 * Refused (exit 3) before anything changes unless the typed confirmation is
 * the droplet's name, and unless this app recorded an export of this droplet
 * in the last 24 hours (export-record.ts, on the desktop: the droplet's own
 * receipts are writable by the agent and prove nothing), or the caller says
 * it goes without one. Then: the vault lock (no rotation rewrites the vault
 * or the archive meanwhile), pause, and the deletes, with one `data_delete`
 * receipt listing what went and how many bytes.
 *
 * Links: every path deleted from is checked with lstat first, and a link (or
 * a FIFO, a device, a folder where a file belongs) in place of any of them is
 * refused before anything is deleted. Files are unlinked (which removes a
 * link swapped in later, never its target); vault.json is read only as a
 * regular file and replaced by rename; folders are emptied by empty-folder.ts.
 */
import { pause } from '../controls/pause.js';
import { regularOrAbsent } from '../droplet/control-file.js';
import { writeAtomic } from '../droplet/atomic-write.js';
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { StratamError, refusedError } from '../errors.js';
import { log } from '../log/logger.js';
import { type BlockedBy, withReceipt } from '../receipts/receipts.js';
import { emptyFolder, realFolderOrAbsent } from '../recovery/empty-folder.js';
import type { DataDeleteResult, DeletedItem } from '../recovery/recovery-types.js';
import { browserProfilePath } from '../recovery/signout.js';
import { keyringPath } from '../vault/keyring.js';
import { acquireVaultLock } from '../vault/rotate-lock.js';
import { cleanupInterrupted } from '../vault/stale-files.js';
import { readVaultFile, serializeVault, vaultPath } from '../vault/vault-file.js';
import { type ExportRecord, isFresh, lastExport } from './export-record.js';
import { snapshotsDir } from './snapshots.js';

export interface DataDeleteOptions {
  /** The droplet's name: its profile name (the CLI without a profile: the --host value). */
  dropletName: string;
  /** What the person typed; must equal dropletName exactly. */
  confirm: string;
  withoutExport?: boolean;
  /** This app's state folder, where exports are recorded. */
  stateDir: string;
  via?: string;
  now?: Date;
}

interface Target {
  what: string;
  path: string;
  kind: 'file' | 'folder' | 'vault';
}

const ARCHIVE_KEPT_PREFIX = `${CONTRACT_FILES.archive}.interrupted-`;

function targets(droplet: Droplet): Target[] {
  const h = (n: string) => homeFile(droplet.paths, n);
  return [
    { what: 'the conversation archive', path: h(CONTRACT_FILES.archive), kind: 'file' },
    { what: 'the vault entries', path: vaultPath(droplet), kind: 'vault' },
    { what: 'the waitlist', path: h(CONTRACT_FILES.waitlist), kind: 'file' },
    { what: "the browser profile's contents", path: browserProfilePath(droplet), kind: 'folder' },
    { what: 'the self-modify snapshots', path: snapshotsDir(droplet), kind: 'folder' },
  ];
}

/** What stays, and why: said in the result so every face says it the same way. */
export function keptItems(droplet: Droplet): DataDeleteResult['kept'] {
  const h = (n: string) => homeFile(droplet.paths, n);
  return [
    { what: 'the audit log', path: `${h(CONTRACT_FILES.activity)} (and its rotated files)`, why: 'it is the evidence of what the agent did' },
    { what: "the operator's receipts", path: h(CONTRACT_FILES.receipts), why: 'they are the evidence of what was done to the droplet, this deletion included' },
    {
      what: 'the vault keyring',
      path: keyringPath(droplet),
      why: 'backups inside their 30-day retention hold encrypted copies of the deleted files and need these keys; retired keys go with `stratam vault purge` once no backup needs them',
    },
    {
      what: 'the backups',
      path: `Docker volume ${droplet.paths.backupsVolume}`,
      why: 'the app never deletes backups; they keep encrypted copies of the deleted files until they expire after 30 days',
    },
  ];
}

const blocked = (err: StratamError, by: BlockedBy) => Object.assign(err, { blocked: by });

function checkConfirm(opts: DataDeleteOptions): void {
  if (opts.confirm === opts.dropletName) return;
  throw blocked(
    refusedError(
      `The confirmation "${opts.confirm.slice(0, 64)}" is not this droplet's name, "${opts.dropletName}"; nothing was deleted.`,
      `Type the droplet's name exactly: --confirm ${opts.dropletName}`,
      { expected: opts.dropletName },
    ),
    'confirmation',
  );
}

async function checkExport(droplet: Droplet, opts: DataDeleteOptions, now: Date): Promise<ExportRecord | null> {
  if (opts.withoutExport) return null;
  const rec = await lastExport(opts.stateDir, droplet.identity);
  if (rec && isFresh(rec, now)) return rec;
  throw blocked(
    refusedError(
      `No export of this droplet was written by this app in the last 24 hours (${rec ? `the last one was at ${rec.at}` : 'none is recorded'}); deleting now would leave no copy of the data, so nothing was deleted.`,
      'Run `stratam export --out FILE` first (this app records it), then run this again; or pass --without-export to delete without a copy.',
      { lastExport: rec },
    ),
    'confirmation',
  );
}

/** Every path is what it should be (or absent); a link or anything else in its place: refused. Also parses vault.json. */
async function preflight(droplet: Droplet, list: Target[]): Promise<void> {
  for (const t of list) {
    if (t.kind === 'folder') await realFolderOrAbsent(droplet, t.path, t.what);
    else if (t.kind === 'vault')
      await readVaultFile(droplet); // refuses a link (exit 3), fails on a vault it cannot read
    else await regularOrAbsent(droplet, t.path);
  }
}

async function deleteFile(droplet: Droplet, t: Target): Promise<DeletedItem> {
  const st = await regularOrAbsent(droplet, t.path);
  if (!st) return { what: t.what, path: t.path, bytes: 0, status: 'absent' };
  // unlink removes the name; were a link swapped in since the check, the link goes, not its target.
  await droplet.unlink(t.path);
  return { what: t.what, path: t.path, bytes: st.size, status: 'deleted' };
}

/**
 * vault.json with no entries (other top-level fields kept, so a newer agent's
 * format survives), replaced by rename under a compare-and-swap: the agent
 * may update an entry meanwhile, then the read is done again.
 */
async function emptyVault(droplet: Droplet, t: Target): Promise<DeletedItem> {
  for (let attempt = 1; ; attempt++) {
    const v = await readVaultFile(droplet);
    if (!v) return { what: t.what, path: t.path, bytes: 0, status: 'absent' };
    const next = serializeVault({ ...v.vault, entries: {} });
    try {
      if (Object.keys(v.vault.entries).length > 0) await writeAtomic(droplet, t.path, next, { mode: v.mode, expect: v.bytes });
      return { what: t.what, path: t.path, bytes: Math.max(0, v.bytes.length - next.length), status: 'emptied' };
    } catch (err) {
      if (attempt >= 3 || !(err instanceof StratamError) || err.kind !== 'failed') throw err;
      log.info('data', `${t.path} changed while its entries were being deleted; reading it again (attempt ${attempt + 1})`);
    }
  }
}

/** Copies of the archive an interrupted vault rotation kept aside (`conversation_archive.jsonl.interrupted-*`). */
async function deleteKeptArchives(droplet: Droplet): Promise<DeletedItem[]> {
  const home = droplet.paths.jarvisHome.replace(/\/+$/, '');
  const out: DeletedItem[] = [];
  for (const e of await droplet.readdir(home)) {
    if (!e.name.startsWith(ARCHIVE_KEPT_PREFIX) || e.name.includes('/')) continue;
    out.push(await deleteFile(droplet, { what: 'a conversation archive kept by an interrupted vault rotation', path: `${home}/${e.name}`, kind: 'file' }));
  }
  return out;
}

export async function deleteData(droplet: Droplet, opts: DataDeleteOptions): Promise<DataDeleteResult> {
  const now = opts.now ?? new Date();
  const list = targets(droplet);
  return withReceipt(
    droplet,
    'data_delete',
    { droplet: opts.dropletName, without_export: Boolean(opts.withoutExport), via: opts.via ?? 'cli' },
    async () => {
      checkConfirm(opts);
      const exported = await checkExport(droplet, opts, now);
      await preflight(droplet, list);
      const release = await acquireVaultLock(droplet, 'data delete');
      try {
        await pause(droplet, 'data_delete');
        // Again after the pause: a link put in place meanwhile is still refused before anything goes.
        await preflight(droplet, list);
        // Temp copies of the archive and the vault that an interrupted rotation left hold the same data.
        for (const w of await cleanupInterrupted(droplet)) log.info('data', w);
        const deleted: DeletedItem[] = [];
        for (const t of list) {
          if (t.kind === 'file') deleted.push(await deleteFile(droplet, t));
          else if (t.kind === 'vault') deleted.push(await emptyVault(droplet, t));
          else {
            const there = await realFolderOrAbsent(droplet, t.path, t.what);
            deleted.push(there ? { what: t.what, path: t.path, bytes: (await emptyFolder(droplet, t.path)).bytes, status: 'emptied' } : { what: t.what, path: t.path, bytes: 0, status: 'absent' });
          }
          if (t.path === list[0]!.path) deleted.push(...(await deleteKeptArchives(droplet)));
        }
        return {
          droplet: opts.dropletName,
          exportAt: exported?.at ?? null,
          deleted,
          kept: keptItems(droplet),
          bytes: deleted.reduce((n, d) => n + d.bytes, 0),
        };
      } finally {
        await release();
      }
    },
    (r) => ({ export_at: r.exportAt, deleted: r.deleted, bytes: r.bytes, kept: r.kept.map((k) => k.what) }),
  );
}
