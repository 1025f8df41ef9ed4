/**
 * The wrappers that carry shell text or run a shell, for unwrap.ts: `sh -c`
 * and the shells' own options (`--rcfile FILE`, `-s`, a script that is
 * `/dev/stdin`), su and runuser, trap, GNU parallel, and joining a command's
 * words into the text a remote or wrapped shell runs (`ssh host a b`).
 */
import { hasAny, mayBeOption, optArgs, optionsEnd, parseOptions } from './options.js';
import { isStdinPath } from './targets.js';
import type { Unwrapped } from './unwrap.js';
import { type Word, literalWord, unknownWord } from './words.js';

export type Done = (argv: Word[]) => Unwrapped;

export const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'yash', 'rbash', 'fish', 'pdksh', 'posh']);
/** bash's long options that take an argument. */
const SHELL_LONG_ARGS = ['rcfile', 'init-file'];

export const emptyUnwrapped = (): Unwrapped => ({
  argv: [],
  wrappers: [],
  scripts: [],
  scriptArgs: null,
  deferred: [],
  shellReadsStdin: false,
  shellRunsSubstitution: false,
  chdir: [],
  writes: [],
});

/** The shell text of a word list (`ssh host a b`, `watch a b`): joined, or unknown when any word is. */
export const joined = (words: Word[], what: string): Word => (words.some((w) => w.literal === null) ? unknownWord(what) : literalWord(words.map((w) => w.literal).join(' ')));

/**
 * su and runuser: `-c`/`-C` text runs in the user's shell; `runuser -u USER
 * CMD ARGS` runs CMD; words after the user go to the shell (`su root -- -c
 * CMD`). A login (`-`, `-l`) starts in the user's home.
 */
export function suLike(name: string, words: Word[], u: Unwrapped, done: Done, more: (rest: Word[]) => Unwrapped): Unwrapped {
  const spec = { short: 'cCgGswu', long: ['command', 'session-command', 'group', 'supp-group', 'shell', 'whitelist-environment', 'user'] };
  const p = parseOptions(words.slice(1), spec);
  u.wrappers.push(name);
  if (hasAny(p, 'l', 'login') || p.operands[0]?.literal === '-') u.chdir.push(unknownWord('a login shell'));
  u.scripts.push(...optArgs(p, 'c', 'C', 'command', 'session-command'));
  if (name === 'runuser' && hasAny(p, 'u', 'user')) return more(words.slice(optionsEnd(words, 1, spec)));
  const shellArgs = p.operands.filter((w) => w.literal !== '-').slice(1);
  if (shellArgs.length) {
    const inner = emptyUnwrapped();
    shellCommand([literalWord('sh'), ...shellArgs], inner, () => inner);
    u.scripts.push(...inner.scripts);
  }
  if (p.unsure) u.scripts.push(unknownWord(`${name} options that cannot be read`));
  return done([]);
}

/** `trap [-lpP] [--] ACTION SIGNAL...`: ACTION runs later in this shell; one word alone is a signal to reset. */
export function trap(words: Word[], u: Unwrapped, done: Done): Unwrapped {
  const at = optionsEnd(words, 1, {});
  const rest = words.slice(at);
  if (rest.length >= 2 && rest[0]!.literal !== '-') u.deferred.push(rest[0]!);
  return done(words);
}

/**
 * GNU parallel: the command words (`{}` and friends standing for each
 * argument) run in a shell for each argument after `:::`; with no command,
 * each argument is a command itself.
 */
export function parallel(words: Word[], u: Unwrapped, done: Done): Unwrapped {
  const at = optionsEnd(words, 1, { short: 'adEIjlnNPsSX', long: ['arg-file', 'delimiter', 'jobs', 'max-args', 'sshlogin', 'joblog', 'results', 'tmpdir'] });
  const sep = words.findIndex((w, i) => i >= at && /^:::[:+]*$/.test(w.literal ?? ''));
  const cmd = words.slice(at, sep === -1 ? undefined : sep);
  u.wrappers.push('parallel');
  if (cmd.length === 0) {
    u.scripts.push(...words.slice(sep + 1).filter((w) => !/^:::[:+]*$/.test(w.literal ?? '')));
    return done([]);
  }
  const text = joined(cmd, 'parallel command');
  if (text.literal === null) u.scripts.push(text);
  else {
    const arg = ' $PARALLEL_ARG ';
    const filled = text.literal.replace(/\{[^{}\s]*\}/g, arg);
    u.scripts.push(literalWord(filled === text.literal ? `${filled}${arg}` : filled));
  }
  return done([]);
}

/**
 * A shell: `-c TEXT [ARG0 ARGS]` carries text; with no script operand, `-s`,
 * or a script that may be stdin (`/dev/stdin`, `/dev/fd/0`, an unknown word)
 * it reads its script from stdin. An option word that may be anything (a
 * computed `"$(...)"`) may be `-c` (the next word is then checked as text) or `-s`.
 */
export function shellCommand(words: Word[], u: Unwrapped, done: Done): Unwrapped {
  let i = 1;
  let dashC = false;
  let readsStdin = false;
  let unsure = false;
  while (i < words.length) {
    const word = words[i]!;
    const w = word.literal;
    if (w === null) {
      if (!mayBeOption(word)) break;
      unsure = true;
      i++;
      continue;
    }
    if (w === '--' || w === '-') {
      i++;
      break;
    }
    if (!/^[-+]/.test(w)) break;
    if (w.startsWith('--')) i += SHELL_LONG_ARGS.includes(w.slice(2)) ? 2 : 1;
    else if (/^[-+][A-Za-z]+$/.test(w)) {
      if (w.startsWith('-') && w.includes('c')) dashC = true;
      if (w.startsWith('-') && w.includes('s')) readsStdin = true;
      i += /[oO]$/.test(w) ? 2 : 1;
    } else i++;
  }
  if (dashC || (unsure && words[i])) {
    // With xargs the script itself may come from stdin.
    u.scripts.push(words[i] ?? unknownWord('sh -c'));
    if (dashC) {
      u.scriptArgs = words.slice(i + 1);
      return done(words);
    }
  }
  const operand = words[i];
  u.shellReadsStdin = operand === undefined || readsStdin || unsure || isStdinPath(operand.values);
  u.shellRunsSubstitution = operand?.procSub ?? false;
  return done(words);
}
