/**
 * The hard block, one function per dangerous command. Each looks at the
 * effective argv (wrappers already stripped) and returns a finding or null.
 * Ordinary work stays allowed: only the targets the contract names count.
 */
import { controlFinding, resolveAll, wipeFinding } from './control-rules.js';
import { dockerFinding } from './docker-rules.js';
import { RM_SPEC, chmodArgs, ddArgs, effectsOf } from './file-effects.js';
import { type Finding, type RuleContext, argvOf } from './finding.js';
import { DELETERS, findArgs } from './find-args.js';
import { hasAny, mayBeSeveral, parseOptions } from './options.js';
import { ROOT_PROTECTED, SYSTEM_DIRS, couldBeDevice, couldNameAny, showPattern } from './targets.js';
import { SHELLS, commandName, substitute } from './unwrap.js';
import { HOME, type Word } from './words.js';

export type { Finding, RuleId } from './finding.js';
export { argvOf } from './finding.js';

function protectedTarget(operands: Word[], ctx: RuleContext, protect: readonly string[]): string | null {
  for (const w of operands) {
    for (const norm of resolveAll(w.values, ctx, 'skip')) {
      if (couldNameAny(norm, protect) !== null) return w.literal ?? w.text;
    }
  }
  return null;
}

/**
 * rm -r of a protected path. A word that may expand to options may make it
 * recursive: `rm $X /usr`, `rm "$(echo -rf)" /usr`, `rm *` where a file is
 * named `-rf`. One quoted computed word alone is either the option or the
 * file, so then only the other operands are targets.
 */
function rm(argv: Word[], ctx: RuleContext): Finding | null {
  const p = parseOptions(argv.slice(1), RM_SPEC);
  let targets = p.operands;
  if (!hasAny(p, 'r', 'R', 'recursive', 'no-preserve-root') && !p.unsure) {
    if (p.maybe.length === 0) return null;
    const single = p.maybe.filter((w) => !mayBeSeveral(w));
    if (p.maybe.length === 1 && single.length === 1) targets = p.operands.filter((w) => w !== single[0]);
  }
  const target = protectedTarget(targets, ctx, ctx.control.deleteProtected);
  if (target === null) return null;
  return { rule: 'recursive-delete', reason: `recursive delete of ${target} (root, home or a top-level system folder)`, argv: argvOf(argv) };
}

function find(argv: Word[], ctx: RuleContext): Finding | null {
  const f = findArgs(argv.slice(1));
  const homes = ctx.control.home && ctx.control.home !== '/' ? [HOME, ctx.control.home] : [HOME];
  const protect = f.filtered ? ['/', ...homes] : ['/', ...homes, ...SYSTEM_DIRS.filter((d) => d !== '/tmp')];
  let deletes = f.deletes;
  for (const exec of f.execs) {
    const cmd = substitute(exec, '{}', false);
    const inner = ctx.exec(cmd);
    if (inner) return inner;
    const name = commandName(cmd[0]);
    if (name === null || DELETERS.has(name) || SHELLS.has(name)) deletes = true;
  }
  if (!deletes) return null;
  const target = protectedTarget(f.starts, { ...ctx, cwds: [null] }, protect);
  if (target === null) return null;
  return { rule: 'find-delete', reason: `find deleting from ${target}`, argv: argvOf(argv) };
}

function mkfs(argv: Word[]): Finding | null {
  const hit = argv.slice(1).find((w) => w.literal === null || w.values.some((v) => couldBeDevice(v, false)));
  if (!hit) return null;
  return { rule: 'mkfs', reason: `making a filesystem on ${hit.literal ?? hit.text}`, argv: argvOf(argv) };
}

function wipe(argv: Word[], tool: string): Finding | null {
  const hit = parseOptions(argv.slice(1)).operands.find((w) => w.values.some((v) => couldBeDevice(v, false)));
  if (!hit) return null;
  return { rule: 'wipe-device', reason: `${tool} on device ${hit.literal ?? hit.text}`, argv: argvOf(argv) };
}

function dd(argv: Word[]): Finding | null {
  const { outputs, unknown } = ddArgs(argv.slice(1));
  for (const w of [...outputs, ...unknown]) {
    const target = w.values.find((v) => couldBeDevice(v, false));
    if (target !== undefined) return { rule: 'dd-device', reason: `dd writing to device ${showPattern(target)}`, argv: argvOf(argv) };
  }
  return null;
}

function writeTo(argv: Word[], tool: string, lastOnly: boolean): Finding | null {
  const p = parseOptions(argv.slice(1), tool === 'tee' ? {} : { short: 'St', long: ['suffix', 'target-directory'] });
  const targets = lastOnly && !p.maybeOptions ? p.operands.slice(-1) : p.operands;
  const hit = targets.find((w) => w.values.some((v) => couldBeDevice(v, true)));
  if (!hit) return null;
  return { rule: 'write-device', reason: `${tool} writing to device ${hit.literal ?? hit.text}`, argv: argvOf(argv) };
}

function chmodRoot(argv: Word[], tool: string, ctx: RuleContext): Finding | null {
  const c = chmodArgs(tool, argv.slice(1));
  if (!c.recursive) return null;
  const target = protectedTarget(c.targets, ctx, ROOT_PROTECTED);
  if (target === null) return null;
  return { rule: 'recursive-chmod-root', reason: `recursive ${tool} of ${target}`, argv: argvOf(argv) };
}

/** Check one effective command (wrappers stripped) in its context. */
export function checkArgv(argv: Word[], ctx: RuleContext): Finding | null {
  const name = commandName(argv[0]);
  if (name === null) return null;
  if (name === 'eval' || name === 'source' || name === '.') {
    return { rule: 'eval', reason: `${name} runs text the blocklist cannot see`, argv: argvOf(argv) };
  }
  const own = contractRule(name, argv, ctx);
  if (own) return own;
  const docker = dockerFinding(argv, ctx.control);
  if (docker) return docker;
  const effects = effectsOf(argv);
  for (const text of effects.scripts) {
    if (text === null) return { rule: 'non-literal-script', reason: `${name} runs shell text that cannot be read (sed e)`, argv: argvOf(argv) };
    const inner = ctx.script(text);
    if (inner) return inner;
  }
  return wipeFinding(argv, effects, ctx) ?? controlFinding(argv, effects, ctx);
}

/** The contract's first list: rm -rf /, find -delete, mkfs, raw disk writes, chmod -R /. */
function contractRule(name: string, argv: Word[], ctx: RuleContext): Finding | null {
  if (name === 'rm') return rm(argv, ctx);
  if (name === 'find') return find(argv, ctx);
  if (name.startsWith('mkfs') || name === 'mke2fs' || name === 'mkswap') return mkfs(argv);
  if (name === 'wipefs' || name === 'shred' || name === 'blkdiscard') return wipe(argv, name);
  if (name === 'dd') return dd(argv);
  if (name === 'tee') return writeTo(argv, name, false);
  if (name === 'cp' || name === 'mv' || name === 'install') return writeTo(argv, name, true);
  if (name === 'chmod' || name === 'chown' || name === 'chgrp') return chmodRoot(argv, name, ctx);
  return null;
}
