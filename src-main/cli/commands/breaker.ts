import { once } from 'node:events';
import { releaseDocker } from '../../core/docker/docker-client.js';
import { breakerStatus, rearmBreaker } from '../../core/breaker/breaker-actions.js';
import { checkBreaker } from '../../core/breaker/breaker-check.js';
import { BreakerWatcher, type TrippedEvent } from '../../core/breaker/breaker-watcher.js';
import { describeError, usageError } from '../../core/errors.js';
import type { Command, CommandContext } from '../command.js';
import { openDroplet, resolveProfile } from '../connect.js';

const USAGE = `Usage:
  stratam breaker status          the breaker state and JARVIS_ETERNAL_LOOP
  stratam breaker check           rebuild the last hour of restarts from Docker; trip if 4+ (exit 3 if tripped)
  stratam breaker watch           follow the agent's restarts and print JSON events; trips on 4 in 60 min
  stratam breaker rearm --yes     manual re-arm: state armed, rearmed_at, JARVIS_ETERNAL_LOOP=1

Rule: four or more restarts of the agent container within any 60 minutes,
counting only restarts after the last re-arm, trip the breaker
(JARVIS_ETERNAL_LOOP=0). The agent is never restarted to apply a flag.
check and watch refuse (exit 3) when the agent container (--container,
default jarvis) does not exist: they would count nothing.`;

async function watch(ctx: CommandContext): Promise<number> {
  // The watcher outlives blips: its own droplet with reconnect on, closed here.
  const droplet = await openDroplet(await resolveProfile(ctx.globals), { reconnect: true });
  const w = new BreakerWatcher(droplet, { via: 'cli-watch' });
  const emit = (kind: string) => (v: object) => ctx.out.event({ kind, ts: new Date().toISOString(), ...v });
  w.on('restart', emit('restart'));
  w.on('tripped', (e: TrippedEvent) => emit('tripped')(e));
  w.on('rearmed', emit('rearmed'));
  w.on('docker', emit('docker'));
  w.on('failure', (err: unknown) => emit('error')({ message: describeError(err) }));
  try {
    await w.start();
    ctx.out.event({ kind: 'watching', ts: new Date().toISOString(), container: droplet.paths.agentContainer, state: w.state });
    if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
  } finally {
    w.stop();
    releaseDocker(droplet);
    await droplet.close();
  }
  return 0;
}

export const command: Command = {
  summary: 'restart-cascade breaker: status, check, watch, rearm --yes',
  usage: USAGE,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    if (sub === 'watch') {
      if (rest.length) throw usageError(`breaker watch takes no arguments (got "${rest[0]}").`, USAGE);
      return watch(ctx);
    }
    const droplet = await ctx.droplet();
    try {
      if (sub === 'status' || sub === undefined) {
        const s = await breakerStatus(droplet);
        ctx.out.result(
          s,
          () =>
            ctx.out.table([
              ['breaker', s.state === 'tripped' ? ctx.out.c.red('TRIPPED') : s.state === 'armed' ? ctx.out.c.green('armed') : ctx.out.c.red('unreadable')],
              ['eternal loop', s.eternalLoop === null ? ctx.out.c.red('UNKNOWN (run `stratam status` for why)') : s.eternalLoop ? 'on (JARVIS_ETERNAL_LOOP=1)' : 'off'],
              ...(s.state === 'tripped' ? ([['tripped', `${s.trippedAt ?? '?'} by ${s.by ?? '?'}: ${s.reason ?? ''}`]] as Array<[string, string]>) : []),
              ['re-armed', s.rearmedAt ?? 'never'],
            ]) + (s.state === 'tripped' ? '\nhint: find why the agent restarted, then `stratam breaker rearm --yes`.' : ''),
        );
        return s.state === 'armed' ? 0 : 3;
      }
      if (sub === 'check') {
        if (rest.length) throw usageError(`breaker check takes no arguments (got "${rest[0]}").`, USAGE);
        const r = await checkBreaker(droplet, { via: 'cli-check' });
        ctx.out.result(r, () => {
          const lines = [`${r.restarts.length} restart(s) since ${r.windowStart} (history ${r.history}).`];
          if (r.fallback) lines.push(`note: ${r.fallback}`);
          if (r.trippedNow) lines.push(ctx.out.c.red('Tripped the breaker: JARVIS_ETERNAL_LOOP=0.'));
          else if (r.state === 'tripped') lines.push(ctx.out.c.red('The breaker is tripped.'));
          else lines.push('Breaker armed.');
          return lines.join('\n');
        });
        return r.state === 'armed' ? 0 : 3;
      }
      if (sub === 'rearm') {
        const yes = rest.includes('--yes');
        const other = rest.find((a) => a !== '--yes');
        if (other) throw usageError(`Unknown argument "${other}".`, USAGE);
        const r = await rearmBreaker(droplet, { confirmed: yes, via: 'cli' });
        ctx.out.result(r, () => `Breaker re-armed at ${r.rearmed_at}; JARVIS_ETERNAL_LOOP=1.`);
        return 0;
      }
      throw usageError(`Unknown breaker subcommand "${sub}".`, USAGE);
    } finally {
      releaseDocker(droplet);
    }
  },
};
