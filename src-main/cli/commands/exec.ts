import { constants } from 'node:os';
import { usageError } from '../../core/errors.js';
import { hostExec } from '../../core/exec/host-exec.js';
import type { Command } from '../command.js';

export const command: Command = {
  summary: 'run a shell command on the droplet (blocklist, then the pause flag, then a receipt)',
  usage:
    'Usage: stratam exec [--json] -- COMMAND...\n\n' +
    'Checks COMMAND against the shell blocklist, then requires JARVIS_SELF_MODIFY_ALLOWED=1 in the flags file,\n' +
    'then runs it on the droplet with output streamed and its exit code passed through. Every run or refusal\n' +
    "leaves a receipt (tool host_exec). Exit 3 when refused; nothing reaches the droplet's shell then.",
  async run(ctx) {
    const words = ctx.argv[0] === '--' ? ctx.argv.slice(1) : ctx.argv;
    if (words.length === 0) throw usageError('exec needs a command.', 'Example: stratam exec -- docker ps');
    const cmd = words.join(' ');
    const droplet = await ctx.droplet();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const json = ctx.out.json;
    const r = await hostExec(droplet, cmd, {
      // The command's own output: exact into a pipe, escaped on a terminal (Output.commandOut).
      onStdout: (c) => (json ? out.push(c) : ctx.out.commandOut(c, 'out')),
      onStderr: (c) => (json ? err.push(c) : ctx.out.commandOut(c, 'err')),
      signal: ctx.signal,
    });
    const code = r.code ?? 128 + ((r.signal && constants.signals[r.signal as keyof typeof constants.signals]) || 1);
    if (json) ctx.out.result({ code: r.code, signal: r.signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }, () => '');
    return code;
  },
};
