import { releaseDocker } from '../../core/docker/docker-client.js';
import { usageError } from '../../core/errors.js';
import type { RollbackResult, RollbackStep } from '../../core/recovery/recovery-types.js';
import { DEFAULT_HEALTH_SECONDS, rollback } from '../../core/recovery/rollback.js';
import type { Command, CommandContext } from '../command.js';

const USAGE = `Usage: stratam rollback <snapshot> --yes [--health-seconds N] [--json]

Puts the agent's code back as it was in a self-modify snapshot (\`stratam snapshots\`), in
the contract's order: pause (JARVIS_SELF_MODIFY_ALLOWED=0); snapshot the current code as
<time>-pre-rollback; copy the snapshot's tree beside the code folder and swap it in with one
atomic rename; restart the agent container; watch it for N seconds (default ${DEFAULT_HEALTH_SECONDS}).
--health-seconds 0 returns as soon as the restarted container is running.

It never resumes and never re-arms the breaker: those stay your own next steps.
To undo, roll back to the pre-rollback snapshot it names.

Exit codes: 0 the agent stayed up (and healthy, where its image has a health check);
1 it died or reported unhealthy (the droplet stays paused), or a step failed;
2 bad arguments, or --yes missing (nothing changed);
3 refused before anything changed (no agent container, no tree/, a link anywhere in the
snapshot, the code folder a link, no python3 or no atomic swap on the droplet).
With --json: one {"kind":"step",...} line per step as it ends, then the result.`;

function parseArgs(argv: string[]): { name: string; healthSeconds: number } {
  let name: string | undefined;
  let yes = false;
  let health: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--yes') yes = true;
    else if (a === '--health-seconds' || a.startsWith('--health-seconds=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || !/^\d{1,4}$/.test(v)) throw usageError(`--health-seconds needs a whole number of seconds (got "${(v ?? '').slice(0, 20)}").`, USAGE);
      health = Number(v);
    } else if (a.startsWith('-')) throw usageError(`Unknown option "${a.slice(0, 40)}" for rollback.`, USAGE);
    else if (name !== undefined) throw usageError(`rollback takes one snapshot name (got a second: "${a.slice(0, 40)}").`, USAGE);
    else name = a;
  }
  if (name === undefined)
    throw usageError(
      'rollback needs the name of the snapshot to roll back to.',
      'Run `stratam snapshots` to list them (or `stratam incident` for the suggested one), then `stratam rollback <name> --yes`.',
    );
  if (!yes) {
    throw usageError(
      `Rolling back pauses the agent, replaces its code folder with the snapshot ${name} and restarts its container; it needs confirmation. Nothing changed.`,
      `Run \`stratam rollback ${name} --yes\` to confirm (see what it changes first with \`stratam snapshots diff ${name} --against current\`).`,
    );
  }
  return { name, healthSeconds: health ?? DEFAULT_HEALTH_SECONDS };
}

function human(ctx: CommandContext, r: RollbackResult): string {
  const c = ctx.out.c;
  const f = (v: unknown) => ctx.out.field(v);
  const head =
    r.outcome === 'healthy'
      ? c.green(`Rolled back to ${f(r.snapshot)}: the agent is ${r.healthSeconds ? `up after ${r.healthSeconds} s` : 'running'}.`)
      : c.red(`Rolled back to ${f(r.snapshot)}, but the agent ${r.outcome === 'died' ? 'died again' : 'reports unhealthy'} (${f(r.container.state)}, RestartCount ${r.container.restartCount}).`);
  return [
    head,
    `The droplet stays paused${r.next.rearm ? ' and the breaker as it was' : ''}. The code it replaced is in ${f(r.preRollback)}.`,
    `next: resume: ${f(r.next.resume)}`,
    ...(r.next.rearm ? [`next: re-arm: ${f(r.next.rearm)}`] : []),
    `undo: ${f(r.next.undo)}`,
  ].join('\n');
}

export const command: Command = {
  summary: "put the agent's code back to a snapshot, restart it and watch it (needs --yes)",
  usage: USAGE,
  async run(ctx) {
    const { name, healthSeconds } = parseArgs(ctx.argv);
    const droplet = await ctx.droplet();
    const onStep = (s: RollbackStep) => {
      if (ctx.out.json) ctx.out.event({ kind: 'step', ...s });
      else ctx.out.line(`${s.ok ? ctx.out.c.green('ok  ') : ctx.out.c.red('FAIL')} ${s.step.padEnd(21)} ${ctx.out.field(s.detail)} ${ctx.out.c.dim(`(${s.ms} ms)`)}`);
    };
    try {
      const r = await rollback(droplet, name, { healthSeconds, via: 'cli', signal: ctx.signal, onStep });
      ctx.out.result({ kind: 'result', ...r }, () => human(ctx, r));
      return r.outcome === 'healthy' ? 0 : 1;
    } finally {
      releaseDocker(droplet);
    }
  },
};
