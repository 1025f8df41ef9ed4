/**
 * What a command does to files, read from its argv: which words it writes,
 * truncates, deletes, moves, links to or changes the mode of, and how far
 * (`path`: the file itself; `tree`: it and everything under it). Reading is
 * not an effect, so `cat .env` and `cp ~/.jarvis/activity.jsonl /tmp/` have
 * none on the control plane. The rules (control-rules.ts) decide what a
 * reached path means. Every reader takes its options from the one parser
 * (options.ts), so shortened long options and attached arguments read alike.
 */
import type { Reach } from './control-targets.js';
import { compressor, isCompressor } from './compress-effects.js';
import { copyLike, rsync, tar } from './copy-effects.js';
import { type Effects, addAll, effectOf, noEffects } from './effects.js';
import { curl, wget } from './fetch-effects.js';
import { DELETERS, findArgs } from './find-args.js';
import { languageOf } from './interpreters.js';
import { type OptSpec, hasAny, optArg, optArgs, parseOptions } from './options.js';
import { scanSed } from './sed-script.js';
import { SHELLS, commandName } from './unwrap.js';
import { ANY, type Word, hasMarker, literalWord, makeWord } from './words.js';

export type { Effect, Effects } from './effects.js';

const EDITORS = new Set(['vi', 'vim', 'nvim', 'nano', 'pico', 'ed', 'ex', 'emacs', 'micro', 'joe', 'jed', 'mcedit', 'kak', 'hx', 'helix', 'red']);
const IN_PLACE = new Set(['dos2unix', 'unix2dos', 'mac2unix', 'unix2mac']);

export const RM_SPEC: OptSpec = {
  longOptional: ['interactive', 'preserve-root'],
  flags: ['force', 'one-file-system', 'no-preserve-root', 'recursive', 'dir', 'verbose'],
};
const SED_SPEC: OptSpec = {
  short: 'efl',
  attachedOptional: 'i',
  long: ['expression', 'file', 'line-length'],
  longOptional: ['in-place'],
  flags: ['quiet', 'silent', 'debug', 'follow-symlinks', 'posix', 'regexp-extended', 'separate', 'sandbox', 'unbuffered', 'null-data'],
};
const UNIQ_SPEC: OptSpec = { short: 'fsw', long: ['skip-fields', 'skip-chars', 'check-chars'], longOptional: ['group', 'all-repeated'] };
const PATCH_SPEC: OptSpec = {
  short: 'pFiorBDdVYzg',
  long: ['strip', 'fuzz', 'input', 'output', 'reject-file', 'ifdef', 'directory', 'version-control', 'basename-prefix', 'prefix', 'suffix', 'get'],
};
const MOUNT_SPEC: OptSpec = {
  short: 'tOoLUTN',
  long: ['types', 'options', 'source', 'target', 'label', 'uuid', 'fstab', 'namespace', 'test-opts'],
  flags: ['bind', 'rbind', 'move', 'all', 'read-only', 'read-write', 'verbose', 'fake', 'no-mtab'],
};

export function effectsOf(argv: Word[]): Effects {
  const out = noEffects();
  const name = commandName(argv[0]);
  if (name === null) return out;
  const args = argv.slice(1);
  const ops = (spec?: OptSpec) => parseOptions(args, spec).operands;
  const recursive = (p: ReturnType<typeof parseOptions>): Reach => (hasAny(p, 'r', 'R', 'recursive') || p.maybeOptions ? 'tree' : 'path');
  switch (name) {
    case 'tee':
      addAll(out, ops({ flags: ['append', 'ignore-interrupts'], longOptional: ['output-error'] }), 'path', 'writes');
      break;
    case 'sponge':
      addAll(out, ops().slice(0, 1), 'path', 'writes');
      break;
    case 'sed':
      sed(args, out);
      break;
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln':
    case 'link':
      copyLike(name, args, out);
      break;
    case 'rsync':
      rsync(args, out);
      break;
    case 'tar':
      tar(args, out);
      break;
    case 'truncate':
      addAll(out, ops({ short: 'sr', long: ['size', 'reference'], flags: ['no-create', 'io-blocks'] }), 'path', 'truncates');
      break;
    case 'shred': {
      const spec = { short: 'ns', long: ['iterations', 'size', 'random-source'], longOptional: ['remove'], flags: ['exact', 'force', 'zero', 'verbose'] };
      const shredded = ops(spec);
      addAll(out, shredded, 'path', 'shreds');
      for (const w of shredded) out.wipes.push({ word: w, values: w.values, kind: 'shred' });
      break;
    }
    case 'rm': {
      const p = parseOptions(args, RM_SPEC);
      addAll(out, p.operands, recursive(p), 'deletes');
      break;
    }
    case 'unlink':
    case 'rmdir':
      addAll(out, ops({ flags: ['ignore-fail-on-non-empty', 'parents', 'verbose'] }), 'path', 'deletes');
      break;
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      const c = chmodArgs(name, args);
      addAll(out, c.targets, c.recursive ? 'tree' : 'path', name === 'chmod' ? 'changes the mode of' : 'changes the owner of');
      break;
    }
    case 'chattr': {
      const words = args.filter((w) => !/^[+=]/.test(w.literal ?? '') && !/^-[aAcCdDeFijmPsStTux]+$/.test(w.literal ?? ''));
      const p = parseOptions(words, { short: 'vp' });
      addAll(out, p.operands, recursive(p), 'changes the attributes of');
      break;
    }
    case 'setfacl': {
      const p = parseOptions(args, { short: 'mxMX', long: ['modify', 'remove', 'modify-file', 'remove-file', 'set', 'set-file'] });
      addAll(out, p.operands, recursive(p), 'changes the ACL of');
      break;
    }
    case 'touch':
      addAll(out, ops({ short: 'dtr', long: ['date', 'reference', 'time'], flags: ['no-create', 'no-dereference'] }), 'path', 'touches');
      break;
    case 'fallocate':
      addAll(out, ops({ short: 'lo', long: ['length', 'offset'] }), 'path', 'rewrites');
      break;
    case 'dd':
      for (const w of ddArgs(args).outputs) out.writes.push(effectOf(w, 'path', 'writes (dd of=)'));
      break;
    case 'mkdir':
    case 'mkfifo':
      addAll(out, ops({ short: 'mZ', long: ['mode'], flags: ['parents', 'verbose'] }), 'path', 'creates');
      break;
    case 'mknod':
      addAll(out, ops({ short: 'mZ', long: ['mode'] }).slice(0, 1), 'path', 'creates');
      break;
    case 'sort':
    case 'shuf':
    case 'iconv': {
      const long = ['key', 'output', 'field-separator', 'buffer-size', 'temporary-directory', 'from-code', 'to-code', 'head-count'];
      const spec = { short: 'kotSTyfnir', long };
      addAll(out, optArgs(parseOptions(args, spec), 'o', 'output'), 'path', `writes (${name} -o)`);
      break;
    }
    case 'uniq':
      addAll(out, ops(UNIQ_SPEC).slice(1, 2), 'path', 'writes');
      break;
    case 'patch': {
      const p = parseOptions(args, PATCH_SPEC);
      addAll(out, p.operands.slice(0, 1), 'path', 'patches');
      addAll(out, optArgs(p, 'o', 'output'), 'path', 'writes');
      break;
    }
    case 'curl':
      curl(args, out);
      break;
    case 'wget':
      wget(args, out);
      break;
    case 'mount': {
      // The target is covered; the source (a folder, with --bind) becomes reachable through it.
      const p = parseOptions(args, MOUNT_SPEC);
      const target = optArg(p, 'target') ?? p.operands[p.operands.length - 1];
      if (target) out.writes.push(effectOf(target, 'tree', 'mounts over'));
      const source = optArg(p, 'source') ?? (p.operands.length > 1 ? p.operands[0] : undefined);
      if (source) out.writes.push(effectOf(source, 'tree', 'mounts (links to)'));
      break;
    }
    case 'find':
      find(args, out);
      break;
    default:
      if (isCompressor(name)) compressor(name, args, out);
      else if (EDITORS.has(name) || IN_PLACE.has(name))
        addAll(
          out,
          args.filter((w) => !/^[-+]/.test(w.literal ?? '')),
          'path',
          'edits',
        );
  }
  return out;
}

/** sed: `-i` edits its files; `w FILE` writes FILE; `e CMD` runs CMD (scanned from each script). */
function sed(args: Word[], out: Effects): void {
  const p = parseOptions(args, SED_SPEC);
  const given = optArgs(p, 'e', 'expression');
  const fromFile = hasAny(p, 'f', 'file');
  // An option we cannot read may have been the script (`-e`) or `-i`: every operand may be a file.
  const files = given.length || fromFile || p.maybeOptions ? p.operands : p.operands.slice(1);
  if (hasAny(p, 'i', 'in-place') || p.maybeOptions) addAll(out, files, 'path', 'edits in place');
  const scripts = given.length || fromFile ? [...given] : p.operands.slice(0, 1);
  const first = p.operands[0];
  if (p.maybeOptions && first && !scripts.includes(first)) scripts.push(first);
  for (const s of scripts) {
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
}

const CHOWN_SPEC: OptSpec = {
  long: ['reference', 'from'],
  longOptional: ['preserve-root'],
  flags: ['changes', 'silent', 'quiet', 'verbose', 'dereference', 'no-dereference', 'recursive', 'no-preserve-root'],
};
/** chmod's mode: `-w`, `-rwx`, `u+x,go-w`, `=r` (a word starting with `-` can be a mode, not options). */
const MODE = /^[ugoa]*[-+=]([rwxXst]*|[ugo])(,[ugoa]*[-+=]([rwxXst]*|[ugo]))*$/;

/** chmod, chown, chgrp: the files they change (after the mode or owner, unless `--reference`), and whether recursively. */
export function chmodArgs(name: string, args: Word[]): { targets: Word[]; recursive: boolean } {
  const p = parseOptions(args, name === 'chmod' ? { ...CHOWN_SPEC, operand: (lit) => MODE.test(lit) } : CHOWN_SPEC);
  const ref = p.opts.has('reference');
  // An option we cannot read may be -R, or `--reference` (then no mode operand).
  const targets = ref || p.maybeOptions ? p.operands : p.operands.slice(1);
  return { targets, recursive: hasAny(p, 'R', 'recursive') || p.maybeOptions };
}

/** dd's `of=` operands (as paths), and words that may be one (unknown text in front). */
export function ddArgs(args: Word[]): { outputs: Word[]; unknown: Word[] } {
  const outputs: Word[] = [];
  const unknown: Word[] = [];
  for (const w of args) {
    const of = w.values.filter((v) => v.startsWith('of='));
    if (of.length)
      outputs.push(
        makeWord(
          w.text,
          of.map((v) => v.slice(3)),
        ),
      );
    if (w.literal === null && w.values.some((v) => v.startsWith(ANY))) unknown.push(w);
  }
  return { outputs, unknown };
}

/** Stands for the `{}` of `find -exec`: a found path. */
const FOUND = '\uE010';

/**
 * find: from its starting points, `-delete` or an `-exec` that deletes, writes
 * or runs a shell on what it finds reaches the whole tree; `-fprint FILE` and
 * friends write FILE.
 */
function find(args: Word[], out: Effects): void {
  const f = findArgs(args);
  for (const w of f.writes) out.writes.push(effectOf(w.word, 'path', `writes (find ${w.action})`));
  let modifies = f.deletes;
  for (const exec of f.execs) {
    const cmd = exec.map((w) => (w.literal?.includes('{}') ? literalWord(w.literal.replaceAll('{}', FOUND)) : w));
    const name = commandName(cmd[0]);
    const inner = effectsOf(cmd);
    const runsOrDeletes = name === null || DELETERS.has(name) || SHELLS.has(name) || languageOf(name) !== null;
    if (runsOrDeletes || inner.writes.some((e) => e.values.some((v) => v.includes(FOUND)))) modifies = true;
  }
  if (modifies) addAll(out, f.starts, 'tree', 'deletes or rewrites files under');
}
