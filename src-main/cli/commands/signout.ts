import { refusedError, usageError } from '../../core/errors.js';
import { signOut } from '../../core/recovery/signout.js';
import type { Command } from '../command.js';
import { humanBytes } from './backups.js';

const USAGE = `Usage: stratam signout --yes [--json]

Signs the agent out of every website: pauses (JARVIS_SELF_MODIFY_ALLOWED=0), then
empties <jarvis-home>/playwright_profile/ (the agent's browser cookies). The folder
stays, empty; nothing in it is read or copied off the droplet. A link in its place
is refused (exit 3); links inside it are removed as links, never followed. Leaves a
receipt. It does not resume: run \`stratam resume --yes\` when you want the agent back.`;

export const command: Command = {
  summary: 'sign the agent out of every website: pause, empty its browser profile (needs --yes)',
  usage: USAGE,
  async run(ctx) {
    const extra = ctx.argv.filter((a) => a !== '--yes');
    if (extra.length > 0) throw usageError(`signout does not take "${extra[0]!.slice(0, 40)}".`, USAGE);
    if (!ctx.argv.includes('--yes')) {
      throw refusedError(
        'Signing out pauses the agent and deletes its browser cookies (it is logged out of every website, and that cannot be undone); it needs confirmation. Nothing was changed.',
        'Run `stratam signout --yes` to go ahead.',
      );
    }
    const r = await signOut(await ctx.droplet(), { via: 'cli' });
    ctx.out.result(r, () =>
      r.folder === 'absent'
        ? `${ctx.out.c.yellow('Paused.')} There is no browser profile at ${ctx.out.field(r.path)}, so there was nothing to sign out of; a receipt records that.`
        : `${ctx.out.c.yellow('Paused')} and signed out: ${r.entries} entries (${humanBytes(r.bytes)}) removed from ${ctx.out.field(r.path)}, which is now empty. Nothing was copied off the droplet. The agent stays paused until \`stratam resume --yes\`.`,
    );
    return 0;
  },
};
