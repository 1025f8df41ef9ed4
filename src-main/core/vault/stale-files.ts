/**
 * Leftovers of an interrupted (killed) vault rewrite, cleaned up by the next
 * one while it holds the vault lock: temp copies of vault.keys, vault.json
 * and the archive (never renamed in, so never the live file), and the side
 * link the archive swap keeps to the old file.
 *
 * The side name and the archive are read only as regular files (a link,
 * FIFO or device there is refused, exit 3): the recovery appends the side
 * file's lines to the archive, so reading through a link would copy another
 * file into one the agent reads.
 */
import { appendControlFile, regularOrAbsent, withRegularFile } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { sidePathFor } from './archive-rewrite.js';
import { findEnc, readLines, type ArchiveLine } from './archive-lines.js';
import { reportError, unlessGone } from '../log/logger.js';

const TEMP_OF = [CONTRACT_FILES.keyring, CONTRACT_FILES.vault, CONTRACT_FILES.archive].map((n) => `.${n}.stratam-`);

export async function cleanupInterrupted(droplet: Droplet): Promise<string[]> {
  const warnings: string[] = [];
  const home = droplet.paths.jarvisHome;
  const entries = await droplet.readdir(home).catch((err: unknown) => {
    reportError('vault', err, `listing ${home} for leftovers of an interrupted vault change`);
    return [];
  });
  for (const e of entries) {
    if (e.name.endsWith('.tmp') && TEMP_OF.some((p) => e.name.startsWith(p))) await droplet.unlink(`${home}/${e.name}`).catch(unlessGone('vault', `removing ${home}/${e.name}`));
  }
  const archive = homeFile(droplet.paths, CONTRACT_FILES.archive);
  const side = sidePathFor(archive);
  const sideStat = await regularOrAbsent(droplet, side);
  if (sideStat) {
    const liveStat = await regularOrAbsent(droplet, archive);
    const head = (p: string) => withRegularFile(droplet, p, async (f) => (f ? f.read(0, 4096) : Buffer.alloc(0)));
    // Killed before the swap: the side name is a second link to the live file.
    const same = liveStat !== null && liveStat.size === sideStat.size && (await head(archive)).equals(await head(side));
    if (same) await droplet.unlink(side).catch(unlessGone('vault', `removing ${side}`));
    else if (
      (await recoverSideTail(droplet, side, archive).catch((err: unknown) => {
        reportError('vault', err, `carrying the tail of ${side} over (it is kept aside instead)`);
        return null;
      })) !== null
    ) {
      await droplet.unlink(side).catch(unlessGone('vault', `removing ${side}`));
    } else {
      const kept = `${archive}.interrupted-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
      await droplet.rename(side, kept);
      warnings.push(
        `An interrupted rotation left a previous archive that does not line up with the live one; it is kept at ${kept} for you to compare. Lines the agent appended in the last moment before that interruption may be only there.`,
      );
    }
  }
  return warnings;
}

/** A line without its token: the same message before and after re-encryption. */
function identity(line: Buffer): string {
  const span = findEnc(line);
  return span && span.start >= 0 ? Buffer.concat([line.subarray(0, span.start), line.subarray(span.end)]).toString('latin1') : line.toString('latin1');
}

const MAX_AFTER_SWAP = 100_000;

/**
 * A kill after the swap and before the carry-over leaves the agent's last
 * lines only in the side link (the old file). The live archive then holds the
 * rewritten copy of the old file's first K lines, in order, then whatever the
 * agent appended after the swap. Walk both in step to find K, and append the
 * side's lines past K that the live file does not already hold. Returns the
 * number of lines carried over, or null when the files do not line up that
 * way (the side file is then kept for a person to look at).
 */
async function recoverSideTail(droplet: Droplet, side: string, archive: string): Promise<number | null> {
  const sideLines = readLines(droplet, side, { maxLine: 16 * 1024 * 1024 });
  const liveLines = readLines(droplet, archive, { maxLine: 16 * 1024 * 1024 });
  try {
    return await carrySideTail(droplet, archive, sideLines, liveLines);
  } finally {
    // Close both files even when the walk stopped early.
    await sideLines.return(undefined);
    await liveLines.return(undefined);
  }
}

async function carrySideTail(droplet: Droplet, archive: string, sideLines: AsyncGenerator<ArchiveLine>, liveLines: AsyncGenerator<ArchiveLine>): Promise<number | null> {
  let s: IteratorResult<ArchiveLine> = await sideLines.next();
  let l: IteratorResult<ArchiveLine> = await liveLines.next();
  while (!s.done && !l.done && identity(s.value.line) === identity(l.value.line)) {
    s = await sideLines.next();
    l = await liveLines.next();
  }
  const afterSwap = new Set<string>();
  for (; !l.done; l = await liveLines.next()) {
    if (afterSwap.size >= MAX_AFTER_SWAP) return null;
    afterSwap.add(identity(l.value.line));
  }
  const missing: Buffer[] = [];
  for (; !s.done; s = await sideLines.next()) {
    const line = s.value;
    if (line.torn || line.oversized !== undefined || line.line.length === 0) return null;
    if (!afterSwap.has(identity(line.line))) missing.push(line.line, Buffer.from('\n'));
  }
  if (missing.length) await appendControlFile(droplet, archive, Buffer.concat(missing));
  return missing.length / 2;
}
