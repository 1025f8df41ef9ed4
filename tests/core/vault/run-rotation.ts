/**
 * Runs one vault rotation in a child process (rotate-child.ts) and, when asked,
 * kills it with SIGKILL a given time after it reports `ready`: the kill -9
 * trials of the vault tests and of the fault campaign share it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./rotate-child.js', import.meta.url));

export interface RotationRun {
  killed: boolean;
  /** The last phase the child reported before it ended. */
  phase: string;
  ms: number;
  /** Set when the rotation refused to start over a lock an earlier kill left. */
  refused?: string;
}

export function runRotationChild(home: string, killAfterMs: number | null, whileRunning?: () => void): Promise<RotationRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = 0;
    let timer: NodeJS.Timeout | undefined;
    const appender = whileRunning ? setInterval(whileRunning, 3) : undefined;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (!started && out.includes('ready')) {
        started = performance.now();
        if (killAfterMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(appender);
      const phases = [...out.matchAll(/phase (\w+)/g)].map((m) => m[1]!);
      if (signal !== 'SIGKILL' && code !== 0 && /Another vault .* holds/.test(err)) return resolve({ killed: false, phase: 'lock', ms: 0, refused: err });
      if (signal !== 'SIGKILL' && code !== 0) return reject(new Error(`rotation failed: ${err}`));
      resolve({ killed: !out.includes('done'), phase: phases.at(-1) ?? 'start', ms: performance.now() - started });
    });
  });
}
