import { usageError } from '../../core/errors.js';
import { listSnapshots } from '../../core/data/snapshots.js';
import type { FileDiff, SnapshotDiff } from '../../core/recovery/recovery-types.js';
import type { Command, CommandContext } from '../command.js';
import type { Output } from '../output.js';
import { humanBytes } from './backups.js';

const USAGE = `Usage:
  stratam snapshots [--json]
  stratam snapshots diff <name> [--against <name>|current] [--json]

Lists <jarvis-root>/.jarvis_self_history/, newest first. Warns above 50 (the agent keeps the last 50).

diff: what a self-modification changed. A snapshot's tree/ is the code before
that change; by default it is compared with the next newer snapshot (the code
just after the change), or with the agent code folder as it is now when it is
the newest. --against picks another snapshot, or current (the agent code
folder, --agent-code-dir). Text files get a unified diff (3 lines of context);
binary files, links and files over 1 MiB are named, never shown, and links are
never followed. Output is bounded: 400 lines or 64 KiB per patch, 500 files.`;

export const command: Command = {
  summary: 'the self-modify snapshots, with time and size; diff <name>: what a change did',
  usage: USAGE,
  async run(ctx) {
    if (ctx.argv[0] === 'diff') return diff(ctx, ctx.argv.slice(1));
    if (ctx.argv.length > 0) throw usageError(`snapshots takes no arguments other than diff (got "${ctx.argv[0]!.slice(0, 40)}").`, 'Run `stratam snapshots --help`.');
    const r = await listSnapshots(await ctx.droplet());
    if (r.warning) ctx.out.warn(ctx.out.c.yellow(`warning: ${ctx.out.field(r.warning)}`));
    ctx.out.result(r, () => (r.snapshots.length ? ctx.out.table(r.snapshots.map((s) => [s.time, `${humanBytes(s.size).padStart(9)}  ${s.label}`])) : `No snapshots in ${ctx.out.field(r.dir)}.`));
    return 0;
  },
};

async function diff(ctx: CommandContext, argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    ctx.out.line(USAGE);
    return 0;
  }
  let name: string | undefined;
  let against: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = /^--against=(.*)$/s.exec(arg);
    if (arg === '--against' || eq) {
      const value = eq ? eq[1] : argv[++i];
      if (!value) throw usageError('--against needs a snapshot name or current.', 'Example: stratam snapshots diff <name> --against current');
      if (against !== undefined) throw usageError('--against is given twice.', 'Give it once: a snapshot name or current.');
      against = value;
    } else if (arg.startsWith('-')) throw usageError(`Unknown option "${arg.slice(0, 40)}" for snapshots diff.`, 'Run `stratam snapshots diff --help`.');
    else if (name === undefined) name = arg;
    else throw usageError(`snapshots diff takes one snapshot name (got a second: "${arg.slice(0, 40)}").`, 'Use --against <name> to pick what it is compared with.');
  }
  if (name === undefined) throw usageError('snapshots diff needs a snapshot name.', 'Run `stratam snapshots` to list them, then `stratam snapshots diff <name>`.');
  const { diffSnapshotDetail } = await import('../../core/recovery/snapshot-diff.js');
  const r = await diffSnapshotDetail(await ctx.droplet(), name, against);
  ctx.out.result(r.diff, () => render(ctx.out, r.diff, r.notes));
  return 0;
}

const TAG: Record<FileDiff['change'], string> = { modified: 'M', added: 'A', removed: 'D', mode: 'mode', binary: 'binary', type: 'type', 'too-large': 'large' };

function render(out: Output, d: SnapshotDiff, notes: Map<string, string>): string {
  const to = d.to.kind === 'snapshot' ? d.to.name : `current (${d.to.path})`;
  const lines = [out.c.bold(`${out.field(d.from.name)} -> ${out.field(to)}`)];
  for (const f of d.files) {
    lines.push(summary(out, f, notes.get(f.path)));
    if (f.patch !== null) for (const l of f.patch.replace(/\n$/, '').split('\n')) lines.push(patchLine(out, l));
    if (f.patchTruncated) lines.push(out.c.yellow(f.patch === null ? '(patch left out: the output bound was reached; --json has the rest of the listing)' : '(patch cut at the output bound)'));
  }
  lines.push('', footer(d));
  return lines.join('\n');
}

const octal = (m: number | null) => (m === null ? '-' : m.toString(8).padStart(3, '0'));

function summary(out: Output, f: FileDiff, note: string | undefined): string {
  const tag = `${TAG[f.change].padEnd(6)} `;
  const colour = f.change === 'added' ? out.c.green : f.change === 'removed' ? out.c.red : f.change === 'modified' ? (s: string) => s : out.c.yellow;
  const extra: string[] = [];
  if (f.modeBefore !== null && f.modeAfter !== null && f.modeBefore !== f.modeAfter) extra.push(`mode ${octal(f.modeBefore)} -> ${octal(f.modeAfter)}`);
  if ((f.change === 'binary' || f.change === 'too-large') && f.sizeBefore !== null && f.sizeAfter !== null) extra.push(`${humanBytes(f.sizeBefore)} -> ${humanBytes(f.sizeAfter)}`);
  if (note) extra.push(note);
  return `${colour(tag)}${out.field(f.path)}${extra.length ? out.c.dim(`  (${extra.join('; ')})`) : ''}`;
}

/**
 * One line of a patch: the agent wrote it, so every control, bidi and
 * invisible character is shown escaped (field), except tabs, which are laid
 * out to the next 8-column stop of the escaped text, as a terminal would lay
 * out the raw line (code is full of tabs).
 */
function patchLine(out: Output, line: string): string {
  const [first, ...rest] = line.split('\t').map((part) => out.field(part));
  let safe = first ?? '';
  for (const part of rest) safe += ' '.repeat(8 - (safe.length % 8)) + part;
  if (line.startsWith('+++ ') || line.startsWith('--- ')) return out.c.bold(safe);
  if (line.startsWith('@@')) return out.c.dim(safe);
  if (line.startsWith('+')) return out.c.green(safe);
  if (line.startsWith('-')) return out.c.red(safe);
  return safe;
}

function footer(d: SnapshotDiff): string {
  if (d.files.length === 0 && d.omitted === 0) return `No changes (${d.unchanged} file(s) the same).`;
  const counts = new Map<string, number>();
  for (const f of d.files) counts.set(f.change, (counts.get(f.change) ?? 0) + 1);
  const parts = [...counts].map(([c, n]) => `${n} ${c}`);
  return `${d.files.length + d.omitted} changed (${parts.join(', ')}${d.omitted ? `, ${d.omitted} more not listed` : ''}); ${d.unchanged} file(s) the same.`;
}
