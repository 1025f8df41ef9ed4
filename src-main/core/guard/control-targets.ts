/**
 * The control plane as the blocklist sees it: the paths of
 * droplet/control-plane.ts (the one list) turned into patterns, plus the
 * folders that hold them. A word the shell would write, move or delete is
 * matched against these with the same pattern matcher as the other rules, so
 * `~`, `$HOME`, the resolved home, globs and relative paths all count.
 *
 * Two reaches: `path` (the word itself is written: a control file, a control
 * folder, or anything inside one) and `tree` (the word and everything under
 * it: a recursive delete, move, chmod or copy, or a link to it, so a folder
 * that holds a control path counts too: `rm -rf ~/.jarvis`, `mv /opt/jarvis x`).
 */
import { type ControlPlane, type ControlRole, controlPlane } from '../droplet/control-plane.js';
import { DEFAULT_PATHS } from '../config/profile.js';
import { DELETE_PROTECTED, ENTRY, couldBeInside, couldEqual, couldEqualUnder, normalizePath, showPattern } from './targets.js';
import { ANY, HOME, hasMarker } from './words.js';

export type Reach = 'path' | 'tree';

export interface ControlTarget {
  id: string;
  role: ControlRole;
  /** Normalised pattern: HOME marker for a `~` path when the home is unknown. */
  path: string;
  kind: 'file' | 'dir';
  what: string;
}

export interface ControlSet {
  /** The SSH user's home, or null (then `~` stays a marker and /root, /home/x are read as it). */
  home: string | null;
  targets: ControlTarget[];
  /** Folders above a control path, each with one target it holds (for the reason). */
  holders: Array<{ path: string; holds: ControlTarget }>;
  containers: string[];
  volumes: string[];
  /** The recursive-delete list, with the literal home added when it is known. */
  deleteProtected: readonly string[];
}

export interface ControlHit {
  target: ControlTarget | null;
  /** `is`: the path itself; `inside`: inside a control folder; `holds`: a folder above one; `keys`: some user's authorized_keys. */
  how: 'is' | 'inside' | 'holds' | 'keys';
  /** The word as a person would read it. */
  shown: string;
}

const KEY_FILES = ['authorized_keys', 'authorized_keys2'];

/** Built sets by the plane's content: callers build a fresh plane object per check (hostExec), so identity would never hit. */
const cache = new Map<string, ControlSet>();
const MAX_CACHED = 16;
let defaults: ControlSet | null = null;

/** The set for a droplet's plane, or the contract defaults (home unknown) when none is given. */
export function controlSet(plane?: ControlPlane | null): ControlSet {
  if (!plane) return (defaults ??= build(controlPlane(DEFAULT_PATHS, null)));
  const key = JSON.stringify([plane.home, plane.containers, plane.volumes, plane.entries.map((e) => [e.id, e.role, e.path, e.kind, e.what])]);
  let s = cache.get(key);
  if (!s) {
    s = build(plane);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, s);
  }
  return s;
}

function build(plane: ControlPlane): ControlSet {
  const home = plane.home === null ? null : normalizePath(plane.home, null);
  const targets: ControlTarget[] = [];
  for (const e of plane.entries) {
    const raw = e.path === '~' || e.path.startsWith('~/') ? HOME + e.path.slice(1) : e.path;
    const path = normalizePath(raw, null);
    // A relative path in the plane would be a misconfiguration; it cannot be matched.
    if (path === null || path === ANY) continue;
    targets.push({ id: e.id, role: e.role, path, kind: e.kind, what: e.what });
  }
  const holders = new Map<string, ControlTarget>();
  for (const t of targets) {
    for (const up of ancestors(t.path)) if (!holders.has(up)) holders.set(up, t);
    // An unknown home is somewhere under / (as /root or /home/<user>).
    if (t.path.startsWith(HOME)) for (const up of ['/', '/home']) if (!holders.has(up)) holders.set(up, t);
  }
  const deleteProtected = home && home !== '/' ? [...DELETE_PROTECTED, home, `${home}/${ENTRY}`, `${home}/.${ENTRY}`] : DELETE_PROTECTED;
  return {
    home: home && home.startsWith('/') && !hasMarker(home) ? home : null,
    targets,
    holders: [...holders].map(([path, holds]) => ({ path, holds })),
    containers: [...plane.containers],
    volumes: [...plane.volumes],
    deleteProtected,
  };
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  let p = path;
  for (;;) {
    const i = p.lastIndexOf('/');
    if (i <= 0) {
      if (p.startsWith('/') && p !== '/') out.push('/');
      return out;
    }
    p = p.slice(0, i);
    out.push(p);
  }
}

/**
 * Does this normalised pattern reach the control plane? A pattern led by an
 * unknown part (a variable, or a relative path in the folder the command
 * started in) counts only when it spells some name after it: `$DIR/.env` and
 * `.env` do, `"$OUT"` and `*` do not (an unknown output file is everyday shell),
 * unless `anyName`: the word holds a variable a loop kept changing, which may
 * have become any path the script spelled.
 */
export function controlHit(set: ControlSet, pattern: string, reach: Reach, anyName = false): ControlHit | null {
  if (pattern.startsWith(ANY) && !anyName && !spellsAName(pattern)) return null;
  const widened = anyName && pattern.startsWith(ANY) && !spellsAName(pattern);
  const shown = widened ? `${showPattern(pattern)} (a variable a loop kept changing)` : showPattern(pattern);
  for (const p of homeVariants(set, pattern)) {
    const hit = matchOne(set, p, reach);
    if (hit) return { ...hit, shown };
  }
  return null;
}

function homeVariants(set: ControlSet, pattern: string): string[] {
  if (set.home !== null) {
    if (!pattern.startsWith(HOME)) return [pattern];
    return [normalizePath(set.home + pattern.slice(1), null) ?? pattern];
  }
  // Home unknown: /root/... and /home/<user>/... may be it.
  if (pattern === '/root' || pattern.startsWith('/root/')) return [pattern, HOME + pattern.slice(5)];
  const m = /^\/home\/[^/]+/.exec(pattern);
  if (m) return [pattern, HOME + pattern.slice(m[0].length)];
  return [pattern];
}

/**
 * Could `p` be `path`? With the home unknown, a pattern led by an unknown part
 * may also spell the end of some home and then the path under it.
 */
function couldBe(set: ControlSet, p: string, path: string): boolean {
  if (couldEqual(p, path)) return true;
  return set.home === null && p.startsWith(ANY) && path.startsWith(HOME) && couldEqualUnder(p.slice(1), path.slice(1));
}

function matchOne(set: ControlSet, p: string, reach: Reach): Omit<ControlHit, 'shown'> | null {
  for (const t of set.targets) {
    if (couldBe(set, p, t.path)) return { target: t, how: 'is' };
    if (t.kind === 'dir' && inside(p, t.path)) return { target: t, how: 'inside' };
  }
  const last = lastComponent(p);
  if (last !== null && KEY_FILES.some((k) => couldEqual(last, k))) return { target: null, how: 'keys' };
  if (reach === 'tree') {
    for (const h of set.holders) if (couldBe(set, p, h.path)) return { target: h.holds, how: 'holds' };
    if (last !== null && couldEqual(last, '.ssh')) return { target: null, how: 'keys' };
  }
  return null;
}

/**
 * Inside `dir`? A pattern led by an unknown part must spell at least the
 * folder's own name: `$X/.jarvis_self_history/a` is inside it, `$X/build`
 * is not (else every `rm -rf "$DIR/out"` would be).
 */
function inside(p: string, dir: string): boolean {
  if (!p.startsWith(ANY)) return couldBeInside(p, dir);
  const rest = p.slice(1);
  const comps = dir.split('/').filter(Boolean);
  for (let k = comps[0] === HOME ? 1 : 0; k < comps.length; k++) {
    if (couldBeInside(rest, `/${comps.slice(k).join('/')}`)) return true;
  }
  return false;
}

/** Some component after the leading unknown holds a character we know. */
function spellsAName(p: string): boolean {
  const comps = p.slice(1).split('/');
  return comps.some((c) => c !== '' && [...c].some((ch) => !hasMarker(ch)));
}

/** The last component, when it spells something (a bare `*`, `.*` or `$X` names nothing). */
function lastComponent(p: string): string | null {
  const c = p.slice(p.lastIndexOf('/') + 1);
  return [...c].some((ch) => ch !== '.' && !hasMarker(ch)) ? c : null;
}

/** One sentence naming what was reached. */
export function describeHit(hit: ControlHit): string {
  if (hit.how === 'keys' || hit.target === null) return `${hit.shown} (an authorized_keys file: the way in)`;
  const t = hit.target;
  const where = showPattern(t.path);
  if (hit.how === 'is') return `${hit.shown} (${t.what}, ${where})`;
  if (hit.how === 'inside') return `${hit.shown} (inside ${where}: ${t.what})`;
  return `${hit.shown} (holds ${where}: ${t.what})`;
}

export const isAccessHit = (hit: ControlHit) => hit.how === 'keys' || hit.target?.id === 'authorized_keys';
