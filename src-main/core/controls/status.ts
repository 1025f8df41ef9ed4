/**
 * `stratam status`: one read of the droplet's control surface. The sections
 * other capabilities add (agent, vault, sandbox, backups, snapshots) are
 * gathered beside these keys by the CLI and the IPC handlers.
 */
import type { Droplet } from '../droplet/droplet.js';
import { readBreaker } from '../breaker/breaker-file.js';
import { FLAG_KEYS, flagOn, readEnv } from '../flags/env-editor.js';
import { trustFromValues, type TrustLists } from './trust.js';

export interface BreakerSummary {
  state: 'armed' | 'tripped' | 'unreadable';
  trippedAt: string | null;
  reason: string | null;
  restarts: string[];
  rearmedAt: string | null;
  by: string | null;
}

export interface CoreStatus {
  droplet: { host: string; port: number; user: string; hostKey: string | null; kind: 'ssh' | 'local' };
  connected: boolean;
  flags: { selfModifyAllowed: boolean; eternalLoop: boolean; envFile: string; envPresent: boolean };
  trust: TrustLists;
  breaker: BreakerSummary;
}

/** The breaker as status shows it, from the breaker module's reader (which fails closed on a bad file). */
export async function readBreakerSummary(droplet: Droplet): Promise<BreakerSummary> {
  const b = await readBreaker(droplet);
  const r = b.record;
  return { state: b.state, trippedAt: r.tripped_at, reason: r.reason, restarts: r.restarts, rearmedAt: r.rearmed_at, by: r.by };
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
    breaker: await readBreakerSummary(droplet),
  };
}
