/**
 * `stratam audit tail | verify | fetch`: the audit feed, the witness check and
 * the full text of a record the feed delivered truncated.
 */
import type { Droplet } from '../../core/droplet/droplet.js';
import { AuditFeed } from '../../core/audit/audit-feed.js';
import type { AuditRecord, Diagnostic, FeedItem } from '../../core/audit/diagnostics.js';
import { fetchRecord } from '../../core/audit/fetch-record.js';
import { loadGuardChecker } from '../../core/audit/second-line.js';
import { controlPlane } from '../../core/droplet/control-plane.js';
import { verifyWitness } from '../../core/audit/witness-verify.js';
import { CONTRACT_FILES, homeFile } from '../../core/droplet/paths.js';
import { StratamError, usageError } from '../../core/errors.js';
import type { Command, CommandContext } from '../command.js';
import { escapeField as esc, safeJson } from '../terminal-safe.js';
import { reportError } from '../../core/log/logger.js';

const USAGE = `Usage:
  stratam audit tail [--follow] [--from-seq N] [--lines N] [--receipts] [--no-witness] [--json]
  stratam audit verify [--json]
  stratam audit fetch --file-id ID --offset N [--receipts]

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
        seq rolled back, 0 when the logs agree.
fetch   Print the full line at a file identity and offset named by a "truncated"
        diagnostic.`;

interface Flags {
  bools: Set<string>;
  values: Map<string, string>;
}

function parseFlags(argv: string[], bools: string[], values: string[]): Flags {
  const f: Flags = { bools: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const key = name === '-f' ? '--follow' : name === '-n' ? '--lines' : name;
    if (bools.includes(key)) f.bools.add(key);
    else if (values.includes(key)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw usageError(`${key} needs a value.`, 'Run `stratam audit --help`.');
      f.values.set(key, v);
    } else throw usageError(`Unknown option "${a.slice(0, 40)}" for audit.`, 'Run `stratam audit --help`.');
  }
  return f;
}

function wholeNumber(f: Flags, key: string): number | undefined {
  const v = f.values.get(key);
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw usageError(`${key} must be a whole number, not "${v.slice(0, 30)}".`);
  return Number(v);
}

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

/**
 * A record value as one escaped field. Not String(v): a record's "tool" may be
 * an object with its own "toString" key, and String() of that throws (it
 * used to end `audit tail` at such a record).
 */
function show(v: unknown, absent = '?'): string {
  if (v === undefined || v === null) return absent;
  if (typeof v === 'string') return esc(v);
  // A parsed JSON value: stringify cannot throw (no cycles, no BigInt).
  return esc(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

/** One record as a line. Every value is the agent's, so each is escaped as one field: it cannot move the cursor or start a line. */
function humanRecord(r: AuditRecord): string {
  const v = r.value;
  const outcome = v.blocked ? `BLOCKED(${show(v.blocked)})` : v.ok === true ? 'ok' : 'FAILED';
  let args = '';
  try {
    args = JSON.stringify(v.args ?? null);
  } catch {
    args = ''; // cannot happen for parsed JSON (no cycles, no BigInt); the record still prints, without its args column
  }
  if (args.length > 100) args = `${args.slice(0, 99)}…`;
  return `#${r.seq} ${show(v.ts, '')} ${show(v.channel)}/${show(v.trust)} ${show(v.tool)} ${outcome} ${esc(args)}${r.stream === 'receipts' ? ' [operator]' : ''}`;
}

function humanDiag(d: Diagnostic): string {
  switch (d.kind) {
    case 'gap':
      return `! gap: ${d.stream} seq ${d.from}${d.to === d.from ? '' : `-${d.to}`} missing (${d.missing})`;
    case 'malformed':
      return `! malformed ${d.stream} line (${d.reason}) at ${d.file_id}:${d.offset}, ${d.length} bytes [${d.count} so far]`;
    case 'truncated':
      return `! truncated: ${d.stream} seq ${d.record_seq ?? '?'}, ${d.length} bytes; full text: ${d.fetch}`;
    case 'connection':
      return `! connection ${d.state}: ${esc(d.detail)}`;
    case 'control':
      return `!! CONTROL PLANE (${d.severity}) ${d.event}${d.file ? ` ${d.file}` : ''}: ${esc(d.detail)}`;
    default:
      // The detail can quote the agent's command (second line).
      return `!! ALERT (${d.severity}) ${d.reason} at ${d.stream} seq ${d.at_seq}: ${esc(d.detail)}`;
  }
}

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
  const report = await verifyWitness(await ctx.droplet(), ctx.globals.stateDir);
  ctx.out.line(safeJson(report));
  if (!ctx.globals.json) {
    ctx.out.warn(report.ok ? 'The droplet logs agree with the witness.' : 'The droplet logs do NOT agree with the witness: see the report above.');
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
  summary: 'follow the audit log, verify it against the local witness, fetch truncated records',
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
      default:
        throw usageError(sub === undefined ? 'audit needs a subcommand: tail, verify or fetch.' : `Unknown audit subcommand "${sub.slice(0, 30)}".`, 'Run `stratam audit --help`.');
    }
  },
};
