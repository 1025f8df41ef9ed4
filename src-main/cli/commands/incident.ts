/**
 * `stratam incident [--json]`: why did the breaker trip? The restarts of the
 * last trip with their exit codes and last log lines, the self-modifications
 * before them, and the rollback to try, as the exact next commands. Every
 * value from the droplet (logs, labels, replies, file names, warnings) goes
 * through `out.field`, so none of it can drive the terminal or forge a line.
 */
import { releaseDocker } from '../../core/docker/docker-client.js';
import { usageError } from '../../core/errors.js';
import { gatherIncident } from '../../core/recovery/incident.js';
import type { Incident } from '../../core/recovery/recovery-types.js';
import type { Command, CommandContext } from '../command.js';

const USAGE = `Usage: stratam incident [--json]

Explains the breaker's last trip: breaker.json while it is tripped, else the
last breaker_trip receipt. For each restart of the trip's window: when, the
exit code of the run that died and the last lines it logged (from Docker).
Then the self_modify_code records before the first restart (last 20), with
their snapshot, files and the agent's reply in that turn (decrypted with
vault.keys), and the suggested fix: the snapshot taken just before the last
change, with the commands to see and roll back to it.

Exit codes: 0 the incident was gathered (anything that could not be is listed
under warnings); 2 there is no trip to explain (see \`stratam breaker status\`).`;

const REPLY_EXCERPT = 300;
const INDENT = '      ';

export function renderIncident(inc: Incident, out: CommandContext['out']): string {
  const f = (v: unknown) => out.field(v);
  const lines: string[] = [];
  const state = inc.stillTripped ? out.c.red('still tripped') : out.c.green('re-armed since');
  const from = inc.source === 'breaker' ? 'breaker.json' : 'the last breaker_trip receipt';
  lines.push(`${out.c.bold('Breaker trip')} at ${f(inc.trippedAt ?? '?')} by ${f(inc.by ?? '?')}: ${f(inc.reason ?? 'no reason recorded')} (${state}; from ${from})`);
  lines.push(`Container: ${f(inc.container)}`);
  lines.push('', out.c.bold(`Restarts (${inc.restarts.length})`));
  inc.restarts.forEach((r, i) => {
    const code = r.exitCode === null ? 'exit code unknown' : `exit ${r.exitCode}`;
    lines.push(`  ${i + 1}. ${f(r.at)}  ${r.exitCode !== null && r.exitCode !== 0 ? out.c.red(code) : code}${r.diedAt ? `  (died ${f(r.diedAt)})` : ''}`);
    if (r.logsTruncated) lines.push(`${INDENT}${out.c.dim('… earlier lines not shown')}`);
    for (const l of r.logs) lines.push(`${INDENT}${out.c.dim(`${l.ts ? f(l.ts.slice(11, 23)) : '?'} ${l.stream === 'stderr' ? 'err' : 'out'}`)} ${f(l.text)}`);
    if (r.logs.length === 0 && r.diedAt) lines.push(`${INDENT}${out.c.dim('(no log lines)')}`);
  });
  lines.push('', out.c.bold(`Changes before the first restart (${inc.changes.length})`));
  if (inc.changes.length === 0) lines.push('  none found in the audit log');
  for (const c of inc.changes) {
    const snap = c.snapshot === null ? 'no snapshot' : `snapshot ${f(c.snapshot)}${c.snapshotFound ? '' : out.c.red(' (gone)')}`;
    lines.push(`  #${c.seq}  ${f(c.ts)}  ${c.ok ? '' : out.c.red('not applied  ')}${snap}`);
    lines.push(`${INDENT}label ${f(c.label ?? '-')}  turn ${f(c.turn ?? '-')}  files ${c.files.length ? c.files.map(f).join(', ') : '-'}`);
    if (c.reason) lines.push(`${INDENT}reason: ${f(c.reason)}`);
    if (c.reply !== null) lines.push(`${INDENT}reply: "${f(c.reply.length > REPLY_EXCERPT ? `${c.reply.slice(0, REPLY_EXCERPT)}…` : c.reply)}"`);
    else if (c.replyNote) lines.push(`${INDENT}${out.c.dim(`reply: ${f(c.replyNote)}`)}`);
  }
  lines.push('');
  if (inc.suggestion) {
    const s = f(inc.suggestion.snapshot);
    lines.push(out.c.bold('Suggested fix'), `  ${f(inc.suggestion.why)}`, '  See the change, then roll back:', `    stratam snapshots diff ${s}`, `    stratam rollback ${s} --yes`);
  } else lines.push(out.c.bold('Suggested fix: none'), '  No snapshot to roll back to was found (see the warnings).');
  if (inc.warnings.length) {
    lines.push('', out.c.yellow(`Warnings (${inc.warnings.length})`));
    for (const w of inc.warnings) lines.push(`  - ${f(w)}`);
  }
  return lines.join('\n');
}

export const command: Command = {
  summary: 'why the breaker tripped: restarts, exit codes, last logs, the change before, the rollback to try',
  usage: USAGE,
  async run(ctx) {
    if (ctx.argv.length > 0) throw usageError(`incident takes no arguments (got "${ctx.argv[0]!.slice(0, 40)}").`, USAGE);
    const droplet = await ctx.droplet();
    try {
      const inc = await gatherIncident(droplet, { signal: ctx.signal });
      ctx.out.result(inc, () => renderIncident(inc, ctx.out));
      return 0;
    } finally {
      releaseDocker(droplet);
    }
  },
};
