/**
 * The whole `status`: the control surface (flags, trust, breaker) plus one
 * section per capability. Sections are read side by side, and one that fails
 * (Docker unreachable, no vault yet) becomes `{error, hint}` instead of
 * failing the rest: the kill switch's state must show even when Docker does not.
 * Nothing here starts a container, so the tray may poll it.
 */
import type { AgentStatus } from '../docker/agent-status.js';
import type { BackupHealth } from '../data/backups.js';
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import type { VaultStatus } from '../vault/status.js';
import { coreStatus, type CoreStatus } from './status.js';

export type Section<T> = T | { error: string; hint: string | null };

export interface StatusReport extends CoreStatus {
  agent: Section<AgentStatus>;
  vault: Section<VaultStatus | { state: 'absent' }>;
  sandbox: Section<{ checked: number; violations: number }>;
  backups: Section<BackupHealth>;
  snapshots: Section<{ count: number; latest: string | null; warning: string | null }>;
}

async function section<T>(load: () => Promise<T>): Promise<Section<T>> {
  try {
    return await load();
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err), hint: err instanceof StratamError ? (err.hint ?? null) : null };
  }
}

export const isSectionError = (s: unknown): s is { error: string; hint: string | null } => typeof s === 'object' && s !== null && 'error' in s;

export async function statusReport(droplet: Droplet): Promise<StatusReport> {
  const [core, agent, vault, sandbox, backups, snapshots] = await Promise.all([
    coreStatus(droplet),
    section(async () => (await import('../docker/agent-status.js')).agentStatus(droplet)),
    section(async () => {
      const { keyringPath } = await import('../vault/keyring.js');
      if (!(await droplet.stat(keyringPath(droplet)))) return { state: 'absent' as const };
      return (await import('../vault/status.js')).vaultStatus(droplet);
    }),
    section(async () => {
      const r = await (await import('../sandbox/sandbox-policy.js')).checkSandboxes(droplet);
      return { checked: r.checked, violations: r.violations.length };
    }),
    section(async () => {
      const { listVolumeFiles } = await import('../docker/volume-files.js');
      const { backupHealth } = await import('../data/backups.js');
      return backupHealth(await listVolumeFiles(droplet, droplet.paths.backupsVolume, { allowContainer: false }));
    }),
    section(async () => {
      const l = await (await import('../data/snapshots.js')).listSnapshots(droplet);
      return { count: l.snapshots.length, latest: l.snapshots.at(-1)?.time ?? null, warning: l.warning };
    }),
  ]);
  return { ...core, agent, vault, sandbox, backups, snapshots };
}
