/**
 * The mirror writer's batch, applied under `mirror.lock` against the files as
 * they are on disk at that moment (docs/audit-mirror.md): a run of bytes
 * continues its inode's mirror file, is compared where it overlaps, starts a
 * new file at offset 0, or is refused past the end (`behind`); sampled
 * records become index entries once their bytes are known to be there.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../../log/logger.js';
import type { StreamName } from '../diagnostics.js';
import { equalOnDisk, sliceParts } from './mirror-files.js';
import { decodeEntry, encodeEntry, ENTRY, type IndexEntry } from './mirror-index.js';
import { fileName, readManifest, writeManifest, type Manifest, type ManifestFile } from './mirror-manifest.js';

export type Op =
  | { kind: 'run'; inode: string; offset: number; parts: Buffer[]; len: number }
  | { kind: 'trunc'; inode: string }
  | { kind: 'entry'; inode: string; seq: number; ts: number; offset: number; end: number }
  | { kind: 'seen'; inode: string; seq: number; end: number };

/** What a writer keeps between batches. */
export interface WriterState {
  readonly dir: string;
  readonly stream: StreamName;
  readonly capBytes: number;
  /** Open mirror files by number. */
  readonly fds: Map<number, number>;
  /** Inodes whose bytes are not mirrored: a dropped file read again (ignored), or other bytes than held (diverged, by the file number that differs). */
  readonly ignored: Set<string>;
  readonly diverged: Map<string, number>;
  /** Gaps not written: per inode, the offset the mirror must reach (another writer's sync may fill it). */
  readonly gaps: Map<string, number>;
  /** The last seq indexed, on disk or in the batch being gathered. */
  lastIndexed: number;
}

/** Apply the batch to the files as they are now (holding the lock); true when bytes were written. */
export function applyBatch(s: WriterState, ops: readonly Op[]): boolean {
  const m = readManifest(s.dir);
  const sizes = new Map<number, number>();
  for (const [n, fd] of s.fds) {
    if (!m.files.some((f) => f.n === n)) {
      closeSync(fd); // dropped by the cap (here or in the other writer)
      s.fds.delete(n);
    }
  }
  const openFor = (inode: string): ManifestFile | undefined => m.files.findLast((f) => f.inode === inode && !f.closed);
  const sizeOf = (f: ManifestFile): number => {
    let size = sizes.get(f.n);
    if (size === undefined) sizes.set(f.n, (size = fstatSync(fdOf(s, f.n)).size));
    return size;
  };
  // What another writer (a sync) filled in or replaced since: no longer behind there.
  for (const [inode, need] of s.gaps) {
    const f = openFor(inode);
    if (f && sizeOf(f) >= need) s.gaps.delete(inode);
  }
  for (const [inode, n] of s.diverged) if (openFor(inode)?.n !== n) s.diverged.delete(inode);
  let changed = m.capBytes !== s.capBytes;
  m.capBytes = s.capBytes;
  let wrote = false;
  const entries: IndexEntry[] = [];
  const start = (inode: string, parts: Buffer[], len: number): void => {
    const f: ManifestFile = { n: m.next++, inode, firstSeq: null, lastSeq: null, closed: false };
    m.files.push(f);
    s.fds.set(f.n, openSync(join(s.dir, fileName(f.n)), 'w+', 0o600));
    sizes.set(f.n, writevSync(fdOf(s, f.n), parts, 0));
    s.gaps.delete(inode);
    changed = wrote = true;
  };
  for (const op of ops) {
    if (op.kind === 'trunc') {
      const f = openFor(op.inode);
      if (f) f.closed = changed = true;
      s.ignored.delete(op.inode);
      s.diverged.delete(op.inode);
      s.gaps.delete(op.inode);
      continue;
    }
    if (op.kind === 'run') {
      const { inode, offset, parts, len } = op;
      if (offset === 0) s.ignored.delete(inode);
      if (s.ignored.has(inode)) continue;
      const f = openFor(inode);
      if (!f) {
        const dropped = m.droppedHeads.find((h) => h.inode === inode);
        if (offset !== 0) {
          if (!dropped) s.gaps.set(inode, offset); // the mirror never read this file from 0: a sync fills it in order
        } else if (dropped && headMatches(parts, len, Buffer.from(dropped.head, 'base64'))) s.ignored.add(inode);
        else start(inode, parts, len);
        continue;
      }
      if (s.diverged.has(inode)) {
        if (offset !== 0) continue;
        s.diverged.delete(inode);
      }
      const held = sizeOf(f);
      if (offset > held) {
        s.gaps.set(inode, Math.max(offset, s.gaps.get(inode) ?? 0));
        continue;
      }
      const overlap = Math.min(offset + len, held) - offset;
      if (overlap > 0 && !equalOnDisk(fdOf(s, f.n), offset, parts, overlap)) {
        // Not the file the mirror holds (an inode reused, a log rewritten): keep the evidence as it is.
        if (offset === 0) {
          f.closed = true;
          start(inode, parts, len);
        } else {
          s.diverged.set(inode, f.n);
          log.warn(
            'audit-mirror',
            `The droplet's ${s.stream} file (inode ${inode}) holds other bytes at offset ${offset} than the mirror's ${fileName(f.n)}: the mirror keeps its copy and starts a new file when the file is read again from its start.`,
          );
        }
        continue;
      }
      if (offset + len > held) {
        sizes.set(f.n, held + writevSync(fdOf(s, f.n), sliceParts(parts, held - offset, len), held));
        wrote = true;
      }
      if ((s.gaps.get(inode) ?? Infinity) <= (sizes.get(f.n) as number)) s.gaps.delete(inode);
      continue;
    }
    const f = openFor(op.inode);
    if (!f || s.ignored.has(op.inode) || s.diverged.has(op.inode) || sizeOf(f) < op.end) continue;
    if (op.kind === 'seen') {
      if (f.lastSeq === null || op.seq > f.lastSeq) {
        f.lastSeq = op.seq;
        changed = true;
      }
    } else entries.push({ seq: op.seq, maxTs: op.ts, n: f.n, offset: op.offset });
  }
  if (appendEntries(s, entries, m)) changed = true;
  if (changed) writeManifest(s.dir, m);
  return wrote;
}

/** Append the entries past the index's last seq, with the running max ts; true when a file's firstSeq was set. */
function appendEntries(s: WriterState, entries: IndexEntry[], m: Manifest): boolean {
  const fd = openSync(join(s.dir, 'index.bin'), 'a+', 0o600);
  try {
    const size = fstatSync(fd).size;
    if (size % ENTRY !== 0) ftruncateSync(fd, size - (size % ENTRY)); // torn by a crash mid-write
    const last = lastIndexEntry(s.dir, fd);
    let lastSeq = last?.seq ?? Number.NEGATIVE_INFINITY;
    let maxTs = last?.maxTs ?? 0;
    const out = Buffer.allocUnsafe(entries.length * ENTRY);
    let k = 0;
    for (const e of entries) {
      if (!(e.seq > lastSeq)) continue; // the other writer indexed it
      if (e.maxTs > maxTs) maxTs = e.maxTs;
      encodeEntry({ ...e, maxTs }, out, k);
      k += ENTRY;
      lastSeq = e.seq;
      const f = m.files.find((x) => x.n === e.n);
      if (!f) continue;
      if (f.firstSeq === null) f.firstSeq = e.seq;
      if (f.lastSeq === null || e.seq > f.lastSeq) f.lastSeq = e.seq;
    }
    if (k > 0) writeSync(fd, out, 0, k);
    if (lastSeq > s.lastIndexed) s.lastIndexed = lastSeq;
    return k > 0;
  } finally {
    closeSync(fd);
  }
}

export function lastIndexEntry(dir: string, fd?: number): IndexEntry | null {
  const own = fd ?? openIfExists(join(dir, 'index.bin'));
  if (own === null) return null;
  try {
    const size = fstatSync(own).size;
    if (size < ENTRY) return null;
    const b = Buffer.allocUnsafe(ENTRY);
    readSync(own, b, 0, ENTRY, size - (size % ENTRY) - ENTRY);
    return decodeEntry(b, 0);
  } finally {
    if (fd === undefined) closeSync(own);
  }
}

function fdOf(s: WriterState, n: number): number {
  let fd = s.fds.get(n);
  if (fd === undefined) s.fds.set(n, (fd = openSync(join(s.dir, fileName(n)), 'r+')));
  return fd;
}

/** Do the first bytes of a run equal a dropped file's head (as far as both go)? */
function headMatches(parts: Buffer[], len: number, head: Buffer): boolean {
  const n = Math.min(len, head.length);
  return Buffer.concat(sliceParts(parts, 0, n)).equals(head.subarray(0, n));
}

function openIfExists(path: string): number | null {
  try {
    return openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
