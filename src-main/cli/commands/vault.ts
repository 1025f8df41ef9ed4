import { refusedError, usageError } from '../../core/errors.js';
import { initVault } from '../../core/vault/init.js';
import { purgeRetiredKeys } from '../../core/vault/purge.js';
import { rotateVault } from '../../core/vault/rotate.js';
import { vaultStatus } from '../../core/vault/status.js';
import { verifyVault } from '../../core/vault/verify.js';
import type { Command, CommandContext } from '../command.js';

const USAGE = `Usage:
  stratam vault status          key ids and ages, entries and their update times (never a key or token)
  stratam vault rotate --yes    new primary key; every token re-encrypted, the old key retired (kept)
  stratam vault verify          every token must open with the keyring; exit 3 lists the bad ones
  stratam vault purge --yes     drop keys retired more than 30 days ago that nothing needs
  stratam vault init            first keyring of a new droplet (mode 0600); refused if one exists

Rotation is crash-safe: stopping it at any moment leaves every token readable.
With --json, rotate prints progress events as JSON lines, then the result.`;

function flags(ctx: CommandContext, allowed: string[]): Set<string> {
  const got = new Set<string>();
  for (const a of ctx.argv.slice(1)) {
    if (!allowed.includes(a)) throw usageError(`vault ${ctx.argv[0]} does not take "${a.slice(0, 40)}".`, USAGE);
    got.add(a);
  }
  return got;
}

function needYes(ctx: CommandContext, what: string): void {
  if (!flags(ctx, ['--yes']).has('--yes')) throw refusedError(`vault ${ctx.argv[0]} ${what}; it needs --yes to go ahead.`, `Run \`stratam vault ${ctx.argv[0]} --yes\`.`);
}

const day = (iso: string) => iso.slice(0, 10);

export const command: Command = {
  summary: 'the credential vault: status, rotate, verify, purge, init',
  usage: USAGE,
  async run(ctx) {
    const sub = ctx.argv[0] ?? 'status';
    const out = ctx.out;
    switch (sub) {
      case 'status': {
        flags(ctx, []);
        const s = await vaultStatus(await ctx.droplet());
        out.result(s, () => {
          const rows: Array<[string, string]> = [
            [
              'primary key',
              `${s.primary.id}, ${s.primary.ageDays} days old${s.primary.rotationDue ? out.c.yellow(' (rotation due: run `stratam vault rotate --yes`)') : `, rotation due ${day(s.primary.rotationDueAt)}`}`,
            ],
            ['keyring mode', s.keyringModeOk ? s.keyringMode : out.c.red(`${s.keyringMode} (should be 0600)`)],
          ];
          for (const e of s.entries) rows.push([`entry ${e.name}`, `updated ${e.updated}`]);
          if (!s.entries.length) rows.push(['entries', '(none)']);
          for (const k of s.retired) rows.push([`retired ${k.id}`, `since ${day(k.retired)}; purgeable ${k.purgeable ? 'now' : `from ${day(k.purgeableFrom)}`}`]);
          return out.table(rows);
        });
        return 0;
      }
      case 'rotate': {
        needYes(ctx, 're-encrypts every token under a new key');
        const r = await rotateVault(await ctx.droplet(), { onProgress: (e) => out.progress(e.phase, e.done, e.total) });
        for (const w of r.warnings) out.warn(out.c.yellow(`warning: ${out.field(w)}`));
        out.result(
          r,
          () =>
            `${out.c.green('Rotated.')} New primary ${out.field(r.newKeyId)}; ${out.field(r.retiredKeyId)} retired (kept for backups).\n` +
            `${r.vaultEntries} vault entries and ${r.archiveTokens} archive messages re-encrypted${r.carriedLines ? `, ${r.carriedLines} lines appended meanwhile carried over` : ''}; all verified.`,
        );
        return 0;
      }
      case 'verify': {
        flags(ctx, []);
        const r = await verifyVault(await ctx.droplet(), { onProgress: (p, d, t) => out.progress(p, d, t) });
        out.result(r, () => {
          const lines = [
            `vault.json: ${r.vault.tokens} tokens, ${r.vault.badEntries.length} bad${r.vault.badEntries.length ? `: ${r.vault.badEntries.map((e) => out.field(e)).join(', ')}` : ''}`,
            `archive: ${r.archive.tokens} tokens in ${r.archive.lines} lines, ${r.archive.badCount} bad${r.archive.badCount ? ` at lines ${r.archive.badLines.join(', ')}${r.archive.badCount > r.archive.badLines.length ? ', ...' : ''}` : ''}`,
          ];
          const retired = r.vault.retired + r.archive.retired;
          if (retired) lines.push(`${retired} tokens are under a retired key (readable; \`vault rotate\` moves them)`);
          if (!r.keyringModeOk) lines.push(out.c.red(`vault.keys has mode ${r.keyringMode}; it should be 0600`));
          lines.push(r.ok ? out.c.green('Every token opens with the keyring.') : out.c.red('Some tokens do not open with the keyring. Nothing was changed.'));
          return lines.join('\n');
        });
        return r.ok ? 0 : 3;
      }
      case 'purge': {
        needYes(ctx, 'deletes retired keys for good');
        const r = await purgeRetiredKeys(await ctx.droplet());
        out.result(r, () =>
          [r.purged.length ? `Purged ${r.purged.map((id) => out.field(id)).join(', ')}.` : 'No key could be purged.', ...r.kept.map((k) => `kept ${out.field(k.id)}: ${out.field(k.reason)}`)].join(
            '\n',
          ),
        );
        return 0;
      }
      case 'init': {
        flags(ctx, []);
        const r = await initVault(await ctx.droplet());
        out.result(r, () => `${out.c.green('Created')} ${out.field(r.path)} (mode 0600) with primary key ${out.field(r.keyId)}.`);
        return 0;
      }
      default:
        throw usageError(`Unknown vault subcommand "${sub.slice(0, 40)}".`, USAGE);
    }
  },
};
