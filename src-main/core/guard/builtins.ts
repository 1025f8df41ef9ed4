/**
 * Builtins that change the walker's shell state (shell-state.ts): cd, pushd,
 * popd, set, shift, alias; the ones that assign variables out of sight
 * (read, mapfile/readarray, printf -v, getopts, wait -p), whose variables
 * become unknown and computed; and the declaration builtins (declare,
 * typeset, local, export, readonly) for what tree-sitter does not parse as
 * `NAME=value` (`declare "D=/usr"`, `export "$V"`). A nameref (`declare -n`)
 * lets any later assignment change another variable: refused.
 */
import { type Finding, argvOf } from './finding.js';
import { mayBeOption, optArgs, parseOptions } from './options.js';
import type { ShellState } from './shell-state.js';
import { ANY, type Word, literalWord, unknownWord } from './words.js';

export interface BuiltinHost {
  state: ShellState;
  /** Check shell text this shell runs (a `mapfile -C` callback). */
  script(text: string): Finding | null;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The builtins read here (any other command leaves the state as it is). */
export const STATE_BUILTINS = new Set([
  'cd',
  'chdir',
  'pushd',
  'popd',
  'set',
  'shift',
  'alias',
  'read',
  'mapfile',
  'readarray',
  'printf',
  'getopts',
  'wait',
  'declare',
  'typeset',
  'local',
  'export',
  'readonly',
]);

export function builtin(name: string | null, argv: Word[], host: BuiltinHost): Finding | null {
  const s = host.state;
  const args = argv.slice(1);
  switch (name) {
    case 'cd':
    case 'chdir':
      s.cd(operand(args, /^-[LPe@]+$/));
      return null;
    case 'pushd': {
      if (args.some((w) => w.literal === '-n')) return null;
      const dir = operand(args, /^-n$/);
      if (!dir || /^[+-]\d+$/.test(dir.literal ?? '')) s.lost();
      else s.pushd(dir);
      return null;
    }
    case 'popd':
      if (args.some((w) => w.literal === '-n')) return null;
      if (args.length) s.lost();
      else s.popd();
      return null;
    case 'set':
      setBuiltin(args, s);
      return null;
    case 'shift': {
      const n = args[0] === undefined ? 1 : /^\d+$/.test(args[0].literal ?? '') ? Number(args[0].literal) : null;
      s.shift(n);
      return null;
    }
    case 'alias':
      for (const w of args) {
        if (w.literal === null) return { rule: 'non-literal-script', reason: `the alias definition ${w.text} is not literal`, argv: argvOf(argv) };
        const eq = w.literal.indexOf('=');
        if (eq > 0) s.defineAlias(w.literal.slice(0, eq), w.literal.slice(eq + 1));
      }
      return null;
    case 'read': {
      const p = parseOptions(args, { short: 'adinNptu' });
      unknownNames([...p.operands, ...optArgs(p, 'a')], s, 'REPLY');
      return null;
    }
    case 'mapfile':
    case 'readarray': {
      const p = parseOptions(args, { short: 'dnOsuCc' });
      unknownNames(p.operands, s, 'MAPFILE');
      // The callback is evaluated with the index and the line appended.
      for (const cb of optArgs(p, 'C')) {
        if (cb.literal === null) return { rule: 'non-literal-script', reason: `${name} -C runs ${cb.text}, which is not literal`, argv: argvOf(argv) };
        const f = host.script(`${cb.literal} "$__index" $__line`);
        if (f) return f;
      }
      return null;
    }
    case 'printf': {
      const first = args[0];
      if (first?.literal === '-v') unknownNames(args.slice(1, 2), s, null);
      else if (first?.literal?.startsWith('-v')) unknownNames([literalWord(first.literal.slice(2))], s, null);
      else if (first && mayBeOption(first)) s.loseVars(); // it may be `-v NAME`
      return null;
    }
    case 'getopts':
      unknownNames(args.slice(1, 2), s, null);
      s.setUnknown('OPTARG');
      return null;
    case 'wait':
      unknownNames(optArgs(parseOptions(args, { short: 'p' }), 'p'), s, null);
      return null;
    case 'declare':
    case 'typeset':
    case 'local':
    case 'export':
    case 'readonly':
      return declaration(name, args, s, argv);
    default:
      return null;
  }
}

/** Variables a builtin assigns from input we cannot see; a name we cannot read may be any variable. */
function unknownNames(words: Word[], s: ShellState, fallback: string | null): void {
  if (words.length === 0 && fallback) s.setUnknown(fallback);
  for (const w of words) {
    const lit = w.literal?.replace(/\[.*$/, '') ?? null;
    if (lit === null || !NAME.test(lit)) s.loseVars();
    else s.setUnknown(lit);
  }
}

/**
 * declare and friends, word by word (the `NAME=value` nodes tree-sitter
 * parsed are assigned by the walker). A word we cannot read may assign any
 * variable.
 */
export function declaration(kw: string, words: Word[], s: ShellState, argv: Word[]): Finding | null {
  let functions = false;
  for (const w of words) {
    const lit = w.literal;
    if (lit === null) {
      if (!functions) s.loseVars();
      continue;
    }
    if (/^-[A-Za-z]*n/.test(lit) && kw !== 'export' && kw !== 'readonly') {
      return { rule: 'non-literal-script', reason: `${kw} -n makes a name that changes another variable out of sight`, argv: argvOf(argv) };
    }
    if (/^[-+][A-Za-z]*[fF]/.test(lit)) functions = true;
    if (/^[-+]/.test(lit) || functions) continue;
    const eq = lit.indexOf('=');
    if (eq <= 0) continue;
    const target = lit.slice(0, eq).replace(/\+$/, '');
    if (!NAME.test(target)) {
      // `a[1]=x`, `a+=x`: the variable may now hold anything.
      const base = target.replace(/\[.*$/, '');
      if (NAME.test(base)) s.setUnknown(base);
      else s.loseVars();
      continue;
    }
    const values = lit.endsWith('+=', eq + 1) ? [ANY] : [lit.slice(eq + 1)];
    if (kw === 'local' || kw === 'declare' || kw === 'typeset') values.push(...(s.variable(target) ?? [ANY]));
    s.assign(target, values);
  }
  return null;
}

/** `set [options] [--] ARGS`: new positional parameters when any operand or `--` is given. */
function setBuiltin(args: Word[], s: ShellState): void {
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const lit = w.literal;
    if (lit === null && mayBeOption(w)) {
      // It may be options or the new parameters: any of the words may be $1.
      s.bindPositional([unknownWord('set', true)]);
      return;
    }
    if (lit === '--' || (lit === '-' && i + 1 < args.length)) {
      s.bindPositional(args.slice(i + 1));
      return;
    }
    if (lit !== null && /^[-+]/.test(lit)) {
      if (/^[-+][A-Za-z]*o$/.test(lit)) i++;
      continue;
    }
    s.bindPositional(args.slice(i));
    return;
  }
}

/** The first operand after options (`cd -P -- DIR`); `-` alone is an operand. */
function operand(args: Word[], option: RegExp): Word | undefined {
  let i = 0;
  while (i < args.length && args[i]!.literal !== null && args[i]!.literal !== '-' && (option.test(args[i]!.literal!) || args[i]!.literal === '--')) {
    if (args[i]!.literal === '--') {
      i++;
      break;
    }
    i++;
  }
  return args[i];
}
