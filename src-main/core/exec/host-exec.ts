/**
 * The app's own `host_exec`: a shell command on the droplet, behind the same
 * two gates as the agent's (contract: "Shell-command blocklist" and the
 * JARVIS_SELF_MODIFY_ALLOWED flag). Order matters: the blocklist runs first,
 * then the flag, then the command; each refusal writes its receipt and never
 * reaches the droplet's shell.
 */
import { controlPlane } from '../droplet/control-plane.js';
import type { Droplet, ExecOptions } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { assertCertain, flagOn, readEnv } from '../flags/env-editor.js';
import { checkCommand, type Verdict } from '../guard/blocklist.js';
import { appendReceipt, receiptsProblem } from '../receipts/receipts.js';

export const HOST_EXEC_TOOL = 'host_exec';
export const SELF_MODIFY_FLAG = 'JARVIS_SELF_MODIFY_ALLOWED';

export interface HostExecResult {
  code: number | null;
  signal: string | null;
  verdict: Verdict;
}

/**
 * Is the droplet un-paused, as the agent reads .env? Absent file, absent key or
 * anything but `1` means paused; a file the agent may read differently is
 * refused (exit 3, naming the line), never guessed either way.
 */
export async function selfModifyAllowed(droplet: Droplet): Promise<boolean> {
  const env = await readEnv(droplet);
  if (env.bytes === null) return false;
  assertCertain(droplet, env, [SELF_MODIFY_FLAG]);
  return flagOn(env.values, SELF_MODIFY_FLAG);
}

export async function hostExec(droplet: Droplet, cmd: string, io: Pick<ExecOptions, 'onStdout' | 'onStderr' | 'signal'>): Promise<HostExecResult> {
  const started = performance.now();
  const args = { cmd };
  const verdict = await checkCommand(cmd, { plane: controlPlane(droplet.paths, droplet.home) });
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
    // A doubt's message names a line and a reason, never a value, so it may go into the receipt.
    const why = err instanceof StratamError && err.kind === 'refused' ? err.message : `Could not read the flags file ${droplet.paths.envFile}.`;
    await appendReceipt(droplet, { tool: HOST_EXEC_TOOL, args, ok: false, result: { error: why }, elapsedMs: performance.now() - started, blocked: 'flag' });
    throw new StratamError('refused', `${why} Refusing the command (fail safe).`, {
      cause: err,
      ...(err instanceof StratamError && err.hint ? { hint: err.hint } : {}),
      detail: { blocked: 'flag' },
    });
  }
  if (!allowed) {
    await appendReceipt(droplet, { tool: HOST_EXEC_TOOL, args, ok: false, result: { reason: `${SELF_MODIFY_FLAG} is not 1` }, elapsedMs: performance.now() - started, blocked: 'flag' });
    throw new StratamError('refused', `The droplet is paused (${SELF_MODIFY_FLAG} is not 1): shell commands are refused.`, {
      hint: 'Run `stratam resume` first if you mean to allow destructive actions.',
      detail: { blocked: 'flag' },
    });
  }
  // Every action leaves a receipt: a command that could not be receipted is not run (receipts.ts).
  const problem = await receiptsProblem(droplet, HOST_EXEC_TOOL);
  if (problem) throw problem;
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
