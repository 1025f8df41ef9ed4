/**
 * "An export of this droplet was written by this app": the desktop's own
 * record of the last export, `<stateDir>/exports/<droplet key>.json` (mode
 * 0600, folder 0700), written after an export file was committed.
 *
 * `data delete` relies on it to refuse deleting data nobody has a copy of.
 * It lives on the desktop on purpose: the export receipt in
 * operator_actions.jsonl sits on the droplet, where the agent can write, so
 * the agent could forge a "recent export" there and talk the app into
 * deleting data the operator never saved.
 *
 * The key is the witness's droplet key (host, port, host key), so a saved
 * profile and a plain `--host` run against the same droplet share the record,
 * and a different machine answering on the same address does not.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropletKey } from '../audit/witness-store.js';
import type { DropletIdentity } from '../droplet/droplet.js';

export interface ExportRecord {
  /** When the export was committed (this desktop's clock, ISO). */
  at: string;
  /** The export file's absolute path on this desktop. */
  path: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export const exportRecordPath = (stateDir: string, id: DropletIdentity) => join(stateDir, 'exports', `${dropletKey(id)}.json`);

/** Record that an export of `id` was written to `path` (replaces the previous record atomically). */
export async function recordExport(stateDir: string, id: DropletIdentity, path: string, at: Date = new Date()): Promise<ExportRecord> {
  const file = exportRecordPath(stateDir, id);
  const rec: ExportRecord = { at: at.toISOString(), path };
  await mkdir(join(stateDir, 'exports'), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // `wx`: a fresh name, never through something already there.
    await writeFile(tmp, `${JSON.stringify({ version: 1, ...rec, host: id.host, port: id.port, host_key: id.hostKey })}\n`, { mode: 0o600, flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return rec;
}

/** The last export of `id` this app recorded, or null (none, or a record that does not parse: it proves nothing). */
export async function lastExport(stateDir: string, id: DropletIdentity): Promise<ExportRecord | null> {
  let text: string;
  try {
    text = await readFile(exportRecordPath(stateDir, id), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const j = JSON.parse(text) as { at?: unknown; path?: unknown };
    if (typeof j.at === 'string' && ISO.test(j.at) && Number.isFinite(Date.parse(j.at)) && typeof j.path === 'string') return { at: j.at, path: j.path };
  } catch {
    /* a damaged record is no record: the caller asks for a new export */
  }
  return null;
}

/** An export counts for this long (the issue: "in the last 24 hours"). */
export const EXPORT_FRESH_MS = 24 * 60 * 60 * 1000;
/** A record this far in the future of `now` still counts (clock adjustments); further is not trusted. */
const SKEW_MS = 5 * 60 * 1000;

/** Is the record recent enough to delete on? */
export function isFresh(rec: ExportRecord, now: Date): boolean {
  const age = now.getTime() - Date.parse(rec.at);
  return age <= EXPORT_FRESH_MS && age >= -SKEW_MS;
}
