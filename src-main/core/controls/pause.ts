/**
 * The kill switch. Pause writes JARVIS_SELF_MODIFY_ALLOWED=0 and verifies it by
 * reading the file back with the agent's own grammar; the agent re-reads .env
 * before every gated call, so no restart is needed (and none is done: a
 * restart counts toward the breaker).
 */
import type { Droplet } from '../droplet/droplet.js';
import { dirnameOf } from '../droplet/paths.js';
import { refusedError } from '../errors.js';
import { editEnv, FLAG_KEYS, readEnv } from '../flags/env-editor.js';
import { withReceipt } from '../receipts/receipts.js';

export interface FlagResult {
  selfModifyAllowed: boolean;
  changed: boolean;
  verified: true;
  /** Set when the write could not keep .env's owner: whose it is now, and the fix (see env-editor.ts). */
  ownerNote: string | null;
}

/**
 * A missing .env in an existing folder is created (a pause must land, and the
 * agent reads an absent file as paused anyway); a missing folder means the
 * app is pointed at the wrong place, and writing there would pause nothing.
 */
async function assertEnvFolder(droplet: Droplet): Promise<void> {
  const dir = dirnameOf(droplet.paths.envFile);
  const st = await droplet.stat(dir);
  if (st?.isDirectory) return;
  throw refusedError(
    `There is no folder ${dir} on the droplet, so ${droplet.paths.envFile} cannot be the file the agent reads; nothing was written.`,
    "Point the app at the agent's folder with --jarvis-root (or --env-file), or fix the profile, then retry.",
    { path: dir, noFolder: true },
  );
}

async function setSelfModify(droplet: Droplet, tool: 'pause' | 'resume', on: boolean, via: string, args: Record<string, unknown> = {}): Promise<FlagResult> {
  const want = on ? '1' : '0';
  return withReceipt(droplet, tool, { flag: FLAG_KEYS.selfModify, value: want, via, ...args }, async () => {
    const before = await readEnv(droplet);
    if (before.bytes === null) await assertEnvFolder(droplet);
    const after = await editEnv(droplet, [{ key: FLAG_KEYS.selfModify, value: want }], before);
    return {
      selfModifyAllowed: after.values.get(FLAG_KEYS.selfModify) === '1',
      changed: before.values.get(FLAG_KEYS.selfModify) !== want,
      verified: true,
      ownerNote: after.ownerNote ?? null,
    };
  });
}

export const pause = (droplet: Droplet, via = 'cli', args?: Record<string, unknown>) => setSelfModify(droplet, 'pause', false, via, args);

/** Resume needs an explicit confirmation from the caller (CLI --yes, a dialog in the app). */
export const resume = (droplet: Droplet, via = 'cli') => setSelfModify(droplet, 'resume', true, via);
