/**
 * What a command does to files, read from its argv: which words it writes,
 * truncates, deletes, moves, links to or changes the mode of, and how far
 * (`path`: the file itself; `tree`: it and everything under it). Reading is
 * not an effect, so `cat .env` and `cp ~/.jarvis/activity.jsonl /tmp/` have
 * none on the control plane. The rules (control-rules.ts) decide what a
 * reached path means.
 */
import type { Reach } from './control-targets.js';
import { copyLike, rsync, tar } from './copy-effects.js';
import { type Parsed, hasAny, optArg, parseOptions } from './options.js';
import { scanSed } from './sed-script.js';
import { languageOf } from './interpreters.js';
import { SHELLS, commandName } from './unwrap.js';
import { ANY, type Word, hasMarker, literalWord } from './words.js';

export interface Effect {
  values: string[];
  reach: Reach;
  /** A verb for the reason: `writes`, `deletes`, `moves`, ... */
  verb: string;
  word: Word;
}

export interface Effects {
  writes: Effect[];
  /** Words whose deletion or overwrite would wipe the system (checked against `/` and system folders). */
  wipes: Array<{ word: Word; values: string[]; kind: 'rsync-delete' | 'shred' | 'move' }>;
  /** Shell text the command runs (`sed 'e cmd'`); null when it runs text we cannot read. */
  scripts: Array<string | null>;
}

const EDITORS = new Set(['vi', 'vim', 'nvim', 'nano', 'pico', 'ed', 'ex', 'emacs', 'micro', 'joe', 'jed', 'mcedit', 'kak', 'hx', 'helix', 'red']);

const of = (w: Word, reach: Reach, verb: string): Effect => ({ values: w.values, reach, verb, word: w });

export function effectsOf(argv: Word[]): Effects {
  const out: Effects = { writes: [], wipes: [], scripts: [] };
  const name = commandName(argv[0]);
  if (name === null) return out;
  const args = argv.slice(1);
  const add = (words: Iterable<Word>, reach: Reach, verb: string) => {
    for (const w of words) out.writes.push(of(w, reach, verb));
  };
  const recursive = (p: Parsed) => hasAny(p, 'r', 'R', 'recursive') || p.maybeOptions;
  switch (name) {
    case 'tee':
      add(parseOptions(args).operands, 'path', 'writes');
      break;
    case 'sed': {
      const p = parseOptions(args, { short: 'efl', long: ['expression', 'file', 'line-length'], attachedOptional: 'i' });
      const given = sedScripts(args);
      const files = given.length || hasAny(p, 'f', 'file') ? p.operands : p.operands.slice(1);
      if (hasAny(p, 'i', 'in-place') || p.maybeOptions) add(files, 'path', 'edits in place');
      for (const s of given.length ? given : p.operands.slice(0, 1)) {
        // A wholly unknown sed script could be `e CMD` or `w FILE`: refused like unreadable shell text.
        // One with a variable inside (`s/x/$V/`) is scanned with the variable as an unknown part.
        if (s.values.every((v) => v === ANY)) {
          out.scripts.push(null);
          continue;
        }
        for (const v of s.values) {
          const scan = scanSed(v);
          for (const f of scan.files) out.writes.push({ values: [f], reach: 'path', verb: 'writes (sed w)', word: s });
          out.scripts.push(...scan.commands.map((c) => (hasMarker(c) ? null : c)));
          if (scan.execPatternSpace) out.scripts.push(null);
        }
      }
      break;
    }
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln':
      copyLike(name, args, out);
      break;
    case 'rsync':
      rsync(args, out);
      break;
    case 'truncate':
      add(parseOptions(args, { short: 'sr', long: ['size', 'reference'] }).operands, 'path', 'truncates');
      break;
    case 'shred': {
      const ops = parseOptions(args, { short: 'ns', long: ['iterations', 'size', 'random-source'] }).operands;
      add(ops, 'path', 'shreds');
      for (const w of ops) out.wipes.push({ word: w, values: w.values, kind: 'shred' });
      break;
    }
    case 'rm': {
      const p = parseOptions(args);
      add(p.operands, recursive(p) ? 'tree' : 'path', 'deletes');
      break;
    }
    case 'unlink':
    case 'rmdir':
      add(parseOptions(args).operands, 'path', 'deletes');
      break;
    case 'chmod':
    case 'chown':
    case 'chgrp':
      ownerOrMode(name, args, out);
      break;
    case 'chattr': {
      const words = args.filter((w) => !/^[+=]/.test(w.literal ?? '') && !/^-[aAcCdDeFijmPsStTux]+$/.test(w.literal ?? ''));
      const p = parseOptions(words, { short: 'vp' });
      add(p.operands, recursive(p) ? 'tree' : 'path', 'changes the attributes of');
      break;
    }
    case 'setfacl': {
      const p = parseOptions(args, { short: 'mxMX', long: ['modify', 'remove', 'modify-file', 'remove-file', 'set', 'set-file'] });
      add(p.operands, recursive(p) ? 'tree' : 'path', 'changes the ACL of');
      break;
    }
    case 'touch':
      add(parseOptions(args, { short: 'dtr', long: ['date', 'reference', 'time'] }).operands, 'path', 'touches');
      break;
    case 'dd':
      for (const w of args) if (w.value.startsWith('of=')) out.writes.push({ values: w.values.map((v) => v.slice(3)), reach: 'path', verb: 'writes (dd of=)', word: w });
      break;
    case 'mkdir':
    case 'mkfifo':
      add(parseOptions(args, { short: 'mZ', long: ['mode'] }).operands, 'path', 'creates');
      break;
    case 'mknod':
      add(parseOptions(args, { short: 'mZ', long: ['mode'] }).operands.slice(0, 1), 'path', 'creates');
      break;
    case 'sort': {
      const o = optArg(parseOptions(args, { short: 'kotSTy', long: ['key', 'output', 'field-separator', 'buffer-size', 'temporary-directory', 'batch-size', 'compress-program', 'files0-from', 'random-source', 'parallel'] }), 'o', 'output');
      if (o) add([o], 'path', 'writes (sort -o)');
      break;
    }
    case 'uniq':
      add(parseOptions(args, { short: 'fsw', long: ['skip-fields', 'skip-chars', 'check-chars', 'group', 'all-repeated'] }).operands.slice(1, 2), 'path', 'writes');
      break;
    case 'patch': {
      const p = parseOptions(args, { short: 'pFiorBDdVYzg', long: ['strip', 'fuzz', 'input', 'output', 'reject-file', 'ifdef', 'directory', 'version-control', 'basename-prefix', 'prefix', 'suffix', 'get', 'quoting-style', 'reject-format'] });
      add(p.operands.slice(0, 1), 'path', 'patches');
      const o = optArg(p, 'o', 'output');
      if (o) add([o], 'path', 'writes');
      break;
    }
    case 'curl': {
      const o = outputArg(args, 'o', 'output');
      if (o) add([o], 'path', 'downloads to');
      break;
    }
    case 'wget': {
      const o = outputArg(args, 'O', 'output-document');
      if (o) add([o], 'path', 'downloads to');
      break;
    }
    case 'mount': {
      const p = parseOptions(args, { short: 'tOoLUTN', long: ['types', 'options', 'source', 'target', 'label', 'uuid', 'fstab', 'namespace', 'test-opts'] });
      const target = optArg(p, 'target') ?? p.operands[p.operands.length - 1];
      if (target) add([target], 'tree', 'mounts over');
      break;
    }
    case 'tar':
      tar(args, out);
      break;
    case 'find':
      find(args, out);
      break;
    default:
      if (EDITORS.has(name)) add(args.filter((w) => !/^[-+]/.test(w.literal ?? '')), 'path', 'edits');
  }
  return out;
}

/** sed's `-e SCRIPT`, `-eSCRIPT`, `-ne SCRIPT`, `--expression[=]SCRIPT`. */
function sedScripts(args: Word[]): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!.literal;
    if (w === null) continue;
    if (w === '--') break;
    if (w === '--expression') out.push(args[++i] ?? literalWord(''));
    else if (w.startsWith('--expression=')) out.push(literalWord(w.slice(13)));
    else if (/^-[nErsuz]*e$/.test(w)) out.push(args[++i] ?? literalWord(''));
    else if (/^-[nErsuz]*e./.test(w)) out.push(literalWord(w.slice(w.indexOf('e') + 1)));
    else if (/^-[nErsuz]*[fl]$/.test(w)) i++;
  }
  return out;
}

/** `-o FILE`, `-ofile`, `-sSLo FILE`, `--output FILE`, `--output=FILE`. */
function outputArg(args: Word[], short: string, long: string): Word | null {
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!.literal;
    if (w === null) continue;
    if (w === `--${long}`) return args[i + 1] ?? null;
    if (w.startsWith(`--${long}=`)) return literalWord(w.slice(long.length + 3));
    if (/^-[A-Za-z]+$/.test(w) && w.endsWith(short)) return args[i + 1] ?? null;
  }
  return null;
}

function ownerOrMode(name: string, args: Word[], out: Effects): void {
  // chmod's `-rwx` is a mode, not options.
  const words = name === 'chmod' ? args.filter((w) => !/^-[rwxXst]+$/.test(w.literal ?? '')) : args;
  const p = parseOptions(words);
  const ref = p.opts.has('reference');
  const targets = ref ? p.operands : p.operands.slice(1);
  const reach: Reach = hasAny(p, 'R', 'recursive') || p.maybeOptions ? 'tree' : 'path';
  for (const w of targets) out.writes.push(of(w, reach, name === 'chmod' ? 'changes the mode of' : 'changes the owner of'));
}

const FIND_DELETERS = new Set(['rm', 'unlink', 'rmdir', 'shred', 'srm']);
/** Stands for the `{}` of `find -exec`: a found path. */
const FOUND = '\uE010';

/**
 * find: from its starting points, `-delete` or an `-exec` that deletes, writes
 * or runs a shell on what it finds reaches the whole tree; `-fprint FILE` and
 * friends write FILE.
 */
function find(args: Word[], out: Effects): void {
  let i = 0;
  while (i < args.length && /^-(H|L|P|O\d*|D)$/.test(args[i]!.literal ?? '')) i += args[i]!.literal === '-D' ? 2 : 1;
  const starts: Word[] = [];
  while (i < args.length) {
    const lit = args[i]!.literal;
    if (lit !== null && (lit.startsWith('-') || lit === '(' || lit === '!' || lit === ')')) break;
    starts.push(args[i++]!);
  }
  const expr = args.slice(i);
  let modifies = expr.some((w) => w.literal === '-delete');
  for (let k = 0; k < expr.length; k++) {
    const lit = expr[k]!.literal ?? '';
    if (/^-(fprint|fprint0|fprintf|fls)$/.test(lit) && expr[k + 1]) out.writes.push(of(expr[k + 1]!, 'path', `writes (find ${lit})`));
    if (!/^-(exec|execdir|ok|okdir)$/.test(lit)) continue;
    let end = k + 1;
    while (end < expr.length && expr[end]!.literal !== ';' && expr[end]!.literal !== '+') end++;
    const cmd = expr.slice(k + 1, end).map((w) => (w.literal?.includes('{}') ? literalWord(w.literal.replaceAll('{}', FOUND)) : w));
    const name = commandName(cmd[0]);
    const inner = effectsOf(cmd);
    if (name === null || FIND_DELETERS.has(name) || SHELLS.has(name) || languageOf(name) !== null || inner.writes.some((e) => e.values.some((v) => v.includes(FOUND)))) modifies = true;
    k = end;
  }
  if (modifies) for (const s of starts.length ? starts : [literalWord('.')]) out.writes.push(of(s, 'tree', 'deletes or rewrites files under'));
}
