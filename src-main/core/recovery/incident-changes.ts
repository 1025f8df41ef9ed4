/**
 * The incident's changes: the `self_modify_code` records of the audit log
 * (activity.jsonl and its rotations) stamped before the cascade's first
 * restart, the last MAX_CHANGES of them, oldest first, each with whether its
 * snapshot folder is still there.
 *
 * Read from the end, newest file first, under one byte budget: the records
 * wanted are the newest ones, and the whole log may be gigabytes. Every file
 * is opened before any is read, so a rotation meanwhile cannot make one
 * file's lines be read twice under two names without it showing: a record is
 * kept once per seq. Only lines that mention the tool are parsed, with the
 * feed's own line checks (line-scan.ts: UTF-8, JSON object, integer seq).
 */
import type { Droplet, RegularFile } from '../droplet/droplet.js';
import { auditFilesOldestFirst, controlPlane } from '../droplet/control-plane.js';
import { StratamError, describeError } from '../errors.js';
import { KIND_RECORD, scanLines, seqInHead } from '../audit/line-scan.js';
import { MAX_LINE } from '../audit/line-reader.js';
import { linesFromEnd, type ByteBudget } from './lines-from-end.js';
import { readSnapshotMeta, snapshotPath } from './snapshot-tree.js';
import type { IncidentChange } from './recovery-types.js';

export const MAX_CHANGES = 20;
/** What one incident reads of the audit log at most. */
export const AUDIT_BUDGET = 64 * 1024 * 1024;
const TOOL = 'self_modify_code';

const str = (v: unknown) => (typeof v === 'string' ? v : null);

export async function gatherChanges(droplet: Droplet, beforeMs: number, opts: { signal?: AbortSignal; warnings: string[] }): Promise<IncidentChange[]> {
  const { warnings } = opts;
  const paths = auditFilesOldestFirst(controlPlane(droplet.paths, droplet.home)).reverse();
  const files: RegularFile[] = [];
  const found = new Map<number, IncidentChange>();
  const budget: ByteBudget = { left: AUDIT_BUDGET, exhausted: false };
  let malformed = 0;
  let overlong = 0;
  let overlongSeq: number | undefined;
  try {
    for (const path of paths) {
      try {
        const f = await droplet.openRegular(path, 'read');
        if (f) files.push(f);
      } catch (err) {
        // A link or device in a log's place is never read through (contract v2); the incident goes on without that file.
        if (!(err instanceof StratamError && err.detail?.notRegular === true)) throw err;
        warnings.push(`${path} is not a regular file, so it was not searched for self_modify_code records.`);
      }
    }
    outer: for (const file of files) {
      for await (const line of linesFromEnd(file, { budget, maxLine: MAX_LINE })) {
        if (line.overlong) {
          const head = (await file.read(line.offset, 4096)).toString('utf8');
          if (head.includes(TOOL)) {
            overlong++;
            overlongSeq ??= seqInHead(head);
          }
          continue;
        }
        if (!line.bytes.includes(TOOL)) continue;
        const scan = scanLines(line.bytes, 0, line.bytes.length, { maxLine: MAX_LINE, keepValues: true, commands: false });
        const v = scan.count === 1 && scan.kinds[0] === KIND_RECORD ? scan.values?.[0] : undefined;
        if (!v) {
          malformed++;
          continue;
        }
        if (v.tool !== TOOL) continue;
        const at = Date.parse(str(v.ts) ?? '');
        if (!(at < beforeMs)) continue;
        const seq = v.seq as number;
        if (!found.has(seq)) found.set(seq, changeOf(v, seq));
        if (found.size >= MAX_CHANGES) break outer;
        opts.signal?.throwIfAborted();
      }
    }
  } finally {
    await Promise.all(files.map((f) => f.close().catch((err: unknown) => warnings.push(`Closing ${f.path} failed: ${describeError(err)}`))));
  }
  if (budget.exhausted && found.size < MAX_CHANGES) warnings.push(`Only the last ${AUDIT_BUDGET >> 20} MiB of the audit log were searched for self_modify_code records.`);
  if (overlong) {
    const from = overlongSeq === undefined || Number.isNaN(overlongSeq) ? '' : ` (the newest is seq ${overlongSeq}; see \`stratam audit tail --from-seq ${overlongSeq}\`)`;
    warnings.push(`${overlong} record(s) longer than ${MAX_LINE >> 20} MiB mention ${TOOL} and were not read${from}.`);
  }
  if (malformed) warnings.push(`${malformed} audit line(s) mentioning ${TOOL} are not valid records and were skipped.`);
  const changes = [...found.values()].sort((a, b) => a.seq - b.seq);
  for (const c of changes) {
    c.snapshotFound = c.snapshot !== null && (await snapshotIsFolder(droplet, c.snapshot));
    if (c.snapshotFound) await fillFromMeta(droplet, c, warnings);
  }
  return changes;
}

function changeOf(v: Record<string, unknown>, seq: number): IncidentChange {
  const args = (v.args && typeof v.args === 'object' && !Array.isArray(v.args) ? v.args : {}) as Record<string, unknown>;
  const files = Array.isArray(args.files) ? args.files.filter((f): f is string => typeof f === 'string').slice(0, 200) : [];
  return {
    seq,
    ts: str(v.ts) ?? '',
    turn: str(v.turn),
    ok: v.ok === true && (v.blocked === null || v.blocked === undefined),
    snapshot: str(args.snapshot),
    snapshotFound: false,
    label: str(args.label),
    reason: str(args.reason),
    files,
    reply: null,
    replyNote: null,
  };
}

/** Fields the record left out, from the snapshot's own snapshot.json (the agent writes both). */
async function fillFromMeta(droplet: Droplet, c: IncidentChange, warnings: string[]): Promise<void> {
  if (c.label !== null && c.reason !== null && c.files.length > 0 && c.turn !== null) return;
  let meta;
  try {
    meta = await readSnapshotMeta(droplet, c.snapshot!);
  } catch (err) {
    warnings.push(`snapshot.json of ${c.snapshot} could not be read (${describeError(err)}).`);
    return;
  }
  if (!meta) return;
  c.label ??= meta.label;
  c.reason ??= meta.reason;
  c.turn ??= meta.turn;
  if (c.files.length === 0) c.files = meta.files;
}

/** The named snapshot is a real folder (lstat: a link there is not a snapshot); a name that is not a snapshot name is not one. */
async function snapshotIsFolder(droplet: Droplet, name: string): Promise<boolean> {
  let path: string;
  try {
    path = snapshotPath(droplet, name);
  } catch (err) {
    if (err instanceof StratamError && err.kind === 'usage') return false; // the agent wrote something that is not a snapshot name
    throw err;
  }
  return (await droplet.lstat(path))?.type === 'dir';
}
