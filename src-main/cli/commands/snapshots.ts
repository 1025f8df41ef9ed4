import { usageError } from '../../core/errors.js';
import { listSnapshots } from '../../core/data/snapshots.js';
import type { Command } from '../command.js';
import { humanBytes } from './backups.js';

export const command: Command = {
  summary: 'the self-modify snapshots, with time and size',
  usage: 'Usage: stratam snapshots [--json]\n\nLists <jarvis-root>/.jarvis_self_history/, newest first. Warns above 50 (the agent keeps the last 50).',
  async run(ctx) {
    if (ctx.argv.length > 0) throw usageError(`snapshots takes no arguments (got "${ctx.argv[0]!.slice(0, 40)}").`);
    const r = await listSnapshots(await ctx.droplet());
    if (r.warning) ctx.out.warn(ctx.out.c.yellow(`warning: ${ctx.out.field(r.warning)}`));
    ctx.out.result(r, () => (r.snapshots.length ? ctx.out.table(r.snapshots.map((s) => [s.time, `${humanBytes(s.size).padStart(9)}  ${s.label}`])) : `No snapshots in ${ctx.out.field(r.dir)}.`));
    return 0;
  },
};
