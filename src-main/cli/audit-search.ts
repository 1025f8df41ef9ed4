/**
 * `stratam audit search`: the whole audit trail, newest first. It brings the
 * local mirror up to date first (one incremental read from where the mirror
 * ends), then searches the desktop's copy, so the search itself costs no
 * transfer and still works when the droplet's log was wiped. With the mirror
 * off (`--mirror-cap-mb 0`) it reads every retained log from the droplet
 * instead, slower, and says so.
 */
import { pinnedIdentity } from '../core/audit/mirror/mirror-identity.js';
import type { MirrorInfo } from '../core/audit/mirror/mirror-types.js';
import type { SearchHit, SearchQuery } from '../core/audit/search/search-types.js';
import { usageError } from '../core/errors.js';
import type { CommandContext } from './command.js';
import { humanRecord } from './audit-format.js';
import { parseFlags, wholeNumber } from './audit-flags.js';
import { resolveProfile } from './connect.js';

const OUTCOMES = ['ok', 'failed', 'blocked'] as const;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO time (or date), or a span back from now: `90s`, `15m`, `2h`, `7d`. */
export function parseWhen(flag: string, v: string, now = Date.now()): number {
  const rel = /^(\d{1,9})([smhd])$/.exec(v);
  if (rel) return now - Number(rel[1]) * UNITS[rel[2] as string]!;
  const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw usageError(`${flag} must be a time such as 2026-12-01T08:00Z or 2026-12-01, or a span back from now such as 2h or 7d; not "${v.slice(0, 40)}".`);
  return t;
}

const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

function queryOf(ctx: CommandContext): { query: SearchQuery; limit: number; receipts: boolean; sync: boolean } {
  const f = parseFlags(ctx.argv, ['--receipts', '--no-sync'], ['--text', '--tool', '--outcome', '--channel', '--trust', '--since', '--until', '--limit'], 1);
  const text = f.values.get('--text') ?? f.positional[0];
  if (f.values.has('--text') && f.positional.length) throw usageError('Give the text once: as the argument or with --text, not both.');
  const outcomes = list(f.values.get('--outcome'));
  for (const o of outcomes ?? []) {
    if (!(OUTCOMES as readonly string[]).includes(o)) throw usageError(`--outcome must be ok, failed or blocked (or several, comma-separated), not "${o.slice(0, 20)}".`);
  }
  const limit = wholeNumber(f, '--limit') ?? 50;
  if (limit < 1 || limit > 100_000) throw usageError('--limit must be from 1 to 100000.');
  const query: SearchQuery = {};
  if (text !== undefined && text !== '') query.text = text;
  const tools = list(f.values.get('--tool'));
  if (tools) query.tools = tools;
  if (outcomes) query.outcomes = outcomes as SearchQuery['outcomes'] & string[];
  const channels = list(f.values.get('--channel'));
  if (channels) query.channels = channels;
  const trust = list(f.values.get('--trust'));
  if (trust) query.trust = trust;
  const since = f.values.get('--since');
  const until = f.values.get('--until');
  if (since !== undefined) query.since = parseWhen('--since', since);
  if (until !== undefined) query.until = parseWhen('--until', until);
  if (query.since !== undefined && query.until !== undefined && query.since > query.until) throw usageError('--since is after --until: nothing can match.', 'Swap them.');
  return { query, limit, receipts: f.bools.has('--receipts'), sync: !f.bools.has('--no-sync') };
}

const mb = (n: number) => `${(n / 1e6).toFixed(n < 10e6 ? 1 : 0)} MB`;
const seqRange = (i: MirrorInfo) => (i.startSeq === null ? 'no records' : `seq ${i.startSeq}-${i.endSeq}`);

export async function search(ctx: CommandContext): Promise<number> {
  const { query, limit, receipts, sync } = queryOf(ctx);
  const stream = receipts ? 'receipts' : 'activity';
  const profile = await resolveProfile(ctx.globals);
  const { mirrorCapBytes } = await import('../core/config/profile.js');
  const capBytes = mirrorCapBytes(profile);
  const json = ctx.globals.json;
  const print = (seq: number | null, line: Buffer, value: Record<string, unknown>) => {
    if (json) ctx.out.commandOut(Buffer.concat([line, Buffer.from('\n')]), 'out', true);
    else ctx.out.commandOut(Buffer.from(`${humanRecord({ seq: seq ?? Number(value.seq), stream, value })}\n`));
  };
  if (capBytes === 0) {
    const droplet = await ctx.droplet();
    const { searchDroplet } = await import('../core/audit/droplet-search.js');
    ctx.out.warn('The local mirror is off (--mirror-cap-mb 0): reading every retained log from the droplet, which is slower than searching the mirror.');
    const r = await searchDroplet(droplet, query, { stream, limit, stateDir: ctx.globals.stateDir, signal: ctx.signal });
    for (const h of r.hits) print(h.seq, h.line, h.value);
    ctx.out.warn(`${r.hits.length} match${r.hits.length === 1 ? '' : 'es'} (newest first) in ${r.records} records read from the droplet.`);
    return 0;
  }
  // The mirror is found by the droplet's identity. Without a sync and with a pinned host key that is known without
  // connecting: the trail stays searchable when the droplet is gone.
  const pinned = sync ? null : pinnedIdentity(profile);
  const identity = pinned ?? (await ctx.droplet()).identity;
  if (sync) {
    const { syncMirror } = await import('../core/audit/mirror-sync.js');
    const s = await syncMirror(await ctx.droplet(), ctx.globals.stateDir, { capBytes, receipts, signal: ctx.signal });
    ctx.out.warn(
      `Mirror synced: ${s.records} new record${s.records === 1 ? '' : 's'} (${mb(s.bytes)}).${s.alerts + s.gaps ? ` ${s.alerts} alert(s) and ${s.gaps} gap(s) on the way: run \`stratam audit verify\`.` : ''}`,
    );
  }
  const { searchMirror } = await import('../core/audit/mirror-search.js');
  let shown = 0;
  let last: SearchHit | null = null;
  const found = await searchMirror(ctx.globals.stateDir, identity, query, {
    stream,
    limit,
    signal: AbortSignal.any([ctx.signal, ctx.out.stdoutClosed]),
    onHit: (h) => {
      shown++;
      last = h;
      print(h.seq, h.line, h.value);
    },
  });
  if (!found) {
    ctx.out.warn(`The mirror of ${stream === 'activity' ? 'activity.jsonl' : 'operator_actions.jsonl'} is empty: nothing to search yet.`);
    return 0;
  }
  const { info, page } = found;
  const dropped = info.dropped.files ? ` The cap (${mb(info.capBytes)}) dropped the oldest ${info.dropped.files} file(s), through seq ${info.dropped.throughSeq ?? '?'}.` : '';
  const older = page.next && last ? ` Older matches: add --until ${String((last as SearchHit).value.ts ?? '')}.` : '';
  ctx.out.warn(`${shown} match${shown === 1 ? '' : 'es'} (newest first) in the mirror (${seqRange(info)}, ${mb(page.scannedBytes)} read).${older}${dropped}`);
  return 0;
}
