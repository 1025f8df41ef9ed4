import { resume } from '../../core/controls/pause.js';
import { usageError } from '../../core/errors.js';
import type { Command } from '../command.js';

export const command: Command = {
  summary: 'allow destructive actions again (needs --yes)',
  usage: 'Usage: stratam resume --yes [--json]\n\nWrites JARVIS_SELF_MODIFY_ALLOWED=1. Because this hands destructive tools back to the agent, it needs --yes.',
  async run(ctx) {
    const extra = ctx.argv.filter((a) => a !== '--yes');
    if (extra.length > 0) throw usageError(`Unknown argument "${extra[0]}".`, 'Usage: stratam resume --yes');
    if (!ctx.argv.includes('--yes')) {
      throw usageError('Resuming allows the agent to modify code, restart itself and run host commands again; it needs confirmation.', 'Run `stratam resume --yes` to confirm.');
    }
    const r = await resume(await ctx.droplet());
    if (r.ownerNote) ctx.out.warn(ctx.out.c.yellow(`warning: ${ctx.out.field(r.ownerNote)}`));
    ctx.out.result({ paused: false, ...r }, () => `${ctx.out.c.green('Resumed.')} Destructive actions are allowed${r.changed ? '' : ' (already allowed)'}; verified on the droplet.`);
    return 0;
  },
};
