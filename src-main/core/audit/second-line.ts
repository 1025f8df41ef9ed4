/**
 * The second line of defence: a destructive shell call the agent reports as
 * having run (`ok: true`) whose command the shell blocklist refuses. The
 * droplet's own gate should have stopped it, so seeing one means the gate
 * failed or was bypassed: a critical alert.
 *
 * The blocklist lives in core/guard (tree-sitter based, async). It is passed
 * in as a `CommandChecker` (so tests and the UI can choose); `loadGuardChecker`
 * gives the guard's own `checkCommand`.
 */
export interface CommandVerdict {
  refused: boolean;
  reason?: string;
}

export type CommandChecker = (command: string) => Promise<CommandVerdict>;

/**
 * The guard's blocklist (core/guard/blocklist.ts), loaded on first use so the
 * tree-sitter runtime is only paid for by feeds that want the second line.
 */
export async function loadGuardChecker(): Promise<CommandChecker> {
  const { checkCommand } = await import('../guard/blocklist.js');
  return async (cmd) => {
    const v = await checkCommand(cmd);
    return v.allowed ? { refused: false } : { refused: true, reason: v.reason };
  };
}
