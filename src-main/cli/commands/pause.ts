import { pause } from '../../core/controls/pause.js';
import { usageError } from '../../core/errors.js';
import type { Command } from '../command.js';

export const command: Command = {
  summary: 'pause destructive actions now (JARVIS_SELF_MODIFY_ALLOWED=0)',
  usage:
    'Usage: stratam pause [--json]\n\nWrites JARVIS_SELF_MODIFY_ALLOWED=0 atomically, reads it back, and leaves a receipt. The agent stops taking destructive actions at its next call; no restart.',
  async run(ctx) {
    if (ctx.argv.length > 0) throw usageError(`pause takes no arguments (got "${ctx.argv[0]}").`);
    const r = await pause(await ctx.droplet());
    if (r.ownerNote) ctx.out.warn(ctx.out.c.yellow(`warning: ${ctx.out.field(r.ownerNote)}`));
    ctx.out.result({ paused: true, ...r }, () => `${ctx.out.c.yellow('Paused.')} Destructive actions are refused${r.changed ? '' : ' (already paused)'}; verified on the droplet.`);
    return 0;
  },
};
