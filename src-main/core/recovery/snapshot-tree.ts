/**
 * Reading a self-modify snapshot and a code tree (contract v2): the snapshot
 * folder `<jarvisRoot>/.jarvis_self_history/<name>/` with `tree/` and
 * `snapshot.json`, and agentCodeDir. Shared by the diff, the incident and the
 * rollback.
 *
 * The agent writes these folders, so they are described, never followed: the
 * walk uses readdir's own entry types (SFTP and the local droplet both
 * describe a link as a link), a link is reported as a `symlink` entry and
 * never walked into, and a snapshot folder or `tree/` that is itself a link
 * is refused. Following one would let the agent point a rollback (or a diff
 * the operator trusts) at any folder on the droplet.
 */
import { SNAPSHOT_NAME, snapshotsDir } from '../data/snapshots.js';
import { describeType } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { refusedError, usageError } from '../errors.js';
import type { SnapshotMeta, TreeEntry } from './recovery-types.js';

/** A code tree this large is not a code tree; the walk stops rather than list the droplet's disk. */
export const MAX_TREE_ENTRIES = 50_000;
const MAX_META_BYTES = 64 * 1024;

/** The snapshot's folder, after checking `name` is one snapshot name (no path, no `..`). */
export function snapshotPath(droplet: Droplet, name: string): string {
  if (!SNAPSHOT_NAME.test(name) || name.includes('/') || name.length > 255) {
    throw usageError(`"${name.slice(0, 80)}" is not a snapshot name (YYYYMMDDTHHMMSSZ-label).`, 'Run `stratam snapshots` to list them.');
  }
  return `${snapshotsDir(droplet)}/${name}`;
}

/**
 * The snapshot's folder and its `tree/`, both checked to be real folders
 * (exit 3 otherwise; exit 2 when there is no such snapshot).
 */
export async function requireSnapshot(droplet: Droplet, name: string): Promise<{ dir: string; tree: string }> {
  const dir = snapshotPath(droplet, name);
  // The history folder itself first: a link there would aim every snapshot path at a folder of the agent's choosing.
  const history = snapshotsDir(droplet);
  const hst = await droplet.lstat(history);
  if (hst && hst.type !== 'dir') {
    throw refusedError(
      `${history} is ${describeType(hst.type)}, not the snapshot folder; no snapshot is read through it, so nothing changed.`,
      `Inspect it on the droplet (ls -ld ${history}); the agent does not make links there, so treat it as tampering. Put the real folder back, then retry.`,
      { path: history, type: hst.type, notRegular: true },
    );
  }
  const st = await droplet.lstat(dir);
  if (!st) throw usageError(`There is no snapshot ${name} in ${snapshotsDir(droplet)}.`, 'Run `stratam snapshots` to list them.');
  if (st.type !== 'dir') {
    throw refusedError(
      `${dir} is ${describeType(st.type)}, not a snapshot folder; a snapshot is never read through anything else, so nothing changed.`,
      `Inspect it on the droplet (ls -ld ${dir}); the agent does not make links there, so treat it as tampering.`,
      { path: dir, type: st.type, notRegular: true },
    );
  }
  const tree = `${dir}/tree`;
  const tst = await droplet.lstat(tree);
  if (!tst || tst.type !== 'dir') {
    throw refusedError(
      tst ? `${tree} is ${describeType(tst.type)}, not the snapshot's code folder, so nothing changed.` : `The snapshot ${name} has no tree/ folder (the code it should hold), so nothing changed.`,
      'Pick another snapshot (`stratam snapshots`); this one cannot be restored.',
      { path: tree, ...(tst ? { type: tst.type } : { missing: true }) },
    );
  }
  return { dir, tree };
}

/** snapshot.json, or null when it is absent or does not parse (the tree alone is still a snapshot). */
export async function readSnapshotMeta(droplet: Droplet, name: string): Promise<SnapshotMeta | null> {
  const path = `${snapshotPath(droplet, name)}/snapshot.json`;
  const file = await droplet.openRegular(path, 'read').catch((err: unknown) => {
    // A link or device in its place: no metadata, and never read through.
    if ((err as { detail?: { notRegular?: boolean } }).detail?.notRegular) return null;
    throw err;
  });
  if (!file) return null;
  let text: string;
  try {
    text = (await file.read(0, Math.min(file.stat.size, MAX_META_BYTES))).toString('utf8');
  } finally {
    await file.close();
  }
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return null; // not JSON: the caller shows the snapshot without its metadata
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) return null;
  const o = j as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    created: str(o.created),
    label: str(o.label),
    turn: str(o.turn),
    seq: typeof o.seq === 'number' && Number.isSafeInteger(o.seq) ? o.seq : null,
    reason: str(o.reason),
    files: Array.isArray(o.files) ? o.files.filter((f): f is string => typeof f === 'string').slice(0, 1000) : [],
  };
}

/**
 * Every entry under `root`, sorted by path, described and never followed.
 * Throws (exit 1) past MAX_TREE_ENTRIES.
 */
export async function walkTree(droplet: Droplet, root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await droplet.readdir(dir);
    for (const e of entries) {
      if (e.name === '.' || e.name === '..') continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      const type = e.stat.type === 'file' || e.stat.type === 'dir' || e.stat.type === 'symlink' ? e.stat.type : 'other';
      out.push({ path, type, mode: e.stat.mode & 0o7777, size: type === 'file' ? e.stat.size : 0 });
      if (out.length > MAX_TREE_ENTRIES)
        throw refusedError(`${root} holds more than ${MAX_TREE_ENTRIES} entries; that is not the agent's code, so it is not walked.`, 'Check the agent code folder setting (--agent-code-dir).');
      if (type === 'dir') await walk(`${dir}/${e.name}`, path);
    }
  };
  await walk(root, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
