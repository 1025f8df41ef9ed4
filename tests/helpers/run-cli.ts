import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './repo-root.js';

export interface CliResult {
  code: number;
  stdout: string;
  /** stdout as bytes, for output that must be compared byte for byte. */
  stdoutBytes: Buffer;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  /** The folder the CLI runs in (default: this process's). */
  cwd?: string;
  /**
   * `bundle` (default): the real launcher, bin/stratam.mjs → the bundled CLI
   * (needs `npm run build`). `transpiled`: src-main/cli/main.js from the same
   * transpiled tree as the test, for quick runs without a build.
   */
  entry?: 'bundle' | 'transpiled';
}

const TRANSPILED_MAIN = fileURLToPath(new URL('../../src-main/cli/main.js', import.meta.url));

// STRATAM_CLI_ENTRY=transpiled runs every CLI test from the test's own transpiled tree, so several people can
// run CLI tests at once from their own --dist folders while dist/ is being rebuilt.
const entryOf = (opts: CliOptions) => ((opts.entry ?? process.env.STRATAM_CLI_ENTRY) === 'transpiled' ? TRANSPILED_MAIN : join(repoRoot(), 'bin', 'stratam.mjs'));
const envOf = (opts: CliOptions) => ({ ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '', ...opts.env });

/** A running `stratam` whose stdout the test reads (or does not read) itself. */
export interface CliProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stderr(): string;
  /** The exit code once it ends. */
  exited: Promise<number | null>;
}

/** Start `stratam` with stdout left to the test: for streams, slow readers and closed pipes. */
export function spawnCli(args: string[], opts: CliOptions = {}): CliProcess {
  const child = spawn(process.execPath, [entryOf(opts), ...args], { env: envOf(opts), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('close', r));
  return { child, stderr: () => stderr, exited };
}

/** Run `stratam` as a user would; a run that outlives its timeout is killed and reported as a hang. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [entryOf(opts), ...args], {
      env: envOf(opts),
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (killed) return reject(new Error(`stratam ${args.slice(-3).join(' ')} did not finish in ${timeoutMs} ms (a hang); stderr: ${stderr.slice(-500)}`));
      const stdoutBytes = Buffer.concat(out);
      resolve({ code: code ?? -1, stdout: stdoutBytes.toString(), stdoutBytes, stderr, ms: performance.now() - t0 });
    });
    child.stdin.end(opts.input ?? '');
  });
}
