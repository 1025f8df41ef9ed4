import { releaseDocker } from '../../core/docker/docker-client.js';
import { usageError } from '../../core/errors.js';
import { checkSandboxes } from '../../core/sandbox/sandbox-policy.js';
import { sandboxRun } from '../../core/sandbox/sandbox-run.js';
import type { Command, CommandContext } from '../command.js';

const USAGE = `Usage:
  stratam sandbox check                                   list policy violations (exit 3 if any)
  stratam sandbox run [--image IMG] [--timeout S] -- CMD...

Sandbox containers are labelled us.stratam.role=sandbox and must run with
NetworkMode none, a read-only root and 128 MiB of memory. \`run\` adds
AutoRemove, CapDrop ALL, no-new-privileges, a pids limit and a tmpfs /tmp;
its exit code is the command's (124 on timeout, 130 on Ctrl-C).`;

function parseRun(argv: string[]): { image?: string; timeoutSec?: number; cmd: string[] } {
  const out: { image?: string; timeoutSec?: number; cmd: string[] } = { cmd: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.cmd = argv.slice(i + 1);
      return out;
    }
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw usageError(`${flag} needs a value.`, USAGE);
      return v;
    };
    if (flag === '--image') out.image = value();
    else if (flag === '--timeout') {
      const v = value();
      const n = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) throw usageError(`--timeout must be a positive number of seconds, not "${v}".`, USAGE);
      out.timeoutSec = n;
    } else throw usageError(`Unknown option "${a}". Put the command after \`--\`.`, USAGE);
  }
  throw usageError('sandbox run needs the command after `--`.', USAGE);
}

async function run(ctx: CommandContext, argv: string[]): Promise<number> {
  const opts = parseRun(argv);
  if (opts.cmd.length === 0) throw usageError('sandbox run needs a command after `--`.', USAGE);
  const droplet = await ctx.droplet();
  try {
    const r = await sandboxRun(droplet, {
      ...opts,
      signal: ctx.signal,
      via: 'cli',
      // The command's own output: exact into a pipe, escaped on a terminal (Output.commandOut).
      onStdout: (c) => (ctx.out.json ? ctx.out.event({ kind: 'stdout', data: c.toString('utf8') }) : ctx.out.commandOut(c, 'out')),
      onStderr: (c) => (ctx.out.json ? ctx.out.event({ kind: 'stderr', data: c.toString('utf8') }) : ctx.out.commandOut(c, 'err')),
    });
    if (ctx.out.json) ctx.out.event({ kind: 'exit', ...r });
    else if (r.timedOut) ctx.out.warn(`sandbox: killed after ${opts.timeoutSec} s (timeout).`);
    return r.exitCode;
  } finally {
    releaseDocker(droplet);
  }
}

export const command: Command = {
  summary: 'code sandbox: check the policy, or run a command in a throwaway container',
  usage: USAGE,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    if (sub === 'run') return run(ctx, rest);
    if (sub !== 'check') throw usageError(sub === undefined ? 'sandbox needs a subcommand.' : `Unknown sandbox subcommand "${sub}".`, USAGE);
    if (rest.length) throw usageError(`sandbox check takes no arguments (got "${rest[0]}").`, USAGE);
    const droplet = await ctx.droplet();
    try {
      const r = await checkSandboxes(droplet);
      ctx.out.result(r, () => {
        if (r.violations.length === 0) return `${r.checked} sandbox container(s) checked; all follow the policy.`;
        const f = (v: unknown) => ctx.out.field(v);
        const lines = r.violations.map(
          (v) => `${ctx.out.c.red('violation')} ${f(v.id.slice(0, 12))} ${f(v.name)}: ${v.setting} is ${f(JSON.stringify(v.actual))}, must be ${JSON.stringify(v.expected)}`,
        );
        lines.push('hint: remove these containers (docker rm -f ID) and find what started them without the sandbox flags.');
        return lines.join('\n');
      });
      return r.violations.length > 0 ? 3 : 0;
    } finally {
      releaseDocker(droplet);
    }
  },
};
