/**
 * The hard block, one function per dangerous command. Each looks at the
 * effective argv (wrappers already stripped) and returns a finding or null.
 * Ordinary work stays allowed: only the targets the contract names count.
 */
import { controlFinding, resolveAll, wipeFinding } from './control-rules.js';
import { dockerFinding } from './docker-rules.js';
import { effectsOf } from './file-effects.js';
import { type Finding, type RuleContext, argvOf } from './finding.js';
import { ROOT_PROTECTED, SYSTEM_DIRS, couldBeDevice, couldNameAny, showPattern } from './targets.js';
import { ANY, HOME } from './words.js';
import type { Word } from './words.js';
import { SHELLS, commandName, substitute } from './unwrap.js';

export type { Finding, RuleId } from './finding.js';
export { argvOf } from './finding.js';

interface Parsed {
  /** Letters of short options and names of long ones, before `--`. */
  flags: Set<string>;
  operands: Word[];
  /** A word with an unquoted unknown part: may expand to options too. */
  maybeOptions: boolean;
}

function parseArgs(words: Word[]): Parsed {
  const flags = new Set<string>();
  const operands: Word[] = [];
  let maybeOptions = false;
  let ended = false;
  for (const w of words) {
    const lit = w.literal;
    if (!ended && lit === '--') {
      ended = true;
      continue;
    }
    if (!ended && lit !== null && lit.startsWith('--')) flags.add(lit.slice(2).split('=')[0]!);
    else if (!ended && lit !== null && lit.startsWith('-') && lit.length > 1) for (const ch of lit.slice(1)) flags.add(ch);
    else {
      if (lit === null && w.splits && !ended) maybeOptions = true;
      operands.push(w);
    }
  }
  return { flags, operands, maybeOptions };
}

function protectedTarget(operands: Word[], cwds: RuleContext['cwds'], protect: readonly string[]): string | null {
  for (const w of operands) {
    for (const norm of resolveAll(w.values, cwds, 'skip')) {
      if (couldNameAny(norm, protect) !== null) return w.literal ?? w.text;
    }
  }
  return null;
}

function rm(argv: Word[], ctx: RuleContext): Finding | null {
  const p = parseArgs(argv.slice(1));
  const recursive = p.flags.has('r') || p.flags.has('R') || p.flags.has('recursive') || p.maybeOptions;
  if (!recursive && !p.flags.has('no-preserve-root')) return null;
  const target = protectedTarget(p.operands, ctx.cwds, ctx.control.deleteProtected);
  if (target === null) return null;
  return { rule: 'recursive-delete', reason: `recursive delete of ${target} (root, home or a top-level system folder)`, argv: argvOf(argv) };
}

const FIND_FILTERS = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname']);
const DELETERS = new Set(['rm', 'unlink', 'rmdir', 'shred', 'srm']);

function find(argv: Word[], ctx: RuleContext): Finding | null {
  let i = 1;
  while (i < argv.length && /^-(H|L|P|O\d*|D)$/.test(argv[i]!.literal ?? '')) i += argv[i]!.literal === '-D' ? 2 : 1;
  const starts: Word[] = [];
  while (i < argv.length) {
    const lit = argv[i]!.literal;
    if (lit !== null && (lit.startsWith('-') || lit === '(' || lit === '!' || lit === ')')) break;
    starts.push(argv[i]!);
    i++;
  }
  const expr = argv.slice(i);
  const filtered = expr.some((w) => FIND_FILTERS.has(w.literal ?? ''));
  const homes = ctx.control.home && ctx.control.home !== '/' ? [HOME, ctx.control.home] : [HOME];
  const protect = filtered ? ['/', ...homes] : ['/', ...homes, ...SYSTEM_DIRS.filter((d) => d !== '/tmp')];
  const target = protectedTarget(starts, [null], protect);
  let deletes = expr.some((w) => w.literal === '-delete');
  for (let k = 0; k < expr.length; k++) {
    if (!/^-(exec|execdir|ok|okdir)$/.test(expr[k]!.literal ?? '')) continue;
    let end = k + 1;
    while (end < expr.length && expr[end]!.literal !== ';' && expr[end]!.literal !== '+') end++;
    const cmd = substitute(expr.slice(k + 1, end), '{}');
    const inner = ctx.exec(cmd);
    if (inner) return inner;
    const name = commandName(cmd[0]);
    if (name === null || DELETERS.has(name) || SHELLS.has(name)) deletes = true;
    k = end;
  }
  if (target === null || !deletes) return null;
  return { rule: 'find-delete', reason: `find deleting from ${target}`, argv: argvOf(argv) };
}

function mkfs(argv: Word[]): Finding | null {
  const hit = argv.slice(1).find((w) => w.literal === null || w.values.some((v) => couldBeDevice(v, false)));
  if (!hit) return null;
  return { rule: 'mkfs', reason: `making a filesystem on ${hit.literal ?? hit.text}`, argv: argvOf(argv) };
}

function wipe(argv: Word[], tool: string): Finding | null {
  const p = parseArgs(argv.slice(1));
  const hit = p.operands.find((w) => w.values.some((v) => couldBeDevice(v, false)));
  if (!hit) return null;
  return { rule: 'wipe-device', reason: `${tool} on device ${hit.literal ?? hit.text}`, argv: argvOf(argv) };
}

function dd(argv: Word[]): Finding | null {
  for (const w of argv.slice(1)) {
    for (const v of w.values) {
      const target = v.startsWith('of=') ? v.slice(3) : w.literal === null && v.startsWith(ANY) ? v : null;
      if (target !== null && couldBeDevice(target, false)) {
        return { rule: 'dd-device', reason: `dd writing to device ${showPattern(target)}`, argv: argvOf(argv) };
      }
    }
  }
  return null;
}

function writeTo(argv: Word[], tool: string, lastOnly: boolean): Finding | null {
  const p = parseArgs(argv.slice(1));
  const targets = lastOnly ? p.operands.slice(-1) : p.operands;
  const hit = targets.find((w) => w.values.some((v) => couldBeDevice(v, true)));
  if (!hit) return null;
  return { rule: 'write-device', reason: `${tool} writing to device ${hit.literal ?? hit.text}`, argv: argvOf(argv) };
}

function chmodRoot(argv: Word[], tool: string, ctx: RuleContext): Finding | null {
  const words = argv.slice(1);
  // chmod's `-rwx` is a mode, not options: only R-clusters count as flags there.
  const flagWords = words.filter((w) => w.literal !== null && (w.literal.startsWith('--') || /^-[RcfvhHLP]+$/.test(w.literal)));
  const rest = words.filter((w) => !flagWords.includes(w));
  const p = parseArgs(flagWords);
  const recursive = p.flags.has('R') || p.flags.has('recursive') || rest.some((w) => w.literal === null && w.splits);
  if (!recursive) return null;
  const hasReference = [...p.flags].some((f) => f === 'reference');
  const operands = rest.filter((w) => w.literal !== '--').slice(hasReference ? 0 : 1);
  const target = protectedTarget(operands, ctx.cwds, ROOT_PROTECTED);
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
