import { usageError } from '../../core/errors.js';
import { checkCommand } from '../../core/guard/blocklist.js';
import type { Command } from '../command.js';

export const command: Command = {
  summary: 'check a shell command against the blocklist (no droplet needed)',
  usage:
    'Usage: stratam guard check [--json] -- "COMMAND"\n\n' +
    'Parses COMMAND as bash and applies the hard block the droplet applies to every shell command.\n' +
    'Exit 0: allowed. Exit 3: blocked (the rule and the reason are printed).',
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    if (sub !== 'check') throw usageError(sub === undefined ? 'guard needs a subcommand.' : `Unknown guard subcommand "${sub.slice(0, 40)}".`, 'Usage: stratam guard check -- "COMMAND"');
    const words = rest[0] === '--' ? rest.slice(1) : rest;
    if (words.length === 0) throw usageError('guard check needs the command to check.', 'Example: stratam guard check -- "rm -rf ./build"');
    const verdict = await checkCommand(words.join(' '));
    ctx.out.result(verdict, () =>
      verdict.allowed
        ? `${ctx.out.c.green('allowed')}  ${verdict.commands.map((a) => ctx.out.field(a.join(' '))).join(' ; ')}`
        : `${ctx.out.c.red('blocked')}  ${verdict.rule}: ${ctx.out.field(verdict.reason)}\n  argv: ${ctx.out.field(JSON.stringify(verdict.argv))}`,
    );
    return verdict.allowed ? 0 : 3;
  },
};
