import { coreStatus, type CoreStatus } from '../../core/controls/status.js';
import type { Command } from '../command.js';
import type { Output } from '../output.js';

export function renderStatus(out: Output, s: CoreStatus): string {
  const { c } = out;
  const id = s.droplet;
  const where = id.kind === 'local' ? `${id.user}@${id.host} (local)` : `${id.user}@${id.host}:${id.port}`;
  const t = s.trust;
  const b = s.breaker;
  const rows: Array<[string, string]> = [
    ['droplet', `${where}${id.hostKey ? `  ${c.dim(id.hostKey)}` : ''}`],
    ['destructive', s.flags.selfModifyAllowed ? c.green('allowed') : c.yellow('PAUSED') + c.dim(s.flags.envPresent ? '' : '  (no .env file: paused by default)')],
    ['eternal loop', s.flags.eternalLoop ? 'armed' : c.yellow('off')],
    ['breaker', b.state === 'armed' ? `armed${b.restarts.length ? `, ${b.restarts.length} restart(s) counted` : ''}` : b.state === 'tripped' ? c.red(`TRIPPED ${b.trippedAt ?? ''} ${b.reason ?? ''}`.trim()) : c.red('breaker.json unreadable')],
    ['trust discord', `owner ${t.discord.owner ?? c.red('not set')}${t.discord.trusted.length ? `; ${t.discord.trusted.join(', ')}` : ''}`],
    ['trust telegram', t.telegram.join(', ') || c.dim('none')],
    ['trust email', t.email.join(', ') || c.dim('none')],
    ['trust sms', t.sms.join(', ') || c.dim('none')],
  ];
  return out.table(rows);
}

export const command: Command = {
  summary: 'flags, trust lists and breaker of the droplet',
  usage: 'Usage: stratam status [--json]\n\nShows whether destructive tools are allowed, the eternal loop and breaker, and who is trusted on each channel.',
  async run(ctx) {
    const s = await coreStatus(await ctx.droplet());
    ctx.out.result(s, () => renderStatus(ctx.out, s));
    return 0;
  },
};
