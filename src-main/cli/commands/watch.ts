import { once } from 'node:events';
import { requireAgentContainer } from '../../core/docker/agent-status.js';
import { releaseDocker } from '../../core/docker/docker-client.js';
import { usageError } from '../../core/errors.js';
import { ControlWatch, type WatchEvent } from '../../core/watch/control-watch.js';
import type { Command } from '../command.js';
import { openDroplet, resolveProfile } from '../connect.js';

const USAGE = `Usage: stratam watch [--hold-pause] [--json]

Watches the droplet's control plane (.env, breaker.json, the audit log and
receipts, the vault keyring, snapshots, authorized_keys, sshd's config) and
prints one line per change until Ctrl-C. A change no operator receipt
explains is "tampered" (and leaves a tamper_detected receipt).

  --hold-pause   while the droplet is paused, put it back to paused within a
                 second when anything without a resume receipt flips it
  --json         one JSON object per event: kind, file, path, what, key, from,
                 to, at, detail, receipt, reverted, latencyMs

Exits 0 on Ctrl-C, leaving no process on the droplet; 3 when the agent
container does not exist (the watch would guard the wrong droplet).`;

export const command: Command = {
  summary: 'watch the control plane for tampering; --hold-pause keeps a pause in place',
  usage: USAGE,
  async run(ctx) {
    let hold = false;
    for (const a of ctx.argv) {
      if (a === '--hold-pause') hold = true;
      else throw usageError(`Unknown argument "${a}".`, USAGE);
    }
    // A long watch outlives network blips: its own droplet with reconnect on, closed here.
    const droplet = await openDroplet(await resolveProfile(ctx.globals), { reconnect: true });
    let w: ControlWatch | null = null;
    try {
      try {
        await requireAgentContainer(droplet, "this is not the agent's droplet as configured and the watch would guard nothing; nothing was watched");
      } finally {
        releaseDocker(droplet);
      }
      const print = (e: WatchEvent) => {
        if (ctx.out.json) ctx.out.event(e);
        else ctx.out.line(`${e.at} ${label(ctx.out.c, e.kind)} ${ctx.out.field(e.detail)}`);
      };
      w = new ControlWatch(droplet, { via: 'cli-watch', hold, onEvent: print });
      await w.start();
      if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
    } finally {
      w?.stop();
      await w?.done;
      await droplet.close();
    }
    return 0;
  },
};

function label(c: { red(s: string): string; yellow(s: string): string; green(s: string): string; dim(s: string): string }, kind: WatchEvent['kind']): string {
  switch (kind) {
    case 'tampered':
    case 'revert-failed':
      return c.red(kind.toUpperCase());
    case 'reverted':
      return c.green(kind);
    case 'error':
      return c.yellow(kind);
    default:
      return c.dim(kind);
  }
}
