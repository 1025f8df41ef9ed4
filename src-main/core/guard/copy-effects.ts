/**
 * The effects of commands that land files somewhere: cp, mv, install, ln,
 * rsync and tar. What matters is where things land (the destination itself,
 * and DEST/<name of each source> when DEST is a folder) and, for a tree
 * copied or moved there, that a folder holding control files counts too.
 */
import type { Reach } from './control-targets.js';
import type { Effect, Effects } from './file-effects.js';
import { hasAny, optArg, parseOptions } from './options.js';
import { ANY, STAR, type Word, literalWord } from './words.js';

const of = (w: Word, reach: Reach, verb: string): Effect => ({ values: w.values, reach, verb, word: w });

/** The last path component of each value; an unknown one is any single name, dot-files included. */
function basenames(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const trimmed = v.replace(/\/+$/, '');
    const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
    if (base === ANY || base === '') out.push(STAR, `.${STAR}`);
    else out.push(base.startsWith(ANY) ? STAR + base.slice(1) : base);
  }
  return [...new Set(out)];
}

/**
 * cp, mv, install, ln: the destination itself, and DEST/<name of each source>
 * (DEST may be a folder). A recursive copy or a move lands a whole tree there,
 * so a folder that holds control files counts as reached.
 */
export function copyLike(name: string, args: Word[], out: Effects): void {
  const spec = name === 'install' ? { short: 'gmoSt', long: ['group', 'mode', 'owner', 'suffix', 'target-directory', 'strip-program'] } : { short: 'St', long: ['target-directory', 'suffix'] };
  const p = parseOptions(args, spec);
  if (name === 'install' && hasAny(p, 'd', 'directory')) {
    for (const w of p.operands) out.writes.push(of(w, 'path', 'creates'));
    return;
  }
  const tdir = optArg(p, 't', 'target-directory');
  let sources = p.operands;
  let dest: Word | undefined = tdir ?? undefined;
  if (!dest) {
    if (name === 'ln' && sources.length === 1) dest = literalWord('.');
    else {
      dest = sources[sources.length - 1];
      sources = sources.slice(0, -1);
    }
  }
  if (!dest || sources.length === 0) return;
  const tree = name === 'mv' || (name === 'cp' && (hasAny(p, 'r', 'R', 'a', 'recursive', 'archive') || p.maybeOptions));
  const verb = name === 'mv' ? 'moves onto' : name === 'ln' ? 'links over' : 'copies onto';
  landings(dest, sources, !tdir, hasAny(p, 'T', 'no-target-directory'), false, tree ? 'tree' : 'path', verb, out);
  if (name === 'mv') {
    for (const s of sources) {
      out.writes.push(of(s, 'tree', 'moves'));
      out.wipes.push({ word: s, values: s.values, kind: 'move' });
    }
  }
  if (name === 'ln') for (const s of sources) out.writes.push(of(s, 'tree', 'links to'));
}

/**
 * Where the sources land. DEST itself is written as a file when it may be
 * one (no `-t`); a tree lands *on* DEST only with `-T`, rsync's `src/` or
 * cp's `src/.` (the contents merge into it); otherwise it lands at
 * DEST/<name>, which is where a holder of control files would be reached.
 */
function landings(dest: Word, sources: Word[], destMayBeFile: boolean, noTarget: boolean, contentsOnSlash: boolean, reach: Reach, verb: string, out: Effects): void {
  const onDest = new Set<string>();
  const inside = new Set<string>();
  for (const d of dest.values) {
    if (noTarget) {
      onDest.add(d);
      continue;
    }
    for (const s of sources) {
      for (const sv of s.values) {
        if ((contentsOnSlash && sv.endsWith('/')) || /(^|\/)\.\/?$/.test(sv)) onDest.add(d);
        for (const b of basenames([sv])) inside.add(`${d}/${b}`);
      }
    }
  }
  if (onDest.size) out.writes.push({ values: [...onDest], reach, verb, word: dest });
  if (inside.size) out.writes.push({ values: [...inside], reach, verb, word: dest });
  // A plain file copied onto DEST (not a folder): DEST itself is written.
  if (destMayBeFile && !noTarget) out.writes.push({ values: dest.values, reach: 'path', verb, word: dest });
}

const RSYNC_ARGS = [
  'rsh', 'rsync-path', 'exclude', 'include', 'filter', 'exclude-from', 'include-from', 'files-from', 'chmod', 'chown', 'usermap', 'groupmap',
  'log-file', 'log-file-format', 'out-format', 'temp-dir', 'partial-dir', 'backup-dir', 'suffix', 'compare-dest', 'copy-dest', 'link-dest',
  'timeout', 'contimeout', 'port', 'password-file', 'max-size', 'min-size', 'max-delete', 'bwlimit', 'block-size', 'modify-window', 'info',
  'debug', 'iconv', 'protocol', 'checksum-choice', 'compress-choice', 'compress-level', 'skip-compress', 'outbuf', 'stop-after', 'stop-at',
  'sockopts', 'remote-option', 'address', 'write-batch', 'only-write-batch', 'read-batch', 'early-input', 'max-alloc', 'config',
];

export function rsync(args: Word[], out: Effects): void {
  const p = parseOptions(args, { short: 'efTBM', long: RSYNC_ARGS });
  const local = (w: Word) => !w.values.some((v) => /^[^/]*:/.test(v) || v.startsWith('rsync://'));
  const ops = p.operands;
  if (ops.length < 2) return;
  const dest = ops[ops.length - 1]!;
  const sources = ops.slice(0, -1);
  const log = optArg(p, 'log-file');
  if (log) out.writes.push(of(log, 'path', 'writes (rsync log)'));
  if (hasAny(p, 'remove-source-files')) for (const s of sources.filter(local)) out.writes.push(of(s, 'path', 'removes the source files of'));
  if (!local(dest)) return;
  const tree = hasAny(p, 'r', 'a', 'recursive', 'archive', 'd', 'dirs') || p.maybeOptions;
  landings(dest, sources, true, false, true, tree ? 'tree' : 'path', 'syncs onto', out);
  const deletes = [...p.opts.keys()].some((k) => k === 'del' || k.startsWith('delete'));
  if (deletes) {
    out.writes.push(of(dest, 'tree', 'deletes inside (rsync --delete)'));
    out.wipes.push({ word: dest, values: dest.values, kind: 'rsync-delete' });
  }
}

/** tar: the archive it creates (`tar czf FILE`) and the folder it extracts into (`-C DIR`). */
export function tar(args: Word[], out: Effects): void {
  let words = args;
  const first = args[0]?.literal;
  // Old style `tar czf FILE DIR`: the letters' arguments follow in order.
  if (first && /^[A-Za-z]+$/.test(first)) {
    const rest = args.slice(1);
    const expanded: Word[] = [];
    let k = 0;
    for (const ch of first) {
      expanded.push(literalWord(`-${ch}`));
      if ('fCbTXKNVgL'.includes(ch) && rest[k]) expanded.push(rest[k++]!);
    }
    words = [...expanded, ...rest.slice(k)];
  }
  const p = parseOptions(words, { short: 'fCbTXKNVgLH', long: ['file', 'directory', 'blocking-factor', 'files-from', 'exclude-from', 'exclude', 'newer', 'volno-file', 'listed-incremental', 'tape-length', 'format', 'owner', 'group', 'mode', 'transform', 'use-compress-program', 'suffix', 'label'] });
  const file = optArg(p, 'f', 'file');
  const creates = hasAny(p, 'c', 'r', 'u', 'A', 'create', 'append', 'update', 'catenate', 'concatenate');
  if (creates && file && file.literal !== '-') out.writes.push(of(file, 'path', 'writes the archive'));
  const extracts = hasAny(p, 'x', 'extract', 'get');
  const dir = optArg(p, 'C', 'directory');
  if (extracts && dir) out.writes.push(of(dir, 'tree', 'extracts into'));
}
