/**
 * `stratam status`: one read of the droplet's control surface. The sections
 * other capabilities add (agent, vault, sandbox, backups, snapshots) are
 * gathered beside these keys by the CLI and the IPC handlers.
 */
import type { Droplet } from '../droplet/droplet.js';
import { summarizeBreaker, type BreakerSummary } from '../breaker/breaker-actions.js';
import { readBreaker } from '../breaker/breaker-file.js';
import { FLAG_KEYS, flagOn, readEnv } from '../flags/env-editor.js';
import { trustFromValues, type TrustLists } from './trust.js';

export interface CoreStatus {
  droplet: { host: string; port: number; user: string; hostKey: string | null; kind: 'ssh' | 'local' };
  connected: boolean;
  flags: { selfModifyAllowed: boolean; eternalLoop: boolean; envFile: string; envPresent: boolean };
  trust: TrustLists;
  breaker: BreakerSummary;
}

export async function coreStatus(droplet: Droplet): Promise<CoreStatus> {
  const env = await readEnv(droplet);
  const id = droplet.identity;
  return {
    droplet: { host: id.host, port: id.port, user: id.user, hostKey: id.hostKey, kind: droplet.kind },
    connected: true,
    flags: {
      selfModifyAllowed: flagOn(env.values, FLAG_KEYS.selfModify),
      eternalLoop: flagOn(env.values, FLAG_KEYS.eternalLoop),
      envFile: droplet.paths.envFile,
      envPresent: env.bytes !== null,
    },
    trust: trustFromValues(env.values),
    breaker: summarizeBreaker(await readBreaker(droplet)),
  };
}
