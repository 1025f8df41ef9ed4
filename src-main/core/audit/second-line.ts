/**
 * The second line of defence: a destructive shell call the agent reports as
 * having run (`ok: true`) whose command the shell blocklist refuses. The
 * droplet's own gate should have stopped it, so seeing one means the gate
 * failed or was bypassed: a critical alert.
 *
 * The blocklist lives in core/guard (tree-sitter based, async). It is passed
 * in as a `CommandChecker` so the audit pipeline does not pay for loading the
 * parser unless a host_exec/docker_cmd record shows up; `loadGuardChecker`
 * wires the guard's exported check when that module is present.
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
 * HOOK: the guard's blocklist. Resolved lazily by module name so this file
 * builds before the guard lands; returns null when the guard has no
 * exported `checkCommand(cmd)` yet (then no second-line alerts are raised,
 * and `audit tail` says so once).
 */
export async function loadGuardChecker(): Promise<CommandChecker | null> {
  const candidates = ['../guard/blocklist.js', '../guard/guard.js', '../guard/index.js'];
  for (const spec of candidates) {
    try {
      const mod = (await import(spec)) as Record<string, unknown>;
      const fn = (mod.checkCommand ?? mod.checkShellCommand ?? mod.check) as ((cmd: string) => Promise<unknown>) | undefined;
      if (typeof fn !== 'function') continue;
      return async (cmd) => {
        const v = (await fn(cmd)) as { allowed?: boolean; blocked?: boolean; refused?: boolean; reason?: string; findings?: Array<{ reason?: string }> } | null;
        const refused = v ? v.allowed === false || v.blocked === true || v.refused === true : false;
        return { refused, ...(refused ? { reason: v?.reason ?? v?.findings?.[0]?.reason ?? 'refused by the blocklist' } : {}) };
      };
    } catch {
      /* not present (yet) */
    }
  }
  return null;
}
