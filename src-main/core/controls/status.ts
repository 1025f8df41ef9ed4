/**
 * `stratam status`: one read of the droplet's control surface. The sections
 * other capabilities add (agent, vault, sandbox, backups, snapshots) are
 * gathered beside these keys by the CLI and the IPC handlers.
 */
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
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

/** Contract: an absent breaker.json means armed with no restarts counted. */
export async function readBreakerSummary(droplet: Droplet): Promise<BreakerSummary> {
  const path = homeFile(droplet.paths, CONTRACT_FILES.breaker);
  const empty: BreakerSummary = { state: 'armed', trippedAt: null, reason: null, restarts: [], rearmedAt: null, by: null };
  if (!(await droplet.stat(path))) return empty;
  try {
    const j = JSON.parse((await droplet.readFile(path)).toString('utf8')) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      state: j.state === 'tripped' ? 'tripped' : j.state === 'armed' ? 'armed' : 'unreadable',
      trippedAt: str(j.tripped_at),
      reason: str(j.reason),
      restarts: Array.isArray(j.restarts) ? j.restarts.filter((x): x is string => typeof x === 'string') : [],
      rearmedAt: str(j.rearmed_at),
      by: str(j.by),
    };
  } catch {
    // Fail closed: a breaker file nobody can read is shown as a problem, never as armed.
    return { ...empty, state: 'unreadable' };
  }
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
