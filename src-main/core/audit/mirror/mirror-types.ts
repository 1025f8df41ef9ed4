/**
 * Shared shapes of the local audit mirror (docs/audit-mirror.md): the
 * desktop's byte-exact copy of a droplet's audit logs, its sparse index, and
 * the positions that windows, searches and cursors are expressed in.
 */
import type { StreamName } from '../diagnostics.js';

/** A byte in mirror file `n` (1, 2, ... oldest first; numbers are never reused). */
export interface MirrorPos {
  n: number;
  offset: number;
}

/** One mirror file: the exact bytes of one droplet log file (one inode, one generation) from its offset 0. */
export interface MirrorFile {
  n: number;
  path: string;
  /** The droplet file's inode, as the follower reports it. */
  inode: string;
  /** Bytes held (the file's size on disk). */
  bytes: number;
  /** First and last seq indexed in this file, when any record was. */
  firstSeq: number | null;
  lastSeq: number | null;
}

export interface MirrorInfo {
  stream: StreamName;
  dir: string;
  /** The per-droplet cap in bytes this mirror keeps to (0: the mirror is off). */
  capBytes: number;
  /** Oldest first. */
  files: MirrorFile[];
  bytes: number;
  /** Bytes of the index next to the files. */
  indexBytes: number;
  /** The first and last seq the mirror holds (null when it holds no record). */
  startSeq: number | null;
  endSeq: number | null;
  /** What the cap dropped so far: whole oldest files, and the last seq they held. */
  dropped: { files: number; bytes: number; throughSeq: number | null };
}

/** One line of the mirror, as read back: its position, its exact bytes (no newline) and its seq when it has one. */
export interface MirrorLine {
  pos: MirrorPos;
  bytes: Buffer;
  seq: number | null;
}

/** The default per-droplet cap: 2 GiB (about 8 million records of 250 bytes). */
export const DEFAULT_MIRROR_CAP_BYTES = 2 * 1024 ** 3;
