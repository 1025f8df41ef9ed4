/**
 * Leftovers of an interrupted (killed) vault rewrite, cleaned up by the next
 * one while it holds the vault lock: temp copies of vault.keys, vault.json
 * and the archive (never renamed in, so never the live file), and the side
 * link the archive swap keeps to the old file.
 */
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { sidePathFor } from './archive-rewrite.js';

const TEMP_OF = [CONTRACT_FILES.keyring, CONTRACT_FILES.vault, CONTRACT_FILES.archive].map((n) => `.${n}.stratam-`);

export async function cleanupInterrupted(droplet: Droplet): Promise<string[]> {
  const warnings: string[] = [];
  const home = droplet.paths.jarvisHome;
  const entries = await droplet.readdir(home).catch(() => []);
  for (const e of entries) {
    if (e.name.endsWith('.tmp') && TEMP_OF.some((p) => e.name.startsWith(p))) await droplet.unlink(`${home}/${e.name}`).catch(() => undefined);
  }
  const archive = homeFile(droplet.paths, CONTRACT_FILES.archive);
  const side = sidePathFor(archive);
  const sideStat = await droplet.stat(side);
  if (sideStat) {
    const liveStat = await droplet.stat(archive);
    const head = (p: string) => droplet.readRange(p, 0, 4096);
    // Killed before the swap: the side name is a second link to the live file.
    const same = liveStat !== null && liveStat.size === sideStat.size && (await head(archive)).equals(await head(side));
    if (same) await droplet.unlink(side).catch(() => undefined);
    else {
      const kept = `${archive}.interrupted-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
      await droplet.rename(side, kept);
      warnings.push(`An interrupted rotation left the previous archive; it is kept at ${kept}. Lines the agent appended in the last moment before that interruption may be only there.`);
    }
  }
  return warnings;
}
