/**
 * Self-modify snapshots (contract: `<jarvisRoot>/.jarvis_self_history/
 * <YYYYMMDDTHHMMSSZ>-<label>/`, last 50 kept). Sizes come from one `du` call
 * (one round trip over SSH); where `du` fails they are summed by walking.
 *
 * The folder is part of the control plane (recovery): it must be a real
 * folder, and a link (or anything else) in its place is refused (exit 3),
 * never listed through. Entries are described, not followed (readdir gives
 * each entry's own type), so a link among them is reported in `links` and
 * never counted, sized or walked into; `du` does not follow links either.
 */
import { describeType } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { refusedError } from '../errors.js';
import { reportError } from '../log/logger.js';

export const SNAPSHOT_KEEP = 50;
/** `<YYYYMMDDTHHMMSSZ>-<label>` (contract); the label is one path segment. */
export const SNAPSHOT_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-([^/\0]+)$/;

export interface Snapshot {
  name: string;
  label: string;
  time: string;
  size: number;
}

export interface SnapshotListing {
  dir: string;
  snapshots: Snapshot[];
  /** Entries that do not follow the naming rule (listed, not counted). */
  ignored: string[];
  /** Entries that are symbolic links (never followed; also in `ignored`): the agent does not make these. */
  links: string[];
  warning: string | null;
}

export const snapshotsDir = (droplet: Droplet) => `${droplet.paths.jarvisRoot.replace(/\/+$/, '')}/.jarvis_self_history`;

export async function listSnapshots(droplet: Droplet): Promise<SnapshotListing> {
  const dir = snapshotsDir(droplet);
  const st = await droplet.lstat(dir);
  if (!st) return { dir, snapshots: [], ignored: [], links: [], warning: null };
  if (st.type !== 'dir') {
    throw refusedError(
      `${dir} is ${describeType(st.type)}, not a folder; the snapshot folder is never listed or read through anything else.`,
      `Inspect it on the droplet (ls -ld ${dir}); if it was not you, treat it as tampering (the agent's recovery snapshots are not where the link points). Put the real folder back, then retry.`,
      { path: dir, type: st.type, notRegular: true },
    );
  }
  const entries = await droplet.readdir(dir);
  const ignored: string[] = [];
  const links: string[] = [];
  const found: Array<Omit<Snapshot, 'size'>> = [];
  for (const e of entries) {
    if (e.stat.type === 'symlink') links.push(e.name);
    const m = SNAPSHOT_NAME.exec(e.name);
    const time = m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : '';
    if (!m || !e.stat.isDirectory || Number.isNaN(Date.parse(time))) ignored.push(e.name);
    else found.push({ name: e.name, label: m[7]!, time });
  }
  found.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  const sizes = await sizesOf(
    droplet,
    found.map((s) => `${dir}/${s.name}`),
  );
  const snapshots = found.map((s, i) => ({ ...s, size: sizes[i] ?? 0 }));
  const warnings = [
    snapshots.length > SNAPSHOT_KEEP ? `${snapshots.length} snapshots: more than the ${SNAPSHOT_KEEP} the agent should keep; its pruning may not be running.` : null,
    links.length
      ? `${links.length} entr${links.length === 1 ? 'y is a symbolic link' : 'ies are symbolic links'} (${links.sort().slice(0, 5).join(', ')}${links.length > 5 ? ', ...' : ''}): not snapshots, never followed; the agent does not make links here, so treat them as tampering.`
      : null,
  ].filter((w): w is string => w !== null);
  return { dir, snapshots, ignored: ignored.sort(), links, warning: warnings.length ? warnings.join(' ') : null };
}

async function sizesOf(droplet: Droplet, paths: string[]): Promise<number[]> {
  if (paths.length === 0) return [];
  // Sizes are a nicety: without them the list still shows, and why is in the log.
  const r = await droplet.exec(['du', '-s', '-b', '--', ...paths]).catch((err: unknown) => (reportError('snapshots', err, 'measuring snapshot sizes with du'), null));
  if (r && r.code === 0) {
    const byPath = new Map<string, number>();
    for (const line of r.stdout.toString('utf8').split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) byPath.set(line.slice(tab + 1), Number(line.slice(0, tab)));
    }
    if (paths.every((p) => byPath.has(p))) return paths.map((p) => byPath.get(p)!);
  }
  return Promise.all(paths.map((p) => walkSize(droplet, p)));
}

async function walkSize(droplet: Droplet, path: string): Promise<number> {
  let total = 0;
  for (const e of await droplet.readdir(path)) {
    // readdir describes entries without following them: a link is counted as itself, never walked into.
    if (e.stat.type === 'dir') total += await walkSize(droplet, `${path}/${e.name}`);
    else total += e.stat.size;
  }
  return total;
}
