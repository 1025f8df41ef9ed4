/**
 * See the change (issue 14): what a self-modification changed. A snapshot's
 * `tree/` is the code before that change; it is compared with the next newer
 * snapshot's tree (the code just after the change) or, when there is none,
 * with agentCodeDir as it is now; `against` picks another snapshot or
 * `current` explicitly.
 *
 * Both trees are described by walkTree and never followed: a link (or a FIFO,
 * a device) is listed as change `type` and never read, and a file is opened
 * with openRegular, so one swapped for a link after the walk is refused, not
 * read through. Contents are compared on the desktop (file-patch.ts), and
 * everything is bounded: files over FILE_MAX_BYTES are compared byte for
 * byte but not diffed, at most MAX_FILES changes are listed, the patches
 * together hold at most PATCH_BUDGET_BYTES, and at most READ_CONCURRENCY
 * files are read at a time.
 */
import { SNAPSHOT_NAME, snapshotsDir } from '../data/snapshots.js';
import { describeType } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { refusedError, StratamError } from '../errors.js';
import type { FileChange, FileDiff, SnapshotDiff, TreeEntry } from './recovery-types.js';
import { makePatch, PATCH_MAX_BYTES, textOf } from './file-patch.js';
import { readBounded, sameBytes } from './tree-file.js';
import { requireSnapshot, walkTree } from './snapshot-tree.js';

/** Files larger than this on either side are compared byte for byte, not diffed (change `too-large`). */
export const FILE_MAX_BYTES = 1024 * 1024;
export const MAX_FILES = 500;
/** All patches of one diff together; past it a patch is left out (null, patchTruncated). */
export const PATCH_BUDGET_BYTES = 32 * PATCH_MAX_BYTES;
export const READ_CONCURRENCY = 8;

/** The diff, and for each listed path a few words on what it is when the patch alone does not say (binary, a link, too large). */
export interface SnapshotDiffDetail {
  diff: SnapshotDiff;
  notes: Map<string, string>;
}

/** The diff of snapshot `name` against another snapshot, `current`, or by default the next newer snapshot (else current). */
export async function diffSnapshot(droplet: Droplet, name: string, against?: string): Promise<SnapshotDiff> {
  return (await diffSnapshotDetail(droplet, name, against)).diff;
}

export async function diffSnapshotDetail(droplet: Droplet, name: string, against?: string): Promise<SnapshotDiffDetail> {
  await requireHistoryFolder(droplet);
  const from = await requireSnapshot(droplet, name);
  const to = await resolveTo(droplet, name, against);
  const [before, after] = await Promise.all([walkTree(droplet, from.tree), walkTree(droplet, to.root)]);
  const { files, unchanged, omitted, notes } = await compareTrees(droplet, from.tree, before, to.root, after);
  return { diff: { from: { kind: 'snapshot', name }, to: to.side, files, unchanged, omitted }, notes };
}

/** The snapshot folder itself must be a folder: requireSnapshot checks the snapshot, and a linked parent would lead it elsewhere. */
async function requireHistoryFolder(droplet: Droplet): Promise<void> {
  const dir = snapshotsDir(droplet);
  const st = await droplet.lstat(dir);
  if (st && st.type !== 'dir') {
    throw refusedError(
      `${dir} is ${describeType(st.type)}, not a folder; snapshots are never read through anything else, so nothing was compared.`,
      `Inspect it on the droplet (ls -ld ${dir}); the agent does not make links there, so treat it as tampering.`,
      { path: dir, type: st.type, notRegular: true },
    );
  }
}

type Side = { side: SnapshotDiff['to']; root: string };

async function resolveTo(droplet: Droplet, name: string, against: string | undefined): Promise<Side> {
  if (against === 'current') return current(droplet);
  if (against !== undefined) return { side: { kind: 'snapshot', name: against }, root: (await requireSnapshot(droplet, against)).tree };
  // Names start with a fixed-width UTC time, so name order is time order.
  const names = (await droplet.readdir(snapshotsDir(droplet)))
    .filter((e) => e.stat.type === 'dir' && SNAPSHOT_NAME.test(e.name))
    .map((e) => e.name)
    .sort();
  const next = names.find((n) => n > name);
  if (next === undefined) return current(droplet);
  try {
    return { side: { kind: 'snapshot', name: next }, root: (await requireSnapshot(droplet, next)).tree };
  } catch (err) {
    if (!(err instanceof StratamError)) throw err;
    throw new StratamError(err.kind, `The next newer snapshot, ${next} (the code just after this change), cannot be read: ${err.message}`, {
      hint: `Compare with the code as it is now (--against current) or with another snapshot (--against <name>).`,
      ...(err.detail ? { detail: err.detail } : {}),
      cause: err,
    });
  }
}

/** agentCodeDir as it is now: a real folder, never read through a link. */
async function current(droplet: Droplet): Promise<Side> {
  const path = droplet.paths.agentCodeDir;
  const st = await droplet.lstat(path);
  if (!st || st.type !== 'dir') {
    throw refusedError(
      st
        ? `The agent code folder ${path} is ${describeType(st.type)}, not a folder; it is never read through anything else, so nothing was compared.`
        : `The agent code folder ${path} does not exist, so there is nothing to compare with.`,
      st?.type === 'symlink'
        ? `Inspect it on the droplet (ls -ld ${path}); set --agent-code-dir to the real folder, or treat the link as tampering. Or compare with a snapshot: --against <name>.`
        : 'Check the agent code folder setting (--agent-code-dir), or compare with a snapshot: --against <name>.',
      { path, ...(st ? { type: st.type, notRegular: true } : { missing: true }) },
    );
  }
  return { side: { kind: 'current', path }, root: path };
}

/** What one path came to: listed (with a note), an unchanged file, or nothing to say (an unchanged folder, a folder implied by its files). */
type Outcome = { diff: FileDiff; note: string | null } | 'unchanged' | 'skip';

async function compareTrees(droplet: Droplet, rootA: string, a: TreeEntry[], rootB: string, b: TreeEntry[]) {
  const byA = new Map(a.map((e) => [e.path, e]));
  const byB = new Map(b.map((e) => [e.path, e]));
  const parents = (entries: TreeEntry[]) => new Set(entries.map((e) => e.path.slice(0, Math.max(0, e.path.lastIndexOf('/')))));
  const [parentsA, parentsB] = [parents(a), parents(b)];
  const paths = [...new Set([...byA.keys(), ...byB.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const ctx: CompareContext = { droplet, rootA, rootB, parentsA, parentsB, listed: 0 };
  const outcomes: Outcome[] = [];
  // In batches, so the count of changes before each batch is exact: files past the listing bound are still compared (to count them) but not diffed.
  for (let i = 0; i < paths.length; i += READ_CONCURRENCY) {
    const batch = await Promise.all(paths.slice(i, i + READ_CONCURRENCY).map((p) => comparePath(ctx, p, byA.get(p), byB.get(p))));
    for (const o of batch) if (typeof o === 'object') ctx.listed++;
    outcomes.push(...batch);
  }
  const files: FileDiff[] = [];
  const notes = new Map<string, string>();
  let unchanged = 0;
  let omitted = 0;
  let budget = PATCH_BUDGET_BYTES;
  for (const o of outcomes) {
    if (o === 'unchanged') unchanged++;
    if (typeof o !== 'object') continue;
    if (files.length >= MAX_FILES) {
      omitted++;
      continue;
    }
    const d = o.diff;
    if (d.patch !== null) {
      if (d.patch.length > budget) {
        d.patch = null;
        d.patchTruncated = true;
        o.note = 'patch left out: the output bound was reached';
      } else budget -= d.patch.length;
    }
    files.push(d);
    if (o.note) notes.set(d.path, o.note);
  }
  return { files, unchanged, omitted, notes };
}

interface CompareContext {
  droplet: Droplet;
  rootA: string;
  rootB: string;
  /** Folders with something inside, per side: an added or removed folder is listed only when empty (its files say the rest). */
  parentsA: Set<string>;
  parentsB: Set<string>;
  /** Changes found before the current batch. */
  listed: number;
}

const plain = (e: TreeEntry | undefined) => !e || e.type === 'file' || e.type === 'dir';
const kind = (e: TreeEntry | undefined) => (!e ? 'absent' : e.type === 'symlink' ? 'link' : e.type === 'dir' ? 'folder' : e.type === 'file' ? 'file' : 'special file');

function listed(path: string, change: FileChange, a: TreeEntry | undefined, b: TreeEntry | undefined, note: string | null, patch: { patch: string; truncated: boolean } | null = null): Outcome {
  const size = (e: TreeEntry | undefined) => (e?.type === 'file' ? e.size : null);
  return {
    diff: { path, change, modeBefore: a?.mode ?? null, modeAfter: b?.mode ?? null, sizeBefore: size(a), sizeAfter: size(b), patch: patch?.patch ?? null, patchTruncated: patch?.truncated ?? false },
    note,
  };
}

async function comparePath(ctx: CompareContext, path: string, a: TreeEntry | undefined, b: TreeEntry | undefined): Promise<Outcome> {
  // A link or special file on either side is named and never read or followed.
  if (!plain(a) || !plain(b)) return listed(path, 'type', a, b, `${kind(a)} -> ${kind(b)}; never followed or read`);
  if (a && b && a.type !== b.type) return listed(path, 'type', a, b, `${kind(a)} -> ${kind(b)}`);
  if (a?.type === 'dir' || b?.type === 'dir') {
    if (a && b) return a.mode !== b.mode ? listed(path, 'mode', a, b, 'folder') : 'skip';
    if (a) return ctx.parentsA.has(path) ? 'skip' : listed(path, 'removed', a, b, 'empty folder');
    return ctx.parentsB.has(path) ? 'skip' : listed(path, 'added', a, b, 'empty folder');
  }
  const wantPatch = ctx.listed < MAX_FILES;
  const pathA = `${ctx.rootA}/${path}`;
  const pathB = `${ctx.rootB}/${path}`;
  if (!a || !b) {
    const e = (a ?? b) as TreeEntry;
    const change = a ? 'removed' : 'added';
    if (!wantPatch) return listed(path, change, a, b, null);
    const r = await readBounded(ctx.droplet, a ? pathA : pathB, FILE_MAX_BYTES);
    if (r.kind === 'not-regular') return listed(path, 'type', a, b, 'was a file when listed, is not a regular file now; never followed or read');
    if (r.kind === 'large') return listed(path, change, a, b, `over ${FILE_MAX_BYTES / 1024 / 1024} MiB: not shown`);
    const text = textOf(r.bytes);
    if (text === null) return listed(path, change, a, b, 'binary');
    return listed(path, change, a, b, null, makePatch(e.path, a ? text : null, a ? null : text));
  }
  const modeChange = a.mode !== b.mode;
  const large = `over ${FILE_MAX_BYTES / 1024 / 1024} MiB: compared by bytes, not diffed`;
  if (a.size > FILE_MAX_BYTES || b.size > FILE_MAX_BYTES) {
    if (a.size !== b.size) return listed(path, 'too-large', a, b, large);
    const same = await sameBytes(ctx.droplet, pathA, pathB, a.size);
    if (same === 'not-regular') return listed(path, 'type', a, b, 'was a file when listed, is not a regular file now; never followed or read');
    if (same === 'too-large') return listed(path, 'too-large', a, b, 'same size, too large to compare');
    if (same) return modeChange ? listed(path, 'mode', a, b, null) : 'unchanged';
    return listed(path, 'too-large', a, b, large);
  }
  const [ra, rb] = await Promise.all([readBounded(ctx.droplet, pathA, FILE_MAX_BYTES), readBounded(ctx.droplet, pathB, FILE_MAX_BYTES)]);
  if (ra.kind === 'not-regular' || rb.kind === 'not-regular') return listed(path, 'type', a, b, 'was a file when listed, is not a regular file now; never followed or read');
  if (ra.kind === 'large' || rb.kind === 'large') return listed(path, 'too-large', a, b, `grew past ${FILE_MAX_BYTES / 1024 / 1024} MiB while it was read: not diffed`);
  if (ra.bytes.equals(rb.bytes)) return modeChange ? listed(path, 'mode', a, b, null) : 'unchanged';
  const [ta, tb] = [textOf(ra.bytes), textOf(rb.bytes)];
  if (ta === null || tb === null) return listed(path, 'binary', a, b, null);
  return listed(path, 'modified', a, b, null, wantPatch ? makePatch(path, ta, tb) : null);
}
