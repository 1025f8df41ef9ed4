/**
 * `stratam status`: one read of the droplet's control surface. The sections
 * other capabilities add (agent, vault, sandbox, backups, snapshots) are
 * gathered beside these keys by the CLI and the IPC handlers.
 */
import type { Droplet } from '../droplet/droplet.js';
import { summarizeBreaker, type BreakerSummary } from '../breaker/breaker-actions.js';
import { readBreaker } from '../breaker/breaker-file.js';
import { readSwitch, type SwitchReading } from './switch-state.js';
import { trustFromValues, type TrustLists } from './trust.js';

export interface CoreStatus {
  droplet: { host: string; port: number; user: string; hostKey: string | null; kind: 'ssh' | 'local' };
  connected: boolean;
  flags: {
    /** true/false only when read with certainty; null when the switch is unknown (see `switch`). */
    selfModifyAllowed: boolean | null;
    eternalLoop: boolean | null;
    envFile: string;
    envPresent: boolean;
    switch: SwitchReading;
  };
  trust: TrustLists;
  breaker: BreakerSummary;
}

export async function coreStatus(droplet: Droplet): Promise<CoreStatus> {
  const [{ reading, env }, breaker] = await Promise.all([readSwitch(droplet), readBreaker(droplet)]);
  const id = droplet.identity;
  return {
    droplet: { host: id.host, port: id.port, user: id.user, hostKey: id.hostKey, kind: droplet.kind },
    connected: true,
    flags: {
      selfModifyAllowed: reading.selfModify === 'unknown' ? null : reading.selfModify === 'allowed',
      eternalLoop: reading.eternalLoop === 'unknown' ? null : reading.eternalLoop === 'armed',
      envFile: droplet.paths.envFile,
      envPresent: env?.bytes != null,
      switch: reading,
    },
    // Trust lists from a file we doubt are still shown (they are what the app found), flagged by the switch's reason.
    trust: trustFromValues(env?.values ?? new Map()),
    breaker: summarizeBreaker(breaker),
  };
}
