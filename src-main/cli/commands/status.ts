import type { CoreStatus } from '../../core/controls/status.js';
import { isSectionError, statusReport, type StatusReport } from '../../core/controls/status-report.js';
import { EXIT_CODES } from '../../core/errors.js';
import type { Command } from '../command.js';
import type { Output } from '../output.js';

export function statusRows(out: Output, s: CoreStatus): Array<[string, string]> {
  const { c } = out;
  const id = s.droplet;
  const where = id.kind === 'local' ? `${id.user}@${id.host} (local)` : `${id.user}@${id.host}:${id.port}`;
  const t = s.trust;
  const b = s.breaker;
  const rows: Array<[string, string]> = [
    ['droplet', `${where}${id.hostKey ? `  ${c.dim(id.hostKey)}` : ''}`],
    ['destructive', switchText(out, s)],
    ['eternal loop', s.flags.eternalLoop === null ? c.red('UNKNOWN') : s.flags.eternalLoop ? 'armed' : c.yellow('off')],
    [
      'breaker',
      b.state === 'armed'
        ? `armed${b.restarts.length ? `, ${b.restarts.length} restart(s) counted` : ''}`
        : b.state === 'tripped'
          ? c.red(`TRIPPED ${b.trippedAt ?? ''} ${b.reason ?? ''}`.trim())
          : c.red('breaker.json unreadable'),
    ],
    ['trust discord', `owner ${t.discord.owner ?? c.red('not set')}${t.discord.trusted.length ? `; ${t.discord.trusted.join(', ')}` : ''}`],
    ['trust telegram', t.telegram.join(', ') || c.dim('none')],
    ['trust email', t.email.join(', ') || c.dim('none')],
    ['trust sms', t.sms.join(', ') || c.dim('none')],
  ];
  return rows;
}

/** Never "paused" unless it was read: an unknown switch says why and what to do. */
function switchText(out: Output, s: CoreStatus): string {
  const { c } = out;
  const sw = s.flags.switch;
  if (sw.selfModify === 'allowed') return c.green('allowed');
  if (sw.selfModify === 'paused') return c.yellow('PAUSED');
  return `${c.red('UNKNOWN')} ${sw.unknown?.detail ?? ''}${sw.unknown ? c.dim(`  (${sw.unknown.fix})`) : ''}`;
}

/** The capability sections: one line each, a problem in colour with its fix. */
export function sectionRows(out: Output, s: StatusReport): Array<[string, string]> {
  const { c } = out;
  const line = <T>(v: T | { error: string; hint: string | null }, ok: (x: T) => string): string =>
    isSectionError(v) ? c.red(`unavailable: ${v.error}`) + (v.hint ? c.dim(`  (${v.hint})`) : '') : ok(v);
  const rows: Array<[string, string]> = [
    [
      'agent',
      line(s.agent, (a) =>
        a.state === 'missing'
          ? c.red(`container ${a.name} missing`)
          : `${a.name} ${a.state === 'running' ? c.green(a.state) : c.yellow(a.state)}${a.health ? ` (${a.health})` : ''}, ${a.restartsLastHour} restart(s) in the last hour`,
      ),
    ],
    [
      'vault',
      line(s.vault, (v) =>
        'state' in v
          ? c.dim('no keyring (stratam vault init)')
          : `key ${v.primary.id}, ${v.primary.ageDays} days old${v.primary.rotationDue ? c.yellow(' — rotation due: stratam vault rotate --yes') : ''}${v.keyringModeOk ? '' : c.red(` — vault.keys mode ${v.keyringMode}, should be 0600`)}`,
      ),
    ],
    ['sandbox', line(s.sandbox, (x) => (x.violations ? c.red(`${x.violations} policy violation(s): stratam sandbox check`) : `${x.checked} container(s), compliant`))],
    ['backups', line(s.backups, (b) => (b.ok ? `${b.count} backups, latest ${b.latest?.ageHours ?? '?'} h old` : c.yellow(b.problems[0] ?? 'unhealthy')))],
    ['snapshots', line(s.snapshots, (x) => `${x.count}${x.latest ? `, latest ${x.latest}` : ''}${x.warning ? c.yellow(` — ${x.warning}`) : ''}`)],
  ];
  return rows;
}

export const command: Command = {
  summary: 'flags, trust, breaker, agent, vault, sandbox, backups and snapshots',
  usage:
    'Usage: stratam status [--json]\n\nShows whether destructive tools are allowed, the eternal loop and breaker, and who is trusted on each channel.\nExits 3 when the switch is unknown (no .env where the agent keeps it, unreadable, a link, or a file the agent may read differently).',
  async run(ctx) {
    const s = await statusReport(await ctx.droplet());
    ctx.out.result(s, () => ctx.out.table([...statusRows(ctx.out, s), ...sectionRows(ctx.out, s)]));
    // A script must not read "exit 0" as "the switch is where I think it is" when it was not read.
    return s.flags.switch.unknown ? EXIT_CODES.refused : EXIT_CODES.ok;
  },
};
