/**
 * The effects of commands that land files somewhere: cp, mv, install, ln,
 * link, rsync and tar. What matters is where things land (the destination
 * itself, and DEST/<name of each source> when DEST is a folder) and, for a
 * tree copied or moved there, that a folder holding control files counts
 * too. A link made to a path (`ln -s`, `cp -s`, `cp -l`, `link`) reaches it
 * like a write: writing the link writes the file.
 */
import type { Reach } from './control-targets.js';
import { type Effects, effectOf } from './effects.js';
import { type OptSpec, hasAny, optArg, optArgs, parseOptions } from './options.js';
import { ANY, STAR, type Word, literalWord } from './words.js';

const BACKUP = { longOptional: ['backup'], long: ['suffix', 'target-directory'] };
const COPY_SPECS: Record<string, OptSpec> = {
  cp: {
    short: 'St',
    long: [...BACKUP.long, 'no-preserve', 'sparse'],
    longOptional: [...BACKUP.longOptional, 'preserve', 'reflink', 'update', 'context'],
    flags: [
      'archive',
      'attributes-only',
      'copy-contents',
      'debug',
      'force',
      'interactive',
      'link',
      'dereference',
      'no-clobber',
      'no-dereference',
      'parents',
      'recursive',
      'remove-destination',
      'strip-trailing-slashes',
      'symbolic-link',
      'no-target-directory',
      'verbose',
      'one-file-system',
      'keep-directory-symlink',
    ],
  },
  mv: {
    short: 'St',
    long: BACKUP.long,
    longOptional: [...BACKUP.longOptional, 'update', 'context'],
    flags: ['debug', 'exchange', 'force', 'interactive', 'no-clobber', 'no-copy', 'strip-trailing-slashes', 'no-target-directory', 'verbose'],
  },
  install: {
    short: 'gmoSt',
    long: [...BACKUP.long, 'group', 'mode', 'owner', 'strip-program'],
    longOptional: [...BACKUP.longOptional, 'context'],
    flags: ['compare', 'directory', 'debug', 'preserve-timestamps', 'strip', 'no-target-directory', 'verbose', 'preserve-context'],
  },
  ln: {
    short: 'St',
    long: BACKUP.long,
    longOptional: BACKUP.longOptional,
    flags: ['directory', 'force', 'interactive', 'logical', 'no-dereference', 'physical', 'relative', 'symbolic', 'no-target-directory', 'verbose'],
  },
  link: {},
};

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
 * cp, mv, install, ln, link: the destination itself, and DEST/<name of each
 * source> (DEST may be a folder). A recursive copy or a move lands a whole
 * tree there, so a folder that holds control files counts as reached. An
 * option we cannot read may be `-t DIR` (any operand may be where things
 * land), `-s` or `-l` (a link to any of them).
 */
export function copyLike(name: string, args: Word[], out: Effects): void {
  const p = parseOptions(args, COPY_SPECS[name]);
  if (name === 'install' && hasAny(p, 'd', 'directory')) {
    for (const w of p.operands) out.writes.push(effectOf(w, 'path', 'creates'));
    return;
  }
  const tdir = optArg(p, 't', 'target-directory');
  const unsure = p.maybeOptions;
  let sources = p.operands;
  let dest: Word | undefined = tdir ?? undefined;
  if (!dest) {
    if ((name === 'ln' || name === 'link') && sources.length === 1) dest = literalWord('.');
    else {
      dest = sources[sources.length - 1];
      sources = sources.slice(0, -1);
    }
  }
  if (!dest || (sources.length === 0 && !unsure)) return;
  const tree = name === 'mv' || (name === 'cp' && (hasAny(p, 'r', 'R', 'a', 'recursive', 'archive') || unsure));
  const links = name === 'ln' || name === 'link' || (name === 'cp' && (hasAny(p, 's', 'l', 'symbolic-link', 'link') || unsure));
  const verb = name === 'mv' ? 'moves onto' : links && name !== 'cp' ? 'links over' : 'copies onto';
  const reach: Reach = tree ? 'tree' : 'path';
  landings(dest, sources, !tdir, hasAny(p, 'T', 'no-target-directory'), false, reach, verb, out);
  const all = unsure ? [...p.operands, ...(tdir ? [tdir] : [])] : sources;
  if (unsure)
    for (const d of p.operands)
      landings(
        d,
        p.operands.filter((o) => o !== d),
        true,
        false,
        false,
        reach,
        verb,
        out,
      );
  if (name === 'mv') {
    for (const s of all) {
      out.writes.push(effectOf(s, 'tree', 'moves'));
      out.wipes.push({ word: s, values: s.values, kind: 'move' });
    }
  }
  if (links) for (const s of all) out.writes.push(effectOf(s, 'tree', 'links to'));
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
  'rsh',
  'rsync-path',
  'exclude',
  'include',
  'filter',
  'exclude-from',
  'include-from',
  'files-from',
  'chmod',
  'chown',
  'usermap',
  'groupmap',
  'log-file',
  'log-file-format',
  'out-format',
  'temp-dir',
  'partial-dir',
  'backup-dir',
  'suffix',
  'compare-dest',
  'copy-dest',
  'link-dest',
  'timeout',
  'contimeout',
  'port',
  'password-file',
  'max-size',
  'min-size',
  'max-delete',
  'bwlimit',
  'block-size',
  'modify-window',
  'info',
  'debug',
  'iconv',
  'protocol',
  'checksum-choice',
  'compress-choice',
  'compress-level',
  'skip-compress',
  'outbuf',
  'stop-after',
  'stop-at',
  'sockopts',
  'remote-option',
  'address',
  'write-batch',
  'only-write-batch',
  'read-batch',
  'early-input',
  'max-alloc',
  'config',
];
const RSYNC_FLAGS = [
  'archive',
  'recursive',
  'dirs',
  'delete',
  'delete-before',
  'delete-during',
  'delete-delay',
  'delete-after',
  'delete-excluded',
  'delete-missing-args',
  'del',
  'remove-source-files',
  'links',
  'copy-links',
  'hard-links',
  'perms',
  'times',
  'verbose',
  'update',
  'inplace',
  'append',
  'checksum',
];

export function rsync(args: Word[], out: Effects): void {
  const p = parseOptions(args, { short: 'efTBM', long: RSYNC_ARGS, flags: RSYNC_FLAGS });
  const local = (w: Word) => !w.values.some((v) => /^[^/]*:/.test(v) || v.startsWith('rsync://'));
  const ops = p.operands;
  if (ops.length < 2) return;
  const dest = ops[ops.length - 1]!;
  const sources = ops.slice(0, -1);
  const log = optArg(p, 'log-file');
  if (log) out.writes.push(effectOf(log, 'path', 'writes (rsync log)'));
  // Unchanged files are hard-linked from --link-dest into the destination.
  for (const l of optArgs(p, 'link-dest')) out.writes.push(effectOf(l, 'tree', 'links to (rsync --link-dest)'));
  if (hasAny(p, 'remove-source-files') || p.maybeOptions) {
    for (const s of sources.filter(local)) out.writes.push(effectOf(s, 'path', 'removes the source files of'));
  }
  if (!local(dest)) return;
  const tree = hasAny(p, 'r', 'a', 'recursive', 'archive', 'd', 'dirs') || p.maybeOptions;
  landings(dest, sources, true, false, true, tree ? 'tree' : 'path', 'syncs onto', out);
  const deletes = p.maybeOptions || [...p.opts.keys()].some((k) => k === 'del' || k.startsWith('delete'));
  if (deletes) {
    out.writes.push(effectOf(dest, 'tree', 'deletes inside (rsync --delete)'));
    out.wipes.push({ word: dest, values: dest.values, kind: 'rsync-delete' });
  }
}

const TAR_LONG = [
  'file',
  'directory',
  'blocking-factor',
  'files-from',
  'exclude-from',
  'exclude',
  'newer',
  'volno-file',
  'listed-incremental',
  'tape-length',
  'format',
  'owner',
  'group',
  'mode',
  'transform',
  'use-compress-program',
  'suffix',
  'label',
  'after-date',
  'newer-mtime',
  'to-command',
];
const TAR_FLAGS = ['create', 'append', 'update', 'catenate', 'concatenate', 'extract', 'get', 'list', 'remove-files', 'diff', 'delete', 'gzip', 'verbose'];

/** tar: the archive it creates (`tar czf FILE`), the folder it extracts into (`-C DIR`), the files `--remove-files` deletes. */
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
  const p = parseOptions(words, { short: 'fCbTXKNVgLH', long: TAR_LONG, flags: TAR_FLAGS });
  const file = optArg(p, 'f', 'file');
  const creates = hasAny(p, 'c', 'r', 'u', 'A', 'create', 'append', 'update', 'catenate', 'concatenate') || p.maybeOptions;
  if (creates && file && file.literal !== '-') out.writes.push(effectOf(file, 'path', 'writes the archive'));
  const extracts = hasAny(p, 'x', 'extract', 'get') || p.maybeOptions;
  for (const dir of optArgs(p, 'C', 'directory')) if (extracts) out.writes.push(effectOf(dir, 'tree', 'extracts into'));
  if (hasAny(p, 'remove-files') || p.maybeOptions) for (const w of p.operands) out.writes.push(effectOf(w, 'tree', 'deletes (tar --remove-files)'));
}
