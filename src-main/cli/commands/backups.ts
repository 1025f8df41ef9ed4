import { listBackupsWith } from '../../core/data/backups.js';
import { listVolumeFiles } from '../../core/docker/volume-files.js';
import { usageError } from '../../core/errors.js';
import type { Command } from '../command.js';

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export const command: Command = {
  summary: 'the backups volume, with time, size and health',
  usage:
    'Usage: stratam backups [--json]\n\nLists jarvis-YYYYMMDD.tar.gz in the backups volume. Healthy when the latest is under 26 h old,\nnone is older than 30 days, and no day is missing inside the window. Exit 3 when unhealthy.',
  async run(ctx) {
    if (ctx.argv.length > 0) throw usageError(`backups takes no arguments (got "${ctx.argv[0]!.slice(0, 40)}").`);
    const droplet = await ctx.droplet();
    const r = await listBackupsWith(droplet, (volume) => listVolumeFiles(droplet, volume));
    for (const p of r.health.problems) ctx.out.warn(ctx.out.c.yellow(`warning: ${ctx.out.field(p)}`));
    ctx.out.result(r, () =>
      [
        // File names come from the volume: one field each.
        ...r.files.map((f) => `${ctx.out.field(f.time)}  ${humanBytes(f.size).padStart(9)}  ${ctx.out.field(f.name)}`),
        r.health.ok
          ? ctx.out.c.green(`Healthy: ${r.health.count} backups, latest ${r.health.latest?.ageHours} h old.`)
          : ctx.out.c.red(`Unhealthy: ${r.health.problems.length} problem(s), see above.`),
      ].join('\n'),
    );
    return r.health.ok ? 0 : 3;
  },
};
