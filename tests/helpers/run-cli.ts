import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real `stratam` launcher (bin/stratam.mjs → the bundled CLI) as a user would. */
export function runCli(args: string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'stratam.mjs'), ...args], {
      env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
