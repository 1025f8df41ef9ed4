/**
 * Wrappers run another command: `sudo rm`, `env X=1 rm`, `timeout 5 rm`,
 * `xargs rm`, `busybox rm`. We strip each wrapper with its own options until
 * the real command is left, and collect the shell text that some of them
 * carry (`sh -c '...'`, `su -c`, `env -S`, `trap`) so the caller can parse it
 * as a script of its own.
 */
import { ANY, type Word, literalWord, unknownWord } from './words.js';

export interface Unwrapped {
  /** The command that actually runs, name first (may be empty). */
  argv: Word[];
  /** Wrapper names that were stripped, outermost first. */
  wrappers: string[];
  /** Shell source carried by the command (to be parsed and checked too). */
  scripts: Word[];
  /** The effective command is a shell reading its script from stdin. */
  shellReadsStdin: boolean;
  /** The effective command is a shell running a process substitution `bash <(...)`. */
  shellRunsSubstitution: boolean;
}

export const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'yash', 'rbash', 'fish', 'pdksh', 'posh']);

/** The name a shell would look up: quotes removed, directory dropped (`/bin/rm`, `./rm`). */
export function commandName(w: Word | undefined): string | null {
  if (!w || w.literal === null) return null;
  const i = w.literal.lastIndexOf('/');
  return i === -1 ? w.literal : w.literal.slice(i + 1);
}

interface OptSpec {
  /** Short options that take an argument. */
  short?: string;
  /** Long options that take an argument (without `--`). */
  long?: string[];
  /** Short options whose argument must be attached (`-i{}`, `-l5`). */
  attached?: string;
  /** A bare `-N` number is an option (nice -5). */
  numeric?: boolean;
}

/** Index of the first word after the options (a non-literal word stops the scan: it may be the command). */
function skipOptions(words: Word[], start: number, spec: OptSpec): number {
  let i = start;
  while (i < words.length) {
    const w = words[i]!.literal;
    if (w === null || !w.startsWith('-') || w === '-') return i;
    if (w === '--') return i + 1;
    if (w.startsWith('--')) {
      const name = w.slice(2).split('=')[0]!;
      i += !w.includes('=') && spec.long?.includes(name) ? 2 : 1;
      continue;
    }
    if (spec.numeric && /^-\d+$/.test(w)) {
      i++;
      continue;
    }
    let takesNext = false;
    for (let k = 1; k < w.length; k++) {
      const ch = w[k]!;
      if (spec.attached?.includes(ch)) break;
      if (spec.short?.includes(ch)) {
        takesNext = k === w.length - 1;
        break;
      }
    }
    i += takesNext ? 2 : 1;
  }
  return i;
}

const skipAssignments = (words: Word[], i: number) => {
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.literal ?? '')) i++;
  return i;
};

/** Which short-option word carries a given letter (`-c`, `-lc`, `-xec`). */
const hasShortFlag = (w: string | null, ch: string) => w !== null && /^-[A-Za-z]+$/.test(w) && w.includes(ch);

function findOption(words: Word[], from: number, to: number, short: string | null, long: string | null): { index: number; value: Word | undefined } | null {
  for (let i = from; i < to; i++) {
    const w = words[i]!.literal;
    if (w === null) continue;
    if (long && w.startsWith(`--${long}=`)) return { index: i, value: literalWord(w.slice(long.length + 3)) };
    if ((long && w === `--${long}`) || (short && hasShortFlag(w, short))) return { index: i, value: words[i + 1] };
  }
  return null;
}

export function unwrap(input: Word[], viaXargs = false): Unwrapped {
  let words = input;
  const wrappers: string[] = [];
  const scripts: Word[] = [];
  let xargs = viaXargs;
  let replace: string | null = null;
  for (let guard = 0; guard < 64; guard++) {
    const name = commandName(words[0]);
    let next: number | null = null;
    switch (name) {
      case 'sudo':
      case 'doas':
        next = skipAssignments(words, skipOptions(words, 1, { short: 'ugpCDrtTURh', long: ['user', 'group', 'prompt', 'close-from', 'chdir', 'role', 'type', 'other-user', 'host', 'chroot', 'command-timeout'] }));
        break;
      case 'env': {
        const end = skipOptions(words, 1, { short: 'uCS', long: ['unset', 'chdir', 'split-string'] });
        const split = findOption(words, 1, end, 'S', 'split-string');
        if (split) {
          // `env -S 'rm -rf /'` splits its argument into a command line.
          if (!split.value || split.value.literal === null) return blockedShape(words, wrappers, scripts);
          const parts = split.value.literal.split(/\s+/).filter(Boolean).map(literalWord);
          words = [...parts, ...words.slice(skipAssignments(words, end))];
          wrappers.push('env');
          continue;
        }
        next = skipAssignments(words, end);
        break;
      }
      case 'command':
      case 'builtin':
      case 'nohup':
      case 'time':
        next = skipOptions(words, 1, {});
        break;
      case 'exec':
        next = skipOptions(words, 1, { short: 'a' });
        break;
      case 'nice':
        next = skipOptions(words, 1, { short: 'n', long: ['adjustment'], numeric: true });
        break;
      case 'ionice':
        next = skipOptions(words, 1, { short: 'cnp', long: ['class', 'classdata', 'pid', 'pgid', 'uid'] });
        break;
      case 'setsid':
        next = skipOptions(words, 1, {});
        break;
      case 'stdbuf':
        next = skipOptions(words, 1, { short: 'ioe', long: ['input', 'output', 'error'] });
        break;
      case 'chroot':
        next = skipOptions(words, 1, { long: ['userspec', 'groups'] }) + 1;
        break;
      case 'timeout':
        next = skipOptions(words, 1, { short: 'ks', long: ['kill-after', 'signal'] }) + 1;
        break;
      case 'xargs':
        next = skipOptions(words, 1, { short: 'adEILnPs', attached: 'eil', long: ['arg-file', 'delimiter', 'eof', 'replace', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'] });
        xargs = true;
        replace = xargsReplace(words.slice(1, next)) ?? replace;
        if (next >= words.length) words = [...words, literalWord('echo')];
        break;
      case 'busybox':
        next = words[1]?.literal?.startsWith('-') ? words.length : 1;
        break;
      case 'su':
      case 'runuser': {
        const c = findOption(words, 1, words.length, 'c', 'command');
        if (c) scripts.push(c.value ?? unknownWord('su -c'));
        return finish([], [...wrappers, name], scripts, false, false, xargs);
      }
      case 'flock': {
        const c = findOption(words, 1, words.length, 'c', 'command');
        if (c) {
          scripts.push(c.value ?? unknownWord('flock -c'));
          return finish([], [...wrappers, name], scripts, false, false, xargs);
        }
        next = skipOptions(words, 1, { short: 'wEnsx', long: ['timeout', 'conflict-exit-code'] }) + 1;
        break;
      }
      case 'watch': {
        const at = skipOptions(words, 1, { short: 'nqd', long: ['interval', 'differences', 'equexit'] });
        const rest = words.slice(at);
        if (rest.some((w) => w.literal === null)) scripts.push(unknownWord('watch'));
        else if (rest.length) scripts.push(literalWord(rest.map((w) => w.literal).join(' ')));
        return finish([], [...wrappers, name], scripts, false, false, xargs);
      }
      case 'script': {
        // util-linux `script -c CMD`: the command runs in a shell.
        const c = findOption(words, 1, words.length, 'c', 'command');
        if (c) scripts.push(c.value ?? unknownWord('script -c'));
        return finish([], [...wrappers, name], scripts, false, false, xargs);
      }
      case 'ssh': {
        // `ssh host CMD...`: the words after the host are joined and run by a shell there,
        // and "there" is often this droplet (localhost).
        const at = skipOptions(words, 1, { short: 'BbcDEeFIiJLlmOoPpQRSWw' });
        const rest = words.slice(at + 1);
        if (rest.length === 0) return finish(words, wrappers, scripts, false, false, xargs);
        if (rest.some((w) => w.literal === null)) scripts.push(unknownWord('ssh command'));
        else scripts.push(literalWord(rest.map((w) => w.literal).join(' ')));
        return finish([], [...wrappers, name], scripts, false, false, xargs);
      }
      case 'trap':
        if (words[1] && words[1].literal !== '-' && !words[1].literal?.startsWith('-')) scripts.push(words[1]);
        return finish(words, wrappers, scripts, false, false, xargs);
      default:
        break;
    }
    if (next === null || name === null) break;
    wrappers.push(name);
    words = words.slice(Math.min(next, words.length));
    if (words.length === 0) break;
  }
  if (replace !== null) words = substitute(words, replace);
  const name = commandName(words[0]);
  if (name !== null && SHELLS.has(name)) return shellCommand(words, wrappers, scripts, xargs);
  return finish(words, wrappers, scripts, false, false, xargs);
}

/** The replacement string of `xargs -I R`, `-i[R]` or `--replace[=R]`, if any. */
function xargsReplace(opts: Word[]): string | null {
  for (let i = 0; i < opts.length; i++) {
    const w = opts[i]!.literal ?? '';
    if (w === '-I') return opts[i + 1]?.literal ?? '{}';
    if (w.startsWith('-I')) return w.slice(2);
    if (w.startsWith('-i') || w === '--replace') return w.length > 2 && w.startsWith('-i') ? w.slice(2) : '{}';
    if (w.startsWith('--replace=')) return w.slice(10);
  }
  return null;
}

/**
 * Words holding a placeholder that xargs or find fills in (`{}`) become
 * unknown there; shell text holding one becomes unknown as a whole, since
 * the filled-in text may close its quotes.
 */
export function substitute(words: Word[], placeholder: string): Word[] {
  if (placeholder === '') return words;
  return words.map((w) => {
    if (w.literal === null || !w.literal.includes(placeholder)) return w;
    const value = w.literal.split(placeholder).join(ANY);
    return { ...w, value, values: [value], literal: null };
  });
}

function shellCommand(words: Word[], wrappers: string[], scripts: Word[], xargs: boolean): Unwrapped {
  let i = 1;
  let dashC = false;
  let readsStdin = false;
  while (i < words.length) {
    const w = words[i]!.literal;
    if (w === null) break;
    if (w === '--' || w === '-') {
      i++;
      break;
    }
    if (!/^[-+]/.test(w)) break;
    if (/^[-+][A-Za-z]+$/.test(w)) {
      if (w.startsWith('-') && w.includes('c')) dashC = true;
      if (w.startsWith('-') && w.includes('s')) readsStdin = true;
      i += /[oO]$/.test(w) ? 2 : 1;
    } else i++;
  }
  if (dashC) {
    // With xargs the script itself may come from stdin.
    scripts.push(words[i] ?? unknownWord('sh -c'));
    return finish(words, wrappers, scripts, false, false, xargs);
  }
  const operand = words[i];
  if (operand === undefined || readsStdin) return finish(words, wrappers, scripts, !xargs, false, xargs);
  return finish(words, wrappers, scripts, false, operand.procSub, xargs);
}

function blockedShape(words: Word[], wrappers: string[], scripts: Word[]): Unwrapped {
  return finish(words, wrappers, [...scripts, unknownWord(words.map((w) => w.text).join(' '))], false, false, false);
}

function finish(argv: Word[], wrappers: string[], scripts: Word[], shellReadsStdin: boolean, shellRunsSubstitution: boolean, xargs: boolean): Unwrapped {
  // xargs appends words from its input: unknown operands, but not options.
  const full = xargs && argv.length ? [...argv, unknownWord('<xargs input>')] : argv;
  return { argv: full, wrappers, scripts, shellReadsStdin, shellRunsSubstitution };
}
