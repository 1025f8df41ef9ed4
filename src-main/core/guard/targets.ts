/**
 * What the rules protect, and whether a word could name it. A word is a
 * pattern (see words.ts): it "could name" a protected path when some value of
 * its unknown parts makes it equal. Matching is a small dynamic programme
 * over (pattern, path) with the protected paths a few bytes long, so it stays
 * cheap however long the word.
 */
import { ANY, HOME, QMARK, STAR, hasMarker } from './words.js';

/** Stands for "any entry inside": only a wildcard last component matches it. */
export const ENTRY = '\uF8FF';

export const SYSTEM_DIRS = [
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'media',
  'mnt',
  'opt',
  'proc',
  'root',
  'run',
  'sbin',
  'snap',
  'srv',
  'sys',
  'usr',
  'var',
  'tmp',
].map((d) => `/${d}`);

/** Recursive deletion: `/`, its contents, home and its contents, a system folder or its contents (but /tmp's contents are fair game). */
export const DELETE_PROTECTED: readonly string[] = [
  '/',
  `/${ENTRY}`,
  `/.${ENTRY}`,
  HOME,
  `${HOME}/${ENTRY}`,
  `${HOME}/.${ENTRY}`,
  ...SYSTEM_DIRS,
  ...SYSTEM_DIRS.filter((d) => d !== '/tmp').flatMap((d) => [`${d}/${ENTRY}`, `${d}/.${ENTRY}`]),
];

/** Recursive chmod/chown: `/` and everything directly under it. */
export const ROOT_PROTECTED: readonly string[] = ['/', `/${ENTRY}`, `/.${ENTRY}`];

/** Representative block devices, for words with unknown parts. */
const DEVICE_SAMPLES = [
  '/dev/sda',
  '/dev/sda1',
  '/dev/nvme0n1',
  '/dev/vda',
  '/dev/xvda',
  '/dev/hda',
  '/dev/mmcblk0',
  '/dev/mapper/root',
  '/dev/dm-0',
  '/dev/md0',
  '/dev/loop0',
  '/dev/root',
  `/dev/${ENTRY}`,
];
const HARMLESS_DEV = new Set(['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty', '/dev/stdin', '/dev/stdout', '/dev/stderr', '/dev/ptmx', '/dev/console', '/dev/kmsg']);
const HARMLESS_DEV_DIRS = ['/dev/fd/', '/dev/pts/', '/dev/shm/', '/dev/mqueue/'];

/**
 * Lexically normalise a path pattern against a working directory (null when
 * unknown). Returns null for a relative path in an unknown directory: it
 * cannot name a protected absolute path we could prove. A `..` we cannot
 * resolve (above an unknown folder or home, or after a part that may hold
 * slashes) leaves an unknown folder followed by the rest of the path
 * (`ANY/rest`), so the rest still names what it names. `/proc/<pid>/root` is
 * another name for `/`, and `/proc/<pid>/cwd` for some folder.
 */
export function normalizePath(pattern: string, cwd: string | null): string | null {
  let p = pattern;
  if (!(p.startsWith('/') || p.startsWith(HOME) || p.startsWith(ANY))) {
    if (cwd === null) return null;
    p = `${cwd}/${p}`;
  }
  let prefix = '';
  // `${X}.jsonl`: the unknown part is glued to the first name, not a folder of its own.
  let glued = false;
  if (p.startsWith(HOME)) {
    prefix = HOME;
    p = p.slice(1);
  } else if (p.startsWith(ANY)) {
    prefix = ANY;
    p = p.slice(1);
    glued = p !== '' && !p.startsWith('/');
  }
  const out: string[] = [];
  const unknown = () => {
    prefix = ANY;
    glued = false;
    out.length = 0;
  };
  for (const comp of p.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp === '..') {
      const prev = out[out.length - 1];
      if (prev === undefined) {
        if (prefix !== '') unknown(); // above home or above an unknown folder: somewhere unknown
        continue; // /.. is /
      }
      if (prev.includes(ANY) || (glued && out.length === 1)) unknown();
      else out.pop();
      continue;
    }
    out.push(collapse(comp));
    if (prefix === '' && out[0] === 'proc' && (out.length === 3 || (out.length === 5 && out[2] === 'task'))) {
      const link = out[out.length - 1];
      if (link === 'root') out.length = 0;
      else if (link === 'cwd') unknown();
    }
  }
  if (prefix === HOME) return out.length ? `${HOME}/${out.join('/')}` : HOME;
  if (prefix === ANY && glued && out.length) return `${ANY}${out.join('/')}`;
  if (prefix === ANY) return out.length ? `${ANY}/${out.join('/')}` : ANY;
  return `/${out.join('/')}`;
}

/** Runs of wildcards match what one does; collapsing keeps matching linear. */
function collapse(s: string): string {
  let out = '';
  for (const ch of s) {
    const last = out[out.length - 1];
    if ((ch === STAR || ch === ANY) && (last === STAR || last === ANY)) {
      if (ch === ANY) out = `${out.slice(0, -1)}${ANY}`;
      continue;
    }
    out += ch;
  }
  return out;
}

/**
 * One step of the matcher: from the path prefixes a pattern prefix can
 * consume (`reach[j]`: exactly path[0..j)), those the pattern prefix plus
 * `ch` can. Glob `*` and `?` stop at `/` and do not match a leading dot.
 */
function step(reach: Uint8Array, ch: string, path: string): Uint8Array<ArrayBuffer> {
  const n = path.length;
  const next = new Uint8Array(n + 1);
  if (ch === ANY) {
    let on = 0;
    for (let j = 0; j <= n; j++) {
      if (reach[j]) on = 1;
      next[j] = on;
    }
  } else if (ch === STAR) {
    for (let j = 0; j <= n; j++) {
      if (!reach[j]) continue;
      next[j] = 1;
      const atStart = j === 0 || path[j - 1] === '/';
      if (atStart && path[j] === '.') continue;
      for (let k = j; k < n && path[k] !== '/'; k++) next[k + 1] = 1;
    }
  } else if (ch === QMARK) {
    for (let j = 0; j < n; j++) if (reach[j] && path[j] !== '/' && !(path[j] === '.' && (j === 0 || path[j - 1] === '/'))) next[j + 1] = 1;
  } else {
    for (let j = 0; j < n; j++) if (reach[j] && path[j] === ch) next[j + 1] = 1;
  }
  return next;
}

/** Could some value of `pattern` equal `path`? (glob `*` and `?` stop at `/` and skip leading dots; ANY matches anything) */
export function couldEqual(pattern: string, path: string): boolean {
  if (!hasMarker(pattern)) return pattern === path;
  const n = path.length;
  // reach[j]: pattern prefix so far can consume exactly path[0..j)
  let reach = new Uint8Array(n + 1);
  reach[0] = 1;
  for (const ch of pattern) {
    reach = step(reach, ch, path);
    if (!reach.includes(1)) return false;
  }
  return reach[n] === 1;
}

/**
 * Could some value of `pattern` equal `h + tail` for some folder `h`? For a
 * pattern led by an unknown part against a path under a home we cannot spell
 * (`$X/jarvis/.jarvis/breaker.json` may be `~/.jarvis/breaker.json` when the
 * home is `/home/jarvis`): any prefix of the pattern may be spelling `h`, and
 * the rest must spell the tail with at least one character it names (an
 * unknown part alone, as in `$A:$B`, names nothing).
 */
export function couldEqualUnder(pattern: string, tail: string): boolean {
  const n = tail.length;
  const end = pattern[pattern.length - 1];
  // Quick no: the pattern must end as the tail does (or in an unknown part).
  if (n === 0 || end === undefined || (end !== tail[n - 1] && !hasMarker(end))) return false;
  // free[j]: the tail up to j matched by unknown parts only; named[j]: with a known character among them.
  let free = new Uint8Array(n + 1);
  let named = new Uint8Array(n + 1);
  for (const ch of pattern) {
    free[0] = 1;
    if (hasMarker(ch)) {
      free = step(free, ch, tail);
      named = step(named, ch, tail);
    } else {
      const either = new Uint8Array(n + 1);
      for (let j = 0; j <= n; j++) either[j] = free[j]! | named[j]!;
      named = step(either, ch, tail);
      free = new Uint8Array(n + 1);
    }
  }
  return named[n] === 1;
}

/**
 * Could some value of `pattern` name something strictly inside folder `dir`
 * (that is, start with `dir/` and go on)? The same matcher as couldEqual,
 * asking at each step whether `dir/` has been consumed with pattern left over.
 */
export function couldBeInside(pattern: string, dir: string): boolean {
  const path = dir === '/' ? '/' : `${dir}/`;
  if (!hasMarker(pattern)) return pattern.length > path.length && pattern.startsWith(path);
  const n = path.length;
  let reach = new Uint8Array(n + 1);
  reach[0] = 1;
  let last = '';
  for (const ch of pattern) {
    // `dir/` consumed and pattern text left: the rest names an entry inside.
    if (reach[n]) return true;
    reach = step(reach, ch, path);
    last = ch;
    if (!reach.includes(1)) return false;
  }
  // A trailing wildcard that reached `dir/` can go on to name an entry.
  return reach[n] === 1 && (last === ANY || last === STAR);
}

export function couldNameAny(pattern: string, paths: readonly string[]): string | null {
  for (const p of paths) if (couldEqual(pattern, p)) return p;
  return null;
}

function isDeviceLiteral(path: string): boolean {
  if (!path.startsWith('/dev/')) return false;
  if (HARMLESS_DEV.has(path)) return false;
  return !HARMLESS_DEV_DIRS.some((d) => path.startsWith(d));
}

/**
 * Could this word name a block device? `leadingUnknownIsSafe` lets `> "$LOG"`
 * through (an output file named by a variable is everyday shell), while
 * `> /dev/$X` and `of=$X` still count.
 */
export function couldBeDevice(pattern: string, leadingUnknownIsSafe: boolean): boolean {
  const norm = normalizePath(pattern, null);
  if (norm === null) return false;
  if (!hasMarker(norm)) return isDeviceLiteral(norm);
  if (leadingUnknownIsSafe && norm.startsWith(ANY)) return false;
  return DEVICE_SAMPLES.some((d) => couldEqual(norm, d));
}

/** Shown in reasons: markers back to shell-ish text. */
export function showPattern(p: string): string {
  return p.replaceAll(ANY, '$?').replaceAll(STAR, '*').replaceAll(QMARK, '?').replaceAll(HOME, '~').replaceAll(ENTRY, '*');
}

/** Paths a program reads its own stdin through (and `/dev/fd/N`, a redirect's descriptor). */
const STDIN_PATHS = ['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0', '/proc/thread-self/fd/0'];

/** Could a script operand be stdin (`bash /dev/stdin`, `python3 /dev/fd/0`, an unknown word)? */
export function isStdinPath(values: readonly string[]): boolean {
  return values.some((v) => /^\/(dev|proc\/[^/]+)\/fd\/\d+$/.test(v) || (hasMarker(v) ? STDIN_PATHS.some((p) => couldEqual(v, p)) : STDIN_PATHS.includes(v)));
}
