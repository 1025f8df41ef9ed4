/**
 * The second line of defence: a destructive shell call the agent reports as
 * having run (`ok: true`) whose command the shell blocklist refuses. The
 * droplet's own gate should have stopped it, so seeing one means the gate
 * failed or was bypassed: a critical alert.
 *
 * The blocklist lives in core/guard (tree-sitter based, async). It is passed
 * in as a `CommandChecker` (so tests and the UI can choose); `loadGuardChecker`
 * gives the guard's own `checkCommand`, reading the droplet's control plane.
 */
import type { ControlPlane } from '../droplet/control-plane.js';

export interface CommandVerdict {
  refused: boolean;
  reason?: string;
}

export type CommandChecker = (command: string) => Promise<CommandVerdict>;

/**
 * The guard's blocklist (core/guard/blocklist.ts), loaded on first use so the
 * tree-sitter runtime is only paid for by feeds that want the second line.
 * `plane` is the droplet's (`controlPlane(droplet.paths, droplet.home)`), so a
 * record that rewrote that droplet's control files is recognised; without it,
 * the contract defaults.
 */
export async function loadGuardChecker(plane?: ControlPlane | null): Promise<CommandChecker> {
  const { checkCommand } = await import('../guard/blocklist.js');
  return async (cmd) => {
    const v = await checkCommand(cmd, { plane });
    return v.allowed ? { refused: false } : { refused: true, reason: v.reason };
  };
}
