/**
 * Which records are shell calls, and their command line. Its own module so
 * the scan workers (line-scan.ts) can use it without loading the guard.
 */
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
