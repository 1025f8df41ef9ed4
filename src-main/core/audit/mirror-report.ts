/**
 * What `audit verify` says about the local mirror (docs/audit-mirror.md)
 * beside the witness's findings: which seqs the desktop holds, what the cap
 * dropped, and how many of the records the droplet lost (deleted or
 * truncated there) the mirror still has in their original bytes.
 */
import type { DropletIdentity } from '../droplet/droplet.js';
import type { StreamName } from './diagnostics.js';
import { MirrorReader } from './mirror/mirror-reader.js';
import type { VerifyReport } from './witness-verify.js';

export interface MirrorReport {
  dir: string;
  start_seq: number | null;
  end_seq: number | null;
  files: number;
  bytes: number;
  /** Whole oldest files the cap dropped, and the last seq they held. */
  dropped_files: number;
  dropped_through_seq: number | null;
  /** Of the seqs verify found deleted or truncated on the droplet, how many the mirror holds. */
  holds_lost: number;
}

export function mirrorReport(stateDir: string, id: DropletIdentity, verify: VerifyReport): Partial<Record<StreamName, MirrorReport>> {
  const out: Partial<Record<StreamName, MirrorReport>> = {};
  for (const name of Object.keys(verify.streams) as StreamName[]) {
    const reader = MirrorReader.open(stateDir, id, name);
    if (!reader) continue;
    try {
      const i = reader.info();
      const s = verify.streams[name];
      const lost = [...(s?.deleted ?? []), ...(s?.truncated ?? [])];
      const held = (seq: number) => i.startSeq !== null && i.endSeq !== null && seq >= i.startSeq && seq <= i.endSeq && reader.linesAfter(reader.seekSeq(seq) ?? reader.end(), 1)[0]?.seq === seq;
      out[name] = {
        dir: i.dir,
        start_seq: i.startSeq,
        end_seq: i.endSeq,
        files: i.files.length,
        bytes: i.bytes,
        dropped_files: i.dropped.files,
        dropped_through_seq: i.dropped.throughSeq,
        holds_lost: lost.filter(held).length,
      };
    } finally {
      reader.close();
    }
  }
  return out;
}
