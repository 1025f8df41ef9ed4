/**
 * The kill switch. Pause writes JARVIS_SELF_MODIFY_ALLOWED=0 and verifies it by
 * reading the file back; the agent re-reads .env before every gated call, so
 * no restart is needed (and none is done: a restart counts toward the breaker).
 */
import type { Droplet } from '../droplet/droplet.js';
import { FLAG_KEYS, readEnv, setFlag } from '../flags/env-editor.js';
import { withReceipt } from '../receipts/receipts.js';

export interface FlagResult {
  selfModifyAllowed: boolean;
  changed: boolean;
  verified: true;
}

async function setSelfModify(droplet: Droplet, tool: 'pause' | 'resume', on: boolean, via: string): Promise<FlagResult> {
  return withReceipt(droplet, tool, { flag: FLAG_KEYS.selfModify, value: on ? '1' : '0', via }, async () => {
    const before = await readEnv(droplet);
    const after = await setFlag(droplet, FLAG_KEYS.selfModify, on ? '1' : '0');
    return { selfModifyAllowed: after.values.get(FLAG_KEYS.selfModify) === '1', changed: before.values.get(FLAG_KEYS.selfModify) !== (on ? '1' : '0'), verified: true };
  });
}

export const pause = (droplet: Droplet, via = 'cli') => setSelfModify(droplet, 'pause', false, via);

/** Resume needs an explicit confirmation from the caller (CLI --yes, a dialog in the app). */
export const resume = (droplet: Droplet, via = 'cli') => setSelfModify(droplet, 'resume', true, via);
