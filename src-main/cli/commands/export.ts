import { resolve } from 'node:path';
import { exportData } from '../../core/data/export.js';
import { usageError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { listVolumeFiles } from '../../core/docker/volume-files.js';
import { humanBytes } from './backups.js';

const USAGE = `Usage: stratam export --out FILE [--include-secrets]

Writes one JSON file (mode 0600): waitlist, the conversation decrypted, activity log,
receipts, vault entry names and times, breaker, the contract's flags, snapshot and backup
listings. --include-secrets adds the decrypted vault secrets. Browser cookies are never
copied. An existing FILE is never overwritten. The export is recorded in the state
folder (<state-dir>/exports/), which \`stratam data delete\` requires within 24 hours.`;

export const command: Command = {
  summary: "export the operator's data to one JSON file",
  usage: USAGE,
  async run(ctx) {
    let out: string | undefined;
    let includeSecrets = false;
    for (let i = 0; i < ctx.argv.length; i++) {
      const a = ctx.argv[i]!;
      if (a === '--include-secrets') includeSecrets = true;
      else if (a === '--out') out = ctx.argv[++i];
      else if (a.startsWith('--out=')) out = a.slice(6);
      else throw usageError(`export does not take "${a.slice(0, 40)}".`, USAGE);
    }
    if (!out) throw usageError('export needs --out FILE.', USAGE);
    const droplet = await ctx.droplet();
    const r = await exportData(droplet, {
      out: resolve(out),
      includeSecrets,
      onProgress: (e) => ctx.out.progress(e.phase, e.done, e.total),
      backupsLister: (volume) => listVolumeFiles(droplet, volume),
      // Recorded on this desktop: what `stratam data delete` checks before it deletes anything.
      stateDir: ctx.globals.stateDir,
    });
    for (const w of r.warnings) ctx.out.warn(ctx.out.c.yellow(`warning: ${ctx.out.field(w)}`));
    ctx.out.result(
      r,
      () =>
        `${ctx.out.c.green('Exported')} ${humanBytes(r.bytes)} to ${ctx.out.field(r.out)} (mode 0600): ${r.counts.conversation} messages, ${r.counts.activity} activity records, ${r.counts.receipts} receipts, ${r.counts.vaultEntries} vault entries${includeSecrets ? ' with secrets' : ''}.`,
    );
    return 0;
  },
};
