/**
 * The app side of tree-ops-script.ts: run one op on the droplet and read its
 * one JSON line. Paths go to the droplet as anchors `[base, rel]`: `base` is
 * a folder the operator configured (followed as configured), `rel` is walked
 * below it one folder at a time without following a link (see the script).
 */
import type { Droplet } from '../droplet/droplet.js';
import { dirnameOf, basenameOf } from '../droplet/paths.js';
import { refusedError, StratamError } from '../errors.js';
import { TREE_OPS_PY } from './tree-ops-script.js';

export type Anchor = [base: string, rel: string];

/** Hidden names the rollback makes, so a later rollback knows its own leftovers. */
export const PARTIAL_PREFIX = '.stratam-partial-';
export const stagingPrefix = (codeDir: string) => `.${basenameOf(codeDir)}.stratam-rollback-`;

const trim = (p: string) => p.replace(/\/+$/, '') || '/';

/**
 * Anchor a droplet path: below jarvisRoot it is walked from jarvisRoot (the
 * agent can write everything under it, and nothing above); elsewhere (an
 * agentCodeDir configured outside jarvisRoot) from its own parent.
 */
export function anchorOf(droplet: Droplet, path: string): Anchor {
  const root = trim(droplet.paths.jarvisRoot);
  const p = trim(path);
  if (p.startsWith(`${root}/`)) return [root, p.slice(root.length + 1)];
  return [dirnameOf(p), basenameOf(p)];
}

/** The folder that holds `path`, anchored the same way. */
export function parentAnchor(droplet: Droplet, path: string): Anchor {
  const [base, rel] = anchorOf(droplet, path);
  const i = rel.lastIndexOf('/');
  return i < 0 ? [base, ''] : [base, rel.slice(0, i)];
}

export interface StageOut {
  staging: string;
  ino: number;
  hash: string;
  entries: number;
  removed: string[];
}
export interface SnapshotOut {
  name: string;
  files: string[];
  skipped: string[];
  entries: number;
  hash: string;
  removed: string[];
  existed: boolean;
}
export interface SwapOut {
  method: 'exchange' | 'rename';
  hash: string;
}

const PY_MISSING = "python3 is not on the droplet (or not on the SSH user's PATH); the rollback needs it to put the code in place atomically, so nothing changed.";
const PY_FIX = 'Install it on the droplet (e.g. `apt-get install -y python3`), then run the rollback again.';

/** Run one op; exit 3 from the script is a refusal (exit 3 here), anything else a failure (exit 1). */
export async function treeOp<T>(droplet: Droplet, op: string, args: Record<string, unknown>, what: string): Promise<T> {
  let r;
  try {
    r = await droplet.exec(['python3', '-c', TREE_OPS_PY, op, JSON.stringify(args)]);
  } catch (err) {
    // The local droplet spawns python3 directly: a missing one is ENOENT, not exit 127.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw refusedError(PY_MISSING, PY_FIX, { python3: false });
    throw err;
  }
  if (r.code === 127) throw refusedError(PY_MISSING, PY_FIX, { python3: false });
  const line = r.stdout.toString('utf8').trim().split('\n').pop() ?? '';
  let j: Record<string, unknown> | null = null;
  try {
    j = JSON.parse(line) as Record<string, unknown>;
  } catch {
    j = null; // no answer line: the failure below names the exit status and stderr instead
  }
  if (r.code === 0 && j && typeof j.error !== 'string') return j as T;
  const why = j && typeof j.error === 'string' ? j.error : `exit ${r.code ?? r.signal ?? '?'}: ${r.stderr.toString('utf8').trim().slice(-300) || 'no output'}`;
  if (r.code === 3 && j?.refused === true) {
    throw refusedError(`${what}: ${why}.`, 'Inspect that path on the droplet; the agent does not make links or swap folders there, so treat it as tampering. Then run the rollback again.', { op });
  }
  throw new StratamError('failed', `${what}: ${why}.`, {
    hint: 'Check the droplet (disk space, permissions of the agent folders), then run the rollback again: it cleans up what this one left.',
    detail: { op },
  });
}
