/**
 * `stratam audit tail | verify | fetch | search`: the audit feed, the witness
 * check, the full text of a record the feed delivered truncated, and the
 * full-history search over the local mirror (audit-search.ts).
 */
import type { Droplet } from '../../core/droplet/droplet.js';
import { AuditFeed } from '../../core/audit/audit-feed.js';
import type { FeedItem } from '../../core/audit/diagnostics.js';
import { fetchRecord } from '../../core/audit/fetch-record.js';
import { loadGuardChecker } from '../../core/audit/second-line.js';
import { controlPlane } from '../../core/droplet/control-plane.js';
import { verifyWitness } from '../../core/audit/witness-verify.js';
import { mirrorReport } from '../../core/audit/mirror-report.js';
import { CONTRACT_FILES, homeFile } from '../../core/droplet/paths.js';
import { StratamError, usageError } from '../../core/errors.js';
import type { Command, CommandContext } from '../command.js';
import { safeJson } from '../terminal-safe.js';
import { humanDiag, humanRecord } from '../audit-format.js';
import { parseFlags, wholeNumber } from '../audit-flags.js';
import { reportError } from '../../core/log/logger.js';

const USAGE = `Usage:
  stratam audit tail [--follow] [--from-seq N] [--lines N] [--receipts] [--no-witness] [--json]
  stratam audit verify [--json]
  stratam audit fetch --file-id ID --offset N [--receipts]
  stratam audit search [TEXT] [--tool T] [--outcome ok|failed|blocked] [--channel C] [--trust T]
                       [--since T] [--until T] [--limit N] [--receipts] [--no-sync] [--text T] [--json]

tail    Print the agent's audit log (activity.jsonl). Without --from-seq, the last
        --lines records (default 10); --from-seq reads every retained file, rotated
        ones included. --follow keeps following across rotation and dropped
        connections (resuming after the last delivered seq). --receipts merges
        operator_actions.jsonl. With --json each line is a record exactly as the
        agent wrote it, or a diagnostic object with a "kind" (gap, malformed,
        truncated, connection, alert) and no "seq". Every record seen is added to
        the local witness in --state-dir unless --no-witness.
verify  Re-read every retained log and compare it with the local witness. Prints a
        JSON report; exit 3 when a record was rewritten, deleted, truncated or its
        seq rolled back, 0 when the logs agree. The report's "mirror" part says
        which seqs the local mirror holds and how many of the lost records it has.
fetch   Print the full line at a file identity and offset named by a "truncated"
        diagnostic.
search  Search the whole audit trail, newest first. It first brings the local mirror
        (the desktop's copy of the logs in --state-dir) up to date, then searches it:
        TEXT case-insensitively in the line as written (its JSON), --tool, --outcome,
        --channel and --trust (each a name or a comma-separated list), --since and
        --until (a time such as 2026-12-01T08:00Z or a span back from now: 90s, 15m,
        2h, 7d). --limit (default 50) matches are printed; with --json each is the
        line exactly as the agent wrote it. --receipts searches the operator
        receipts instead. --no-sync searches the mirror as it is; with the host key
        pinned (--fingerprint or a profile) it does not connect, so it works when
        the droplet is gone. --mirror-cap-mb N caps the mirror per droplet (default 2048; 0: no
        mirror, search reads the droplet's logs instead, slower).`;

/**
 * Batches stdout writes: a backlog of a million records must not be a
 * million writes. A write that fills the pipe holds the feed until it drains.
 * Its bytes are the agent's own (records with --json) or text made safe per
 * field: `commandOut` keeps them exact for a pipe and escapes them for a
 * terminal (terminal-safe.ts).
 */
class Batch {
  private parts: Buffer[] = [];
  private len = 0;
  private scheduled = false;
  private release: (() => void) | null = null;
  /** Set once the feed exists: stops reading from the droplet until stdout drains. */
  hold: (() => () => void) | null = null;
  constructor(
    private readonly out: CommandContext['out'],
    private readonly json: boolean,
  ) {}
  push(b: Buffer): void {
    this.parts.push(b);
    this.len += b.length;
    if (this.len >= 256 * 1024) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }
  flush(): void {
    this.scheduled = false;
    if (this.len === 0) return;
    const b = Buffer.concat(this.parts, this.len);
    this.parts = [];
    this.len = 0;
    if (this.out.commandOut(b, 'out', this.json) || !this.hold || this.release) return;
    this.release = this.hold();
    this.out.onceDrained(() => {
      const release = this.release;
      this.release = null;
      release?.();
    });
  }
}

const NL = Buffer.from('\n');

async function openFollowDroplet(ctx: CommandContext, follow: boolean): Promise<{ droplet: Droplet; own: boolean }> {
  if (!follow || ctx.globals.local) return { droplet: await ctx.droplet(), own: false };
  // Following must ride out dropped connections, so it opens its own reconnecting link.
  const { resolveProfile, openDroplet } = await import('../connect.js');
  return { droplet: await openDroplet(await resolveProfile(ctx.globals), { reconnect: true }), own: true };
}

/**
 * A tail of a folder or file that is not there printed nothing (and
 * `--follow` waited forever): say where it looked and what to check. A
 * follow of a folder that exists but has no log yet waits, and says so.
 */
async function checkActivityLog(ctx: CommandContext, droplet: Droplet, follow: boolean): Promise<void> {
  const home = droplet.paths.jarvisHome;
  const path = homeFile(droplet.paths, CONTRACT_FILES.activity);
  if (!(await droplet.stat(home))?.isDirectory) {
    throw new StratamError('failed', `No activity log at ${path}: the folder ${home} does not exist on the droplet.`, {
      hint: "Check --jarvis-home (the agent's data folder, default ~/.jarvis of the SSH user), or the profile's paths.",
    });
  }
  if ((await droplet.lstat(path)) || (await droplet.lstat(`${path}.1`))) return;
  if (!follow) {
    throw new StratamError('failed', `No activity log at ${path}.`, {
      hint: 'Check --jarvis-home; if it is right, the agent has not made a tool call yet (it creates activity.jsonl with its first record).',
    });
  }
  ctx.out.warn(ctx.out.c.yellow(`warning: no activity log at ${ctx.out.field(path)} yet; waiting for the agent to write it (if this is the wrong folder, stop and check --jarvis-home).`));
}

async function tail(ctx: CommandContext): Promise<number> {
  const f = parseFlags(ctx.argv, ['--follow', '--receipts', '--no-witness'], ['--from-seq', '--lines']);
  const fromSeq = wholeNumber(f, '--from-seq');
  const lines = wholeNumber(f, '--lines');
  if (fromSeq !== undefined && lines !== undefined) throw usageError('Give --from-seq or --lines, not both.');
  const follow = f.bools.has('--follow');
  const { droplet, own } = await openFollowDroplet(ctx, follow);
  try {
    await checkActivityLog(ctx, droplet, follow);
    const json = ctx.globals.json;
    const batch = new Batch(ctx.out, json);
    const checkCommand = await loadGuardChecker(controlPlane(droplet.paths, droplet.home));
    const onItem = (i: FeedItem) => {
      if (i.type === 'record') {
        if (json) {
          batch.push(Buffer.from(i.record.bytes));
          batch.push(NL);
        } else batch.push(Buffer.from(`${humanRecord(i.record)}\n`));
      } else {
        batch.push(Buffer.from(`${json ? safeJson(i.diagnostic) : humanDiag(i.diagnostic)}\n`));
        if (i.diagnostic.kind === 'alert') batch.flush();
      }
    };
    const feed = new AuditFeed(droplet, {
      follow,
      ...(fromSeq !== undefined ? { fromSeq } : {}),
      ...(lines !== undefined ? { lines } : {}),
      receipts: f.bools.has('--receipts'),
      ...(f.bools.has('--no-witness') ? {} : { stateDir: ctx.globals.stateDir }),
      // A reader that went away (`| head`) ends the tail, as it ends `tail -f`.
      signal: AbortSignal.any([ctx.signal, ctx.out.stdoutClosed]),
      onItem,
      checkCommand,
    });
    batch.hold = () => feed.hold();
    const summary = await feed.run();
    batch.flush();
    if (!json && summary.malformed + summary.gaps + summary.alerts > 0) {
      ctx.out.warn(`${summary.delivered} records; ${summary.malformed} malformed, ${summary.gaps} gaps, ${summary.alerts} alerts.`);
    }
    return 0;
  } finally {
    if (own) await droplet.close().catch((err: unknown) => reportError('cli', err, 'closing the follow connection'));
  }
}

async function verify(ctx: CommandContext): Promise<number> {
  parseFlags(ctx.argv, [], []);
  const droplet = await ctx.droplet();
  const report = await verifyWitness(droplet, ctx.globals.stateDir);
  const mirror = mirrorReport(ctx.globals.stateDir, droplet.identity, report);
  ctx.out.line(safeJson({ ...report, mirror }));
  if (!ctx.globals.json) {
    ctx.out.warn(report.ok ? 'The droplet logs agree with the witness.' : 'The droplet logs do NOT agree with the witness: see the report above.');
    for (const [name, m] of Object.entries(mirror)) {
      const s = report.streams[name as keyof typeof report.streams];
      const lost = (s?.deleted.length ?? 0) + (s?.truncated.length ?? 0);
      // The report lists at most 10,000 seqs per kind: then the count is of those listed, and says so.
      const of = s?.lists_capped ? `the first ${lost} listed (the report lists at most 10,000 per kind) of the records` : `the ${lost} records`;
      if (lost > 0)
        ctx.out.warn(`The local mirror of ${name} still holds ${m.holds_lost} of ${of} the droplet lost: see them with \`stratam audit search --no-sync${name === 'receipts' ? ' --receipts' : ''}\`.`);
      if (m.dropped_files > 0) ctx.out.warn(`The local mirror of ${name} starts at seq ${m.start_seq ?? '?'}: its cap dropped the oldest ${m.dropped_files} file(s).`);
    }
  }
  return report.ok ? 0 : 3;
}

async function fetch(ctx: CommandContext): Promise<number> {
  const f = parseFlags(ctx.argv, ['--receipts'], ['--file-id', '--offset']);
  const fileId = f.values.get('--file-id');
  const offset = wholeNumber(f, '--offset');
  if (fileId === undefined || offset === undefined) throw usageError('fetch needs --file-id and --offset (both from a "truncated" diagnostic).');
  // The line exactly as on the droplet into a pipe; escaped on a terminal (it may not even be valid JSON).
  await fetchRecord(await ctx.droplet(), { fileId, offset, receipts: f.bools.has('--receipts'), onChunk: (c) => ctx.out.commandOut(c) });
  ctx.out.raw('\n');
  return 0;
}

export const command: Command = {
  summary: 'follow the audit log, verify it against the local witness, fetch truncated records, search the whole trail',
  usage: USAGE,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    const sctx = { ...ctx, argv: rest };
    switch (sub) {
      case 'tail':
        return tail(sctx);
      case 'verify':
        return verify(sctx);
      case 'fetch':
        return fetch(sctx);
      case 'search':
        return (await import('../audit-search.js')).search(sctx);
      default:
        throw usageError(sub === undefined ? 'audit needs a subcommand: tail, verify, fetch or search.' : `Unknown audit subcommand "${sub.slice(0, 30)}".`, 'Run `stratam audit --help`.');
    }
  },
};
