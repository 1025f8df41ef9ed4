import { hostname } from 'node:os';
import { deleteData } from '../../core/data/data-delete.js';
import { usageError } from '../../core/errors.js';
import type { Command, GlobalOptions } from '../command.js';
import { humanBytes } from './backups.js';

const USAGE = `Usage: stratam data delete --confirm <droplet-name> [--without-export] [--json]

Deletes the operator's data on the droplet: the conversation archive, the vault
entries (vault.json keeps no entry; the keyring stays), the waitlist, the browser
profile's contents and the self-modify snapshots. It pauses the agent first and
leaves a receipt listing what went and how many bytes.

Kept: the audit log and the receipts (they are the evidence), the vault keyring
(backups inside their 30-day retention need it), and the backups (they expire).

Refused (exit 3) unless:
  --confirm is the droplet's name: the --profile name, or without a profile the
            --host value as given (with --local, this machine's host name);
  this app wrote an export of this droplet in the last 24 hours
            (\`stratam export --out FILE\`), or --without-export is given.`;

/** The name to type: see USAGE. Known before connecting, so a missing --confirm can say it. */
export function dropletNameOf(g: GlobalOptions): string | null {
  return g.profile ?? g.host ?? (g.local ? hostname() : null);
}

export const command: Command = {
  summary: "delete the operator's data on the droplet (data delete --confirm <droplet-name>)",
  usage: USAGE,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    if (sub !== 'delete') throw usageError(sub === undefined ? 'data needs a subcommand.' : `data has no subcommand "${sub.slice(0, 40)}".`, USAGE);
    let confirm: string | undefined;
    let withoutExport = false;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--without-export') withoutExport = true;
      else if (a === '--confirm') confirm = rest[++i];
      else if (a.startsWith('--confirm=')) confirm = a.slice(10);
      else throw usageError(`data delete does not take "${a.slice(0, 40)}".`, USAGE);
    }
    const name = dropletNameOf(ctx.globals);
    if (name === null) throw usageError('No droplet given.', 'Pass --profile NAME (or --host) for the droplet whose data you mean to delete.');
    if (confirm === undefined) throw usageError(`data delete needs --confirm with this droplet's name: --confirm ${name}`, USAGE);
    const r = await deleteData(await ctx.droplet(), { dropletName: name, confirm, withoutExport, stateDir: ctx.globals.stateDir, via: 'cli' });
    ctx.out.result(r, () => {
      const f = (v: string) => ctx.out.field(v);
      const lines = [
        `${ctx.out.c.yellow('Paused')} and deleted ${humanBytes(r.bytes)} from ${f(r.droplet)} (${r.exportAt ? `export written at ${f(r.exportAt)}` : 'without an export'}):`,
        ctx.out.table(r.deleted.map((d) => [`  ${d.status}`, `${d.what}: ${d.status === 'absent' ? 'there was none' : humanBytes(d.bytes)}  ${f(d.path)}`])),
        'Kept:',
        ctx.out.table(r.kept.map((k) => [`  ${k.what}`, `${f(k.path)}: ${k.why}`])),
        'The agent stays paused until `stratam resume --yes`.',
      ];
      return lines.join('\n');
    });
    return 0;
  },
};
