/**
 * What a mirror holds (MirrorInfo), from its manifest and the files' sizes on
 * disk: shared by the writer and the reader.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamName } from '../diagnostics.js';
import { fileName, type Manifest, readManifest } from './mirror-manifest.js';
import type { MirrorFile, MirrorInfo } from './mirror-types.js';

export function describeMirror(dir: string, stream: StreamName, capBytes: number, manifest?: Manifest): MirrorInfo {
  const m = manifest ?? readManifest(dir);
  const files: MirrorFile[] = m.files.map((f) => {
    const path = join(dir, fileName(f.n));
    return { n: f.n, path, inode: f.inode, bytes: statSync(path, { throwIfNoEntry: false })?.size ?? 0, firstSeq: f.firstSeq, lastSeq: f.lastSeq };
  });
  let startSeq: number | null = null;
  let endSeq: number | null = null;
  for (const f of files) {
    if (f.firstSeq !== null && (startSeq === null || f.firstSeq < startSeq)) startSeq = f.firstSeq;
    if (f.lastSeq !== null && (endSeq === null || f.lastSeq > endSeq)) endSeq = f.lastSeq;
  }
  return {
    stream,
    dir,
    capBytes,
    files,
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    indexBytes: statSync(join(dir, 'index.bin'), { throwIfNoEntry: false })?.size ?? 0,
    startSeq,
    endSeq,
    dropped: { ...m.dropped },
  };
}
