/**
 * Everything a rollback checks before it changes anything (refusals are
 * exit 3, a bad or unknown snapshot name exit 2). The agent can write any file
 * under jarvisRoot, so every path the rollback will copy from or replace is
 * looked at without following links: the snapshot folder and everything in
 * it, the snapshots folder, agentCodeDir. These checks are what the person is
 * told about; the droplet-side ops (tree-ops-script.ts) check again as they
 * go, since the agent can change any of it a moment later.
 */
import { requireAgentContainer, type ContainerFacts } from '../docker/agent-status.js';
import { snapshotsDir } from '../data/snapshots.js';
import { describeType } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { dirnameOf } from '../droplet/paths.js';
import { refusedError } from '../errors.js';
import { requireSnapshot, walkTree } from './snapshot-tree.js';
import { parentAnchor, treeOp } from './tree-ops.js';

export interface RollbackPlan {
  snapshot: string;
  /** The snapshot's folder and its tree/. */
  dir: string;
  tree: string;
  entries: number;
  codeDir: string;
  /** agentCodeDir exists (absent: the restored tree is renamed into place). */
  codeExists: boolean;
  container: ContainerFacts;
  python: string;
}

const TAMPER_HINT = 'Inspect it on the droplet; the agent does not make links there, so treat it as tampering. Nothing changed.';

async function checkHistory(droplet: Droplet): Promise<void> {
  const hist = snapshotsDir(droplet);
  const st = await droplet.lstat(hist);
  if (st && st.type !== 'dir') {
    throw refusedError(`${hist} is ${describeType(st.type)}, not the snapshots folder; a rollback never reads or writes through it, so nothing changed.`, TAMPER_HINT, {
      path: hist,
      type: st.type,
      notRegular: true,
    });
  }
}

async function checkSnapshot(droplet: Droplet, name: string): Promise<{ dir: string; tree: string; entries: number }> {
  const { dir, tree } = await requireSnapshot(droplet, name);
  const all = await walkTree(droplet, dir);
  const bad = all.filter((e) => e.type === 'symlink' || e.type === 'other');
  if (bad.length > 0) {
    const list = bad
      .slice(0, 5)
      .map((e) => `${e.path} (${e.type === 'symlink' ? 'a symbolic link' : 'a device, FIFO or socket'})`)
      .join(', ');
    throw refusedError(
      `The snapshot ${name} holds ${bad.length} entr${bad.length === 1 ? 'y' : 'ies'} that ${bad.length === 1 ? 'is' : 'are'} not a file or folder: ${list}${bad.length > 5 ? ', ...' : ''}. A restored tree with a link in it could reach any file on the droplet, so nothing changed.`,
      'Pick another snapshot (`stratam snapshots`); the agent does not put links in its snapshots, so treat this one as tampered with.',
      { snapshot: name, paths: bad.slice(0, 20).map((e) => e.path) },
    );
  }
  return { dir, tree, entries: all.filter((e) => e.path === 'tree' || e.path.startsWith('tree/')).length - 1 };
}

async function checkCodeDir(droplet: Droplet): Promise<boolean> {
  const code = droplet.paths.agentCodeDir;
  const root = droplet.paths.jarvisRoot.replace(/\/+$/, '');
  const hist = snapshotsDir(droplet);
  if (code === root || code === hist || code.startsWith(`${hist}/`) || hist.startsWith(`${code}/`) || code === '/') {
    throw refusedError(
      `The agent code folder ${code} is (or holds, or lies inside) ${code === root ? 'jarvisRoot' : 'the snapshots folder'}; replacing it would replace the snapshots too, so nothing changed.`,
      'Set the agent code folder (--agent-code-dir, or the profile) to the folder the agent runs its code from.',
      { path: code },
    );
  }
  const parent = dirnameOf(code);
  const pst = await droplet.stat(parent);
  if (!pst?.isDirectory) {
    throw refusedError(`There is no folder ${parent} on the droplet to hold the agent code folder ${code}, so nothing changed.`, 'Check the agent code folder setting (--agent-code-dir).', {
      path: parent,
    });
  }
  const st = await droplet.lstat(code);
  if (st && st.type !== 'dir') {
    throw refusedError(
      `The agent code folder ${code} is ${describeType(st.type)}, not a folder; a rollback never copies or replaces through it, so nothing changed.`,
      `Inspect it on the droplet (ls -ld ${code}); the agent does not make links there, so treat it as tampering. Remove it (rm ${code}) and run the rollback again: it then puts a real folder there.`,
      { path: code, type: st.type, notRegular: true },
    );
  }
  return st !== null;
}

/** Check everything, in parallel; the first problem in this fixed order is the one reported. */
export async function preflight(droplet: Droplet, name: string): Promise<RollbackPlan> {
  await checkHistory(droplet);
  const [snap, code, container, probe] = await Promise.allSettled([
    checkSnapshot(droplet, name),
    checkCodeDir(droplet),
    requireAgentContainer(droplet, 'a rollback could not restart the agent on the restored code'),
    treeOp<{ python: string }>(droplet, 'probe', { parent: parentAnchor(droplet, droplet.paths.agentCodeDir) }, 'Checking that the code folder can be swapped atomically'),
  ]);
  for (const r of [snap, code, container, probe]) if (r.status === 'rejected') throw r.reason;
  const ok = <T>(r: PromiseSettledResult<T>) => (r as PromiseFulfilledResult<T>).value;
  return { snapshot: name, ...ok(snap), codeDir: droplet.paths.agentCodeDir, codeExists: ok(code), container: ok(container), python: ok(probe).python };
}
