/**
 * The hard block, one function per dangerous command. Each looks at the
 * effective argv (wrappers already stripped) and returns a finding or null.
 * Ordinary work stays allowed: only the targets the contract names count.
 */
import { ROOT_PROTECTED, DELETE_PROTECTED, SYSTEM_DIRS, couldBeDevice, couldNameAny, normalizePath, showPattern } from './targets.js';
import { HOME } from './words.js';
import type { Word } from './words.js';
import { SHELLS, commandName, substitute } from './unwrap.js';

export type RuleId =
  | 'too-long'
  | 'parse-error'
  | 'too-deep'
  | 'non-literal-command'
  | 'non-literal-script'
  | 'eval'
  | 'pipe-to-shell'
  | 'recursive-delete'
  | 'find-delete'
  | 'fork-bomb'
  | 'mkfs'
  | 'wipe-device'
  | 'dd-device'
  | 'write-device'
  | 'redirect-device'
  | 'recursive-chmod-root';

export interface Finding {
  rule: RuleId;
  reason: string;
  argv: string[];
}

export const argvOf = (words: Word[]) => words.map((w) => w.literal ?? w.text);

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

function protectedTarget(operands: Word[], cwd: string | null, protect: readonly string[]): string | null {
  for (const w of operands) {
    const norm = normalizePath(w.value, cwd);
    if (norm === null) continue;
    const hit = couldNameAny(norm, protect);
    if (hit !== null) return w.literal ?? w.text;
  }
  return null;
}

function rm(argv: Word[], cwd: string | null): Finding | null {
  const p = parseArgs(argv.slice(1));
  const recursive = p.flags.has('r') || p.flags.has('R') || p.flags.has('recursive') || p.maybeOptions;
  if (!recursive && !p.flags.has('no-preserve-root')) return null;
  const target = protectedTarget(p.operands, cwd, DELETE_PROTECTED);
  if (target === null) return null;
  return { rule: 'recursive-delete', reason: `recursive delete of ${target} (root, home or a top-level system folder)`, argv: argvOf(argv) };
}

const FIND_FILTERS = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname']);
const DELETERS = new Set(['rm', 'unlink', 'rmdir', 'shred', 'srm']);

function find(argv: Word[], analyzeExec: (words: Word[]) => Finding | null): Finding | null {
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
  const protect = filtered ? ['/', HOME] : ['/', HOME, ...SYSTEM_DIRS.filter((d) => d !== '/tmp')];
  const target = protectedTarget(starts, null, protect);
  let deletes = expr.some((w) => w.literal === '-delete');
  for (let k = 0; k < expr.length; k++) {
    if (!/^-(exec|execdir|ok|okdir)$/.test(expr[k]!.literal ?? '')) continue;
    let end = k + 1;
    while (end < expr.length && expr[end]!.literal !== ';' && expr[end]!.literal !== '+') end++;
    const cmd = substitute(expr.slice(k + 1, end), '{}');
    const inner = analyzeExec(cmd);
    if (inner) return inner;
    const name = commandName(cmd[0]);
    if (name === null || DELETERS.has(name) || SHELLS.has(name)) deletes = true;
    k = end;
  }
  if (target === null || !deletes) return null;
  return { rule: 'find-delete', reason: `find deleting from ${target}`, argv: argvOf(argv) };
}

function mkfs(argv: Word[]): Finding | null {
  const hit = argv.slice(1).find((w) => w.literal === null || couldBeDevice(w.value, false));
  if (!hit) return null;
  return { rule: 'mkfs', reason: `making a filesystem on ${hit.literal ?? hit.text}`, argv: argvOf(argv) };
}

function wipe(argv: Word[], tool: string): Finding | null {
  const p = parseArgs(argv.slice(1));
  const hit = p.operands.find((w) => couldBeDevice(w.value, false));
  if (!hit) return null;
  return { rule: 'wipe-device', reason: `${tool} on device ${hit.literal ?? hit.text}`, argv: argvOf(argv) };
}

function dd(argv: Word[]): Finding | null {
  for (const w of argv.slice(1)) {
    const v = w.value;
    const target = v.startsWith('of=') ? v.slice(3) : w.literal === null && v.startsWith('\uE000') ? v : null;
    if (target !== null && couldBeDevice(target, false)) {
      return { rule: 'dd-device', reason: `dd writing to device ${showPattern(target)}`, argv: argvOf(argv) };
    }
  }
  return null;
}

function writeTo(argv: Word[], tool: string, lastOnly: boolean): Finding | null {
  const p = parseArgs(argv.slice(1));
  const targets = lastOnly ? p.operands.slice(-1) : p.operands;
  const hit = targets.find((w) => couldBeDevice(w.value, true));
  if (!hit) return null;
  return { rule: 'write-device', reason: `${tool} writing to device ${hit.literal ?? hit.text}`, argv: argvOf(argv) };
}

function chmodRoot(argv: Word[], tool: string, cwd: string | null): Finding | null {
  const words = argv.slice(1);
  // chmod's `-rwx` is a mode, not options: only R-clusters count as flags there.
  const flagWords = words.filter((w) => w.literal !== null && (w.literal.startsWith('--') || /^-[RcfvhHLP]+$/.test(w.literal)));
  const rest = words.filter((w) => !flagWords.includes(w));
  const p = parseArgs(flagWords);
  const recursive = p.flags.has('R') || p.flags.has('recursive') || rest.some((w) => w.literal === null && w.splits);
  if (!recursive) return null;
  const hasReference = [...p.flags].some((f) => f === 'reference');
  const operands = rest.filter((w) => w.literal !== '--').slice(hasReference ? 0 : 1);
  const target = protectedTarget(operands, cwd, ROOT_PROTECTED);
  if (target === null) return null;
  return { rule: 'recursive-chmod-root', reason: `recursive ${tool} of ${target}`, argv: argvOf(argv) };
}

/** Check one effective command. `cwd` is the directory a literal `cd` left us in, or null. */
export function checkArgv(argv: Word[], cwd: string | null, analyzeExec: (words: Word[]) => Finding | null): Finding | null {
  const name = commandName(argv[0]);
  if (name === null) return null;
  if (name === 'eval' || name === 'source' || name === '.') {
    return { rule: 'eval', reason: `${name} runs text the blocklist cannot see`, argv: argvOf(argv) };
  }
  if (name === 'rm') return rm(argv, cwd);
  if (name === 'find') return find(argv, analyzeExec);
  if (name.startsWith('mkfs') || name === 'mke2fs' || name === 'mkswap') return mkfs(argv);
  if (name === 'wipefs' || name === 'shred' || name === 'blkdiscard') return wipe(argv, name);
  if (name === 'dd') return dd(argv);
  if (name === 'tee') return writeTo(argv, name, false);
  if (name === 'cp' || name === 'mv' || name === 'install') return writeTo(argv, name, true);
  if (name === 'chmod' || name === 'chown' || name === 'chgrp') return chmodRoot(argv, name, cwd);
  return null;
}
