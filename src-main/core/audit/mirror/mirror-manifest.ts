/**
 * `files.json`, the mirror's manifest (docs/audit-mirror.md): which droplet
 * inode each mirror file holds, its seq range, which files are closed (a
 * truncated or replaced droplet file gets no more bytes), and what the cap
 * dropped. Bytes held are never stored here: the file's size on disk is the
 * truth, re-read under the lock, so a crash between a data write and a
 * manifest write loses nothing.
 *
 * Written atomically (temp file + rename) under `mirror.lock`; read without
 * the lock by readers, who then see the old or the new manifest, never half.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamName } from '../diagnostics.js';
import type { DropletIdentity } from '../../droplet/droplet.js';
import { StratamError } from '../../errors.js';
import { witnessDir } from '../witness-store.js';

export interface ManifestFile {
  n: number;
  inode: string;
  firstSeq: number | null;
  lastSeq: number | null;
  /** No more bytes go here: the droplet file shrank, or its inode now holds other bytes. */
  closed: boolean;
}

/** A dropped file's inode and first bytes: the same file read again from 0 (a rescan) is recognised and not mirrored twice. */
export interface DroppedHead {
  inode: string;
  /** base64 of the file's first bytes (at most HEAD_BYTES). */
  head: string;
}

export interface Manifest {
  version: 1;
  /** The number the next new mirror file gets (numbers are never reused). */
  next: number;
  /** Oldest first. */
  files: ManifestFile[];
  dropped: { files: number; bytes: number; throughSeq: number | null };
  droppedHeads: DroppedHead[];
  /** The cap the last writer kept to (readers report it). */
  capBytes?: number;
}

export const HEAD_BYTES = 256;
/** Dropped heads remembered (the newest): the droplet retains 6 files, so a rescan can only meet that many. */
export const MAX_DROPPED_HEADS = 32;
export const STREAMS: readonly StreamName[] = ['activity', 'receipts'];

export function mirrorRoot(stateDir: string, id: DropletIdentity): string {
  return join(witnessDir(stateDir, id), 'mirror');
}

/** witnessDir(...)/mirror/<stream> */
export function mirrorDir(stateDir: string, id: DropletIdentity, stream: StreamName): string {
  return join(mirrorRoot(stateDir, id), stream);
}

export const fileName = (n: number): string => `f-${String(n).padStart(6, '0')}.jsonl`;
export const FILE_RE = /^f-(\d{6,})\.jsonl$/;

export function emptyManifest(): Manifest {
  return { version: 1, next: 1, files: [], dropped: { files: 0, bytes: 0, throughSeq: null }, droppedHeads: [] };
}

export function manifestPath(dir: string): string {
  return join(dir, 'files.json');
}

/** The manifest, or an empty one when there is none yet. A damaged one is an error: the mirror's files are evidence, not to be renumbered over. */
export function readManifest(dir: string): Manifest {
  const path = manifestPath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyManifest();
    throw err;
  }
  const m = parseManifest(text);
  if (!m) {
    throw new StratamError('failed', `The audit mirror's manifest ${path} is damaged, so the mirror files beside it cannot be placed.`, {
      hint: `Move the folder ${dir} aside (it keeps the mirrored bytes) and sync again to start a new mirror.`,
    });
  }
  return m;
}

const isSeq = (v: unknown): v is number | null => v === null || Number.isSafeInteger(v);

function parseManifest(text: string): Manifest | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null; // reported by the caller, with the path and the fix
  }
  const m = v as Partial<Manifest> | null;
  if (!m || m.version !== 1 || !Number.isSafeInteger(m.next) || !Array.isArray(m.files) || !m.dropped || !Array.isArray(m.droppedHeads)) return null;
  for (const f of m.files) {
    if (!Number.isSafeInteger(f.n) || f.n >= (m.next as number) || typeof f.inode !== 'string' || !isSeq(f.firstSeq) || !isSeq(f.lastSeq) || typeof f.closed !== 'boolean') return null;
  }
  if (!Number.isSafeInteger(m.dropped.files) || !Number.isSafeInteger(m.dropped.bytes) || !isSeq(m.dropped.throughSeq)) return null;
  return m as Manifest;
}

/** Replace the manifest atomically (temp + rename), mode 0600. Call under the lock. */
export function writeManifest(dir: string, m: Manifest): void {
  const path = manifestPath(dir);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(m));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
