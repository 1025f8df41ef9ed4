import { readdirSync, readFileSync } from 'node:fs';

/**
 * The pids of python3 processes on this machine (the reference droplet's
 * side) whose command line carries `mark` and mentions `home`: the app's
 * droplet-side helpers of one droplet, so a test can count what is left.
 */
export function helpersWith(mark: string, home: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const argv0 = cmd.split('\0')[0] ?? '';
    if (cmd.includes(mark) && cmd.includes(home) && /python3?$/.test(argv0.split('/').pop() ?? '')) pids.push(Number(name));
  }
  return pids;
}
