/**
 * The backups volume (contract: files `jarvis-<YYYYMMDD>.tar.gz` in
 * `backupsVolume`, daily, 30-day retention). The health rules are a pure
 * function over a listing, so they are tested without Docker; the listing
 * itself comes from a lister callback (the Docker client reads the volume).
 */
import type { Droplet } from '../droplet/droplet.js';

export interface BackupFile {
  name: string;
  /** Modification time, ms since the epoch. */
  mtime: number;
  size: number;
}

/** Lists the regular files at the top of a Docker volume. */
export type VolumeLister = (volume: string) => Promise<BackupFile[]>;

export interface BackupHealth {
  ok: boolean;
  count: number;
  totalBytes: number;
  latest: { name: string; ageHours: number } | null;
  /** Days (YYYY-MM-DD, UTC) inside the window with no backup. */
  missingDays: string[];
  /** Backups dated more than 30 days before today: retention is not being applied. */
  expired: string[];
  /** Files that are not `jarvis-YYYYMMDD.tar.gz` (listed, not judged). */
  foreign: string[];
  problems: string[];
}

export const MAX_LATEST_AGE_HOURS = 26;
export const RETENTION_DAYS = 30;
const DAY = 86_400_000;
const NAME = /^jarvis-(\d{4})(\d{2})(\d{2})\.tar\.gz$/;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The backup's day: from its name when it follows the contract, else from its mtime. */
function backupDay(f: BackupFile): string | null {
  const m = NAME.exec(f.name);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) ? null : iso;
}

export function backupHealth(files: readonly BackupFile[], now: Date = new Date()): BackupHealth {
  const ours = files.filter((f) => backupDay(f) !== null);
  const foreign = files.filter((f) => backupDay(f) === null).map((f) => f.name);
  const problems: string[] = [];
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  if (ours.length === 0) {
    return { ok: false, count: 0, totalBytes, latest: null, missingDays: [], expired: [], foreign, problems: ['No backups in the volume: the daily backup has never run, or writes elsewhere.'] };
  }
  const latestFile = ours.reduce((a, b) => (b.mtime > a.mtime ? b : a));
  const ageHours = (now.getTime() - latestFile.mtime) / 3_600_000;
  if (ageHours >= MAX_LATEST_AGE_HOURS) problems.push(`The latest backup (${latestFile.name}) is ${Math.floor(ageHours)} h old; a daily backup should be under ${MAX_LATEST_AGE_HOURS} h.`);

  const today = dayOf(now.getTime());
  const oldestAllowed = dayOf(Date.parse(`${today}T00:00:00Z`) - RETENTION_DAYS * DAY);
  const expired = ours
    .filter((f) => backupDay(f)! < oldestAllowed)
    .map((f) => f.name)
    .sort();
  if (expired.length) problems.push(`${expired.length} backups are older than ${RETENTION_DAYS} days (${expired[0]}...): retention is not being applied.`);

  // The window runs from the oldest backup still inside retention to the newest.
  const days = new Set(ours.map((f) => backupDay(f)!));
  const inWindow = [...days].filter((d) => d >= oldestAllowed).sort();
  const missingDays: string[] = [];
  if (inWindow.length) {
    for (let t = Date.parse(`${inWindow[0]}T00:00:00Z`), last = Date.parse(`${inWindow.at(-1)}T00:00:00Z`); t <= last; t += DAY) {
      if (!days.has(dayOf(t))) missingDays.push(dayOf(t));
    }
  }
  if (missingDays.length) problems.push(`No backup on ${missingDays.length} day(s) inside the window: ${missingDays.slice(0, 5).join(', ')}${missingDays.length > 5 ? ', ...' : ''}.`);
  return { ok: problems.length === 0, count: ours.length, totalBytes, latest: { name: latestFile.name, ageHours: Math.round(ageHours * 10) / 10 }, missingDays, expired, foreign, problems };
}

export interface BackupsListing {
  volume: string;
  files: Array<BackupFile & { time: string }>;
  health: BackupHealth;
}

/** List the droplet's backups volume with `lister` and judge it. */
export async function listBackupsWith(droplet: Droplet, lister: VolumeLister, now: Date = new Date()): Promise<BackupsListing> {
  const volume = droplet.paths.backupsVolume;
  const files = (await lister(volume)).slice().sort((a, b) => b.mtime - a.mtime);
  return { volume, files: files.map((f) => ({ ...f, time: new Date(f.mtime).toISOString() })), health: backupHealth(files, now) };
}
