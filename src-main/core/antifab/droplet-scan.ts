/**
 * `stratam antifab scan` in the core: read the droplet's conversation archive
 * and activity log (with its rotated files) through the Droplet interface,
 * open each reply with the keyring, and scan.
 */
import { auditFilesOldestFirst, controlPlane } from '../droplet/control-plane.js';
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { readLines } from '../vault/archive-lines.js';
import type { ToolCall } from './backing.js';
import { type Decryptor, parseActivityLine, parseArchiveLine } from './records.js';
import { type ArchiveMessage, type ScanResult, scanRecords } from './scan.js';

/** Lines longer than this are skipped (and counted), so memory stays bounded. */
const MAX_LINE = 32 * 1024 * 1024;

export interface DropletScanOptions {
  /** Only replies at or after this time (ms since epoch). */
  sinceMs?: number;
  keyring: Decryptor;
}

export interface DropletScanResult extends ScanResult {
  skippedLines: number;
}

export async function scanDroplet(droplet: Droplet, opts: DropletScanOptions): Promise<DropletScanResult> {
  let skippedLines = 0;
  const since = opts.sinceMs ?? Number.NEGATIVE_INFINITY;
  const after = (ts: string | undefined) => ts === undefined || !(Date.parse(ts) < since);

  const messages: ArchiveMessage[] = [];
  const turns = new Set<string>();
  for await (const l of readLines(droplet, homeFile(droplet.paths, CONTRACT_FILES.archive), { maxLine: MAX_LINE })) {
    if (l.torn || l.oversized !== undefined) {
      if (l.oversized !== undefined) skippedLines++;
      continue;
    }
    if (l.line.length === 0) continue;
    const m = parseArchiveLine(l.line, opts.keyring);
    if (!m) skippedLines++;
    else if (m.role === 'assistant' && after(m.ts)) {
      messages.push(m);
      turns.add(m.turn);
    }
  }

  const calls: ToolCall[] = [];
  // Read as regular files only (readLines refuses a link, FIFO or device, exit 3): control-plane files.
  for (const path of auditFilesOldestFirst(controlPlane(droplet.paths, droplet.home))) {
    for await (const l of readLines(droplet, path, { maxLine: MAX_LINE })) {
      if (l.torn || l.line.length === 0) continue;
      if (l.oversized !== undefined) {
        skippedLines++;
        continue;
      }
      const c = parseActivityLine(l.line);
      if (!c) skippedLines++;
      else if (c.turn !== null && turns.has(c.turn)) calls.push(c);
    }
  }
  return { ...scanRecords(messages, calls), skippedLines };
}
