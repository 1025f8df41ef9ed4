import { scanDroplet } from '../../core/antifab/droplet-scan.js';
import { usageError } from '../../core/errors.js';
import { loadKeyring } from '../../core/vault/keyring.js';
import type { Command } from '../command.js';

export const command: Command = {
  summary: 'scan the conversation archive for claims no tool call backs',
  usage:
    'Usage: stratam antifab scan [--since TIME] [--json]\n\n' +
    'Reads the conversation archive (decrypted with the vault keyring) and the activity log, and lists every\n' +
    'reply that claims an action no tool call of its turn backs. TIME is an ISO 8601 time (2026-11-28T00:00:00Z).\n' +
    'Exit 0: no warnings. Exit 3: warnings found.',
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    if (sub !== 'scan') throw usageError(sub === undefined ? 'antifab needs a subcommand.' : `Unknown antifab subcommand "${sub.slice(0, 40)}".`, 'Usage: stratam antifab scan [--since TIME]');
    let sinceMs: number | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      const value = a === '--since' ? rest[++i] : a.startsWith('--since=') ? a.slice(8) : null;
      if (value === null) throw usageError(`Unknown option "${a.slice(0, 40)}".`, 'Usage: stratam antifab scan [--since TIME]');
      const ms = value === undefined ? Number.NaN : Date.parse(value);
      if (!/^\d{4}-\d{2}-\d{2}/.test(value ?? '') || Number.isNaN(ms)) {
        throw usageError(`--since needs an ISO 8601 time, not "${(value ?? '').slice(0, 40)}".`, 'Example: --since 2026-11-28T00:00:00Z');
      }
      sinceMs = ms;
    }
    const droplet = await ctx.droplet();
    const keyring = await loadKeyring(droplet);
    try {
      const r = await scanDroplet(droplet, { keyring, ...(sinceMs === undefined ? {} : { sinceMs }) });
      ctx.out.result(r, () => {
        // Times, turns, phrases and tool names are the agent's: each one field (out.field).
        const f = (v: unknown) => ctx.out.field(v);
        const lines = r.warnings.map((w) => {
          const own = w.droplet ? (w.droplet.tier === null ? ' (agent: no verdict)' : ` (agent: tier ${f(w.droplet.tier)})`) : '';
          const calls = w.calls.length ? w.calls.map((c) => `${f(c.tool)}${c.ok ? '' : c.blocked ? `[blocked:${f(c.blocked)}]` : '[failed]'}`).join(', ') : 'no tool calls';
          return `${ctx.out.c.yellow(`tier ${w.tier}`)}  ${f(w.ts)}  ${f(w.turn)}  "${f(w.phrase)}" (${f(w.claim)}) — ${calls}${own}`;
        });
        const tail = `${r.warnings.length} warning(s) in ${r.scanned.replies} replies${r.scanned.unreadable ? `, ${r.scanned.unreadable} unreadable` : ''}${r.skippedLines ? `, ${r.skippedLines} lines skipped` : ''}.`;
        return [...lines, tail].join('\n');
      });
      return r.warnings.length ? 3 : 0;
    } finally {
      keyring.destroy();
    }
  },
};
