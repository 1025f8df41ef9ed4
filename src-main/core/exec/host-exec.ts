/**
 * The app's own `host_exec`: a shell command on the droplet, behind the same
 * two gates as the agent's (contract: "Shell-command blocklist" and the
 * JARVIS_SELF_MODIFY_ALLOWED flag). Order matters: the blocklist runs first,
 * then the flag, then the command; each refusal writes its receipt and never
 * reaches the droplet's shell.
 */
import type { Droplet, ExecOptions } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { parseDotenv } from '../flags/dotenv.js';
import { checkCommand, type Verdict } from '../guard/blocklist.js';
import { appendReceipt } from '../receipts/receipts.js';

export const HOST_EXEC_TOOL = 'host_exec';
export const SELF_MODIFY_FLAG = 'JARVIS_SELF_MODIFY_ALLOWED';

export interface HostExecResult {
  code: number | null;
  signal: string | null;
  verdict: Verdict;
}

/** Is the droplet un-paused? Absent file, absent key or anything but `1` means paused. */
export async function selfModifyAllowed(droplet: Droplet): Promise<boolean> {
  const path = droplet.paths.envFile;
  if (!(await droplet.stat(path))) return false;
  return parseDotenv((await droplet.readFile(path)).toString('utf8')).get(SELF_MODIFY_FLAG) === '1';
}

export async function hostExec(droplet: Droplet, cmd: string, io: Pick<ExecOptions, 'onStdout' | 'onStderr' | 'signal'>): Promise<HostExecResult> {
  const started = performance.now();
  const args = { cmd };
  const verdict = await checkCommand(cmd);
  if (!verdict.allowed) {
    await appendReceipt(droplet, { tool: HOST_EXEC_TOOL, args, ok: false, result: { rule: verdict.rule, reason: verdict.reason }, elapsedMs: performance.now() - started, blocked: 'blocklist' });
    throw new StratamError('refused', `Blocked by the shell blocklist: ${verdict.reason}.`, {
      hint: 'This command matches a hard block (see `stratam guard check`). It was not sent to the droplet.',
      detail: { blocked: 'blocklist', rule: verdict.rule, argv: verdict.argv },
    });
  }
  let allowed: boolean;
  try {
    allowed = await selfModifyAllowed(droplet);
  } catch (err) {
    await appendReceipt(droplet, { tool: HOST_EXEC_TOOL, args, ok: false, result: { error: 'could not read the flags file' }, elapsedMs: performance.now() - started, blocked: 'flag' });
    throw new StratamError('refused', `Could not read the flags file ${droplet.paths.envFile}; refusing (fail safe).`, { cause: err, detail: { blocked: 'flag' } });
  }
  if (!allowed) {
    await appendReceipt(droplet, { tool: HOST_EXEC_TOOL, args, ok: false, result: { reason: `${SELF_MODIFY_FLAG} is not 1` }, elapsedMs: performance.now() - started, blocked: 'flag' });
    throw new StratamError('refused', `The droplet is paused (${SELF_MODIFY_FLAG} is not 1): shell commands are refused.`, {
      hint: 'Run `stratam resume` first if you mean to allow destructive actions.',
      detail: { blocked: 'flag' },
    });
  }
  let result;
  try {
    result = await droplet.execShell(cmd, { ...io, collect: false });
  } catch (err) {
    await appendReceipt(droplet, { tool: HOST_EXEC_TOOL, args, ok: false, result: { error: err instanceof Error ? err.message : String(err) }, elapsedMs: performance.now() - started });
    throw err;
  }
  await appendReceipt(droplet, {
    tool: HOST_EXEC_TOOL,
    args,
    ok: result.code === 0,
    result: { code: result.code, signal: result.signal },
    elapsedMs: performance.now() - started,
  });
  return { code: result.code, signal: result.signal, verdict };
}
