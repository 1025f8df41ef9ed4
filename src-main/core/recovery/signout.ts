/**
 * Sign the agent out everywhere (issue 14; contract: "browser cookies ...
 * clearing it (the folder emptied while the agent is paused) logs the agent
 * out of every website"): pause, then empty `<jarvisHome>/playwright_profile`.
 * The folder stays (empty); nothing in it is read or copied off the droplet,
 * only counted. One receipt (`signout`) with what was removed, beside the
 * pause's own.
 *
 * The agent can write that folder, so a link in its place is refused (exit 3)
 * and never emptied through; see empty-folder.ts for how links inside it and
 * a link swapped in mid-way are handled.
 */
import { pause } from '../controls/pause.js';
import type { Droplet } from '../droplet/droplet.js';
import { homeFile } from '../droplet/paths.js';
import { withReceipt } from '../receipts/receipts.js';
import { emptyFolder, realFolderOrAbsent } from './empty-folder.js';
import type { SignoutResult } from './recovery-types.js';

export const BROWSER_PROFILE = 'playwright_profile';
export const browserProfilePath = (droplet: Droplet) => homeFile(droplet.paths, BROWSER_PROFILE);

/** SignoutResult, and whether there was a folder at all (the console's type ignores the extra field). */
export interface SignoutOutcome extends SignoutResult {
  /** emptied: the folder was there and is now empty; absent: there was no folder, nothing to do. */
  folder: 'emptied' | 'absent';
}

export async function signOut(droplet: Droplet, opts: { via?: string } = {}): Promise<SignoutOutcome> {
  const path = browserProfilePath(droplet);
  return withReceipt(
    droplet,
    'signout',
    { path, via: opts.via ?? 'cli' },
    async () => {
      // Checked before the pause too, so a refusal changes nothing at all.
      await realFolderOrAbsent(droplet, path, "the agent's browser profile");
      await pause(droplet, 'signout');
      // Checked again: the agent could have swapped it while the pause ran.
      const there = await realFolderOrAbsent(droplet, path, "the agent's browser profile");
      if (!there) return { path, entries: 0, bytes: 0, paused: true as const, folder: 'absent' as const };
      const r = await emptyFolder(droplet, path);
      return { path, entries: r.entries, bytes: r.bytes, paused: true as const, folder: 'emptied' as const };
    },
    (r) => ({ folder: r.folder, entries: r.entries, bytes: r.bytes, paused: r.paused }),
  );
}
