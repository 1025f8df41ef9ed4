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

const SHELL_TOOLS = new Set(['host_exec', 'docker_cmd']);

/** The shell command line a record ran, or null when the record is not a successful shell call. */
export function commandOf(value: Record<string, unknown>): string | null {
  if (value.ok !== true || typeof value.tool !== 'string' || !SHELL_TOOLS.has(value.tool)) return null;
  const args = value.args;
  if (typeof args === 'string') return args;
  if (!args || typeof args !== 'object') return null;
  const a = args as Record<string, unknown>;
  for (const key of ['cmd', 'command', 'args']) {
    const v = a[key];
    if (typeof v === 'string') return value.tool === 'docker_cmd' && !v.startsWith('docker') ? `docker ${v}` : v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return (value.tool === 'docker_cmd' ? ['docker', ...v] : v).join(' ');
  }
  return null;
}

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
