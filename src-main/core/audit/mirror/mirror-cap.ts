/**
 * The mirror's per-droplet cap (docs/audit-mirror.md, "The cap"), counted
 * over both streams' files. Over it, the oldest whole files go (by their last
 * write, then their number), never a stream's newest file, and each stream's
 * manifest says how many files and bytes went, the last seq they held, and
 * their first bytes (so a rescan that meets a dropped file does not mirror it
 * again). The index's entries for dropped files are cut out with them.
 *
 * Both streams' locks are taken, always activity first, so two writers
 * enforcing the cap at once wait for each other instead of deadlocking.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { withProcessLock } from '../../fs/process-lock.js';
import { log } from '../../log/logger.js';
import { ENTRY } from './mirror-index.js';
import { FILE_RE, HEAD_BYTES, MAX_DROPPED_HEADS, readManifest, STREAMS, writeManifest, fileName, type Manifest } from './mirror-manifest.js';
import { readRange } from './mirror-files.js';

/** Bytes of every mirror file under the droplet's mirror folder (both streams). */
export function mirroredBytes(root: string): number {
  let total = 0;
  for (const s of STREAMS) {
    const dir = join(root, s);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const name of names) if (FILE_RE.test(name)) total += statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

function withLocks<T>(dirs: string[], fn: () => T, waitMs: number): T {
  const [first, ...rest] = dirs;
  if (first === undefined) return fn();
  return withProcessLock(join(first, 'mirror.lock'), () => withLocks(rest, fn, waitMs), { waitMs });
}

/** Drop the oldest whole files until the droplet's mirror is within `capBytes`. Returns the bytes dropped. */
export function enforceCap(root: string, capBytes: number, waitMs: number): number {
  if (capBytes <= 0 || mirroredBytes(root) <= capBytes) return 0;
  const dirs = STREAMS.map((s) => join(root, s)).filter((d) => existsSync(d));
  return withLocks(
    dirs,
    () => {
      const manifests = new Map<string, Manifest>(dirs.map((d) => [d, readManifest(d)]));
      const candidates: Array<{ dir: string; n: number; size: number; mtime: number }> = [];
      let total = 0;
      for (const [dir, m] of manifests) {
        const newest = Math.max(...m.files.map((f) => f.n));
        for (const f of m.files) {
          const st = statSync(join(dir, fileName(f.n)), { throwIfNoEntry: false });
          total += st?.size ?? 0;
          if (f.n !== newest) candidates.push({ dir, n: f.n, size: st?.size ?? 0, mtime: st?.mtimeMs ?? 0 });
        }
      }
      candidates.sort((a, b) => a.mtime - b.mtime || a.n - b.n);
      const changed = new Set<string>();
      let freed = 0;
      for (const c of candidates) {
        if (total <= capBytes) break;
        const m = manifests.get(c.dir) as Manifest;
        const i = m.files.findIndex((f) => f.n === c.n);
        const f = m.files[i];
        if (!f) continue;
        const path = join(c.dir, fileName(c.n));
        const fd = openSync(path, 'r');
        let head: Buffer;
        try {
          head = readRange(fd, 0, HEAD_BYTES);
        } finally {
          closeSync(fd);
        }
        unlinkSync(path);
        m.files.splice(i, 1);
        m.dropped.files++;
        m.dropped.bytes += c.size;
        if (f.lastSeq !== null && (m.dropped.throughSeq === null || f.lastSeq > m.dropped.throughSeq)) m.dropped.throughSeq = f.lastSeq;
        m.droppedHeads = [...m.droppedHeads.filter((h) => h.inode !== f.inode), { inode: f.inode, head: head.toString('base64') }].slice(-MAX_DROPPED_HEADS);
        total -= c.size;
        freed += c.size;
        changed.add(c.dir);
      }
      for (const dir of changed) {
        const m = manifests.get(dir) as Manifest;
        compactIndex(dir, new Set(m.files.map((f) => f.n)));
        writeManifest(dir, m);
        log.info(
          'audit-mirror',
          `The audit mirror ${dir} went over its cap of ${capBytes} bytes: ${m.dropped.files} oldest file(s) dropped so far; it now starts after seq ${m.dropped.throughSeq ?? 'none'}.`,
        );
      }
      return freed;
    },
    waitMs,
  );
}

/** Rewrite index.bin without the entries of files no longer held (temp + rename). */
function compactIndex(dir: string, held: Set<number>): void {
  const path = join(dir, 'index.bin');
  if (!existsSync(path)) return;
  const tmp = `${path}.${process.pid}.tmp`;
  const src = openSync(path, 'r');
  const dst = openSync(tmp, 'w', 0o600);
  try {
    const size = fstatSync(src).size;
    const buf = Buffer.allocUnsafe(ENTRY * 4096);
    const out = Buffer.allocUnsafe(ENTRY * 4096);
    for (let at = 0; at + ENTRY <= size;) {
      const got = readSync(src, buf, 0, Math.min(buf.length, size - at - ((size - at) % ENTRY)), at);
      if (got < ENTRY) break;
      let k = 0;
      for (let o = 0; o + ENTRY <= got; o += ENTRY) if (held.has(buf.readUInt32BE(o + 16))) k += buf.copy(out, k, o, o + ENTRY);
      writeSync(dst, out, 0, k);
      at += got - (got % ENTRY);
    }
  } finally {
    closeSync(src);
    closeSync(dst);
  }
  renameSync(tmp, path);
}
