/**
 * Wrappers run another command: `sudo rm`, `env X=1 rm`, `timeout 5 rm`,
 * `xargs rm`, `busybox rm`. We strip each wrapper with its own options until
 * the real command is left, and collect what some of them carry: shell text
 * (`sh -c '...'`, `su -c`, `env -S`, `ssh host CMD`), text run later (`trap`),
 * the folder the command runs in (`env -C DIR`) and files the wrapper itself
 * writes (`strace -o FILE`). The caller checks each.
 */
import { envSplit } from './env-split.js';
import { hasAny, optArg, optArgs, optionsEnd, parseOptions } from './options.js';
import { type Done, SHELLS, emptyUnwrapped, joined, parallel, shellCommand, suLike, trap } from './shell-wrappers.js';
import { WRAPPERS, type WrapperSpec } from './wrappers.js';
import { ANY, type Word, literalWord, makeWord, unknownWord } from './words.js';

export { SHELLS } from './shell-wrappers.js';

export interface Unwrapped {
  /** The command that actually runs, name first (may be empty). */
  argv: Word[];
  /** Wrapper names that were stripped, outermost first. */
  wrappers: string[];
  /** Shell text carried by the command, run by a new shell (to be parsed and checked too). */
  scripts: Word[];
  /** `$0 $1 ...` of a `sh -c TEXT ARG0 ARGS` script, when given. */
  scriptArgs: Word[] | null;
  /** Shell text run later by this same shell (`trap`). */
  deferred: Word[];
  /** The effective command is a shell reading its script from stdin (or from a path that may be stdin). */
  shellReadsStdin: boolean;
  /** The effective command is a shell running a process substitution `bash <(...)`. */
  shellRunsSubstitution: boolean;
  /** Folders the command runs in, set by wrappers in order (`env -C DIR`; an unknown word: somewhere we cannot know). */
  chdir: Word[];
  /** Files a wrapper itself writes (`strace -o FILE`, `script FILE`). */
  writes: Word[];
}

export interface UnwrapOptions {
  /** xargs reads paths from `find` (not words that may be options). */
  xargsPaths?: boolean;
}

/** The name a shell would look up: quotes removed, directory dropped (`/bin/rm`, `./rm`). */
export function commandName(w: Word | undefined): string | null {
  if (!w || w.literal === null) return null;
  const i = w.literal.lastIndexOf('/');
  return i === -1 ? w.literal : w.literal.slice(i + 1);
}

export function unwrap(input: Word[], opts: UnwrapOptions = {}): Unwrapped {
  const u = emptyUnwrapped();
  let words = input;
  let xargs = false;
  let replace: string | null = null;
  // xargs appends words from its input: unknown, and (unless they are find's paths) maybe options.
  const done = (argv: Word[]): Unwrapped => {
    u.argv = argv;
    if (!xargs || argv.length === 0) return u;
    const input = opts.xargsPaths ? makeWord('<xargs input>', ANY) : unknownWord('<xargs input>', true);
    u.argv = [...argv, input];
    if (u.scriptArgs) u.scriptArgs = [...u.scriptArgs, input];
    return u;
  };
  for (let guard = 0; guard < 64; guard++) {
    const name = commandName(words[0]);
    if (name === null) break;
    const spec = WRAPPERS[name];
    let next: number | null = null;
    if (spec) next = simpleWrapper(words, spec, u);
    else {
      switch (name) {
        case 'env': {
          const p = parseOptions(words.slice(1), { short: 'uCS', long: ['unset', 'chdir', 'split-string'], posix: true });
          const dir = optArg(p, 'C', 'chdir');
          if (dir) u.chdir.push(dir);
          const split = optArg(p, 'S', 'split-string');
          if (split) {
            // `env -S 'STRING'` splits STRING into more options, assignments and the command.
            if (split.literal === null) {
              u.scripts.push(unknownWord(split.text));
              u.wrappers.push('env');
              return done([]);
            }
            words = [literalWord('env'), ...envSplit(split.literal), ...words.slice(1 + p.end)];
            u.wrappers.push('env');
            continue;
          }
          next = assignments(words, 1 + p.end, u);
          break;
        }
        case 'xargs': {
          const p = parseOptions(words.slice(1), {
            short: 'adEILnPs',
            attachedOptional: 'eil',
            long: ['arg-file', 'delimiter', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
            longOptional: ['eof', 'replace', 'max-lines'],
            posix: true,
          });
          next = 1 + p.end;
          xargs = true;
          if (hasAny(p, 'I', 'i', 'replace')) replace = optArg(p, 'I', 'i', 'replace')?.literal ?? '{}';
          if (next >= words.length) words = [...words, literalWord('echo')];
          break;
        }
        case 'busybox':
        case 'toybox':
          next = words[1]?.literal?.startsWith('-') ? words.length : 1;
          break;
        case 'su':
        case 'runuser':
          return suLike(name, words, u, done, (rest) => unwrapInto(rest, u, done));
        case 'flock': {
          const c = parseOptions(words.slice(1), { short: 'wEc', long: ['timeout', 'conflict-exit-code', 'command'] });
          const script = optArg(c, 'c', 'command');
          if (script) {
            u.scripts.push(script);
            u.wrappers.push(name);
            return done([]);
          }
          next = optionsEnd(words, 1, { short: 'wE', long: ['timeout', 'conflict-exit-code'] }) + 1;
          break;
        }
        case 'watch': {
          const flags = ['beep', 'chgexit', 'errexit', 'exec', 'no-title', 'precise', 'color'];
          const at = optionsEnd(words, 1, { short: 'nqd', long: ['interval'], longOptional: ['differences'], flags });
          if (at < words.length) u.scripts.push(joined(words.slice(at), 'watch'));
          u.wrappers.push(name);
          return done([]);
        }
        case 'script': {
          // util-linux `script -c CMD [FILE]`: the command runs in a shell; FILE (default ./typescript) is written.
          const long = ['command', 'echo', 'log-in', 'log-out', 'log-io', 'log-timing', 'logging-format'];
          const p = parseOptions(words.slice(1), { short: 'cEIOBTm', attachedOptional: 't', long });
          u.scripts.push(...optArgs(p, 'c', 'command'));
          u.writes.push(p.operands[0] ?? literalWord('typescript'), ...optArgs(p, 'I', 'O', 'B', 'T', 'log-in', 'log-out', 'log-io', 'log-timing'));
          u.wrappers.push(name);
          return done([]);
        }
        case 'ssh': {
          // `ssh host CMD...`: the words after the host are joined and run by a shell there,
          // and "there" is often this droplet (localhost).
          const at = optionsEnd(words, 1, { short: 'BbcDEeFIiJLlmOoPpQRSWw' });
          const rest = words.slice(at + 1);
          if (rest.length === 0) return done(words);
          u.scripts.push(joined(rest, 'ssh command'));
          u.wrappers.push(name);
          return done([]);
        }
        case 'sg': {
          // `sg [-] GROUP [-c] COMMAND`: COMMAND goes to /bin/sh -c.
          let i = words[1]?.literal === '-' ? 2 : 1;
          i++;
          if (words[i]?.literal === '-c') i++;
          if (i < words.length) u.scripts.push(joined(words.slice(i), 'sg command'));
          u.wrappers.push(name);
          return done([]);
        }
        case 'parallel':
          return parallel(words, u, done);
        case 'trap':
          return trap(words, u, done);
        default:
          break;
      }
    }
    if (next === null) break;
    u.wrappers.push(name);
    words = words.slice(Math.min(next, words.length));
    if (words.length === 0) break;
  }
  if (replace !== null) words = substitute(words, replace, true);
  const name = commandName(words[0]);
  if (name !== null && SHELLS.has(name)) return shellCommand(words, u, done);
  return done(words);
}

/** A wrapper of the table: its options, what they say, and where its command starts (null: it runs none). */
function simpleWrapper(words: Word[], spec: WrapperSpec, u: Unwrapped): number | null {
  const p = parseOptions(words.slice(1), { ...spec.opts, posix: true });
  if (spec.noCommand && hasAny(p, ...spec.noCommand)) return words.length;
  for (const [n, arg] of p.all) {
    if (spec.chdir?.includes(n)) u.chdir.push(arg ?? unknownWord(`${n} (a folder we cannot know)`));
    if (spec.lostDir?.includes(n)) u.chdir.push(unknownWord(`${n} (a login shell's home)`));
    if (spec.writes?.includes(n) && arg) u.writes.push(arg);
  }
  if (p.unsure) u.scripts.push(unknownWord(`${words[0]!.text} options that cannot be read`));
  const at = 1 + p.end + (spec.skip ?? 0);
  return spec.assignments ? assignments(words, at, u) : at;
}

/**
 * `NAME=value` words before the command (env, sudo). A function defined
 * through the environment (`BASH_FUNC_f%%=() { ...; }`) runs in any bash
 * started below: refused as shell text we cannot follow.
 */
function assignments(words: Word[], i: number, u: Unwrapped): number {
  while (i < words.length) {
    const lit = words[i]!.literal;
    if (lit === null || !lit.includes('=') || lit.startsWith('=')) break;
    if (lit.startsWith('BASH_FUNC_')) u.scripts.push(unknownWord(`${lit.slice(0, 40)} (a function defined through the environment)`));
    i++;
  }
  return i;
}

/** Go on unwrapping the rest as a command of its own, keeping what was found so far. */
function unwrapInto(rest: Word[], u: Unwrapped, done: Done): Unwrapped {
  const inner = unwrap(rest);
  u.wrappers.push(...inner.wrappers);
  u.scripts.push(...inner.scripts);
  u.deferred.push(...inner.deferred);
  u.chdir.push(...inner.chdir);
  u.writes.push(...inner.writes);
  u.scriptArgs = inner.scriptArgs;
  u.shellReadsStdin = inner.shellReadsStdin;
  u.shellRunsSubstitution = inner.shellRunsSubstitution;
  return done(inner.argv);
}

/**
 * Words holding a placeholder that xargs or find fills in (`{}`) become
 * unknown there; shell text holding one becomes unknown as a whole, since
 * the filled-in text may close its quotes. xargs fills in its input
 * (`computed`: it may be `-rf`); find a path it found (never an option).
 */
export function substitute(words: Word[], placeholder: string, computed: boolean): Word[] {
  if (placeholder === '') return words;
  return words.map((w) => {
    if (w.literal === null || !w.literal.includes(placeholder)) return w;
    const value = w.literal.split(placeholder).join(ANY);
    return { ...w, value, values: [value], literal: null, computed };
  });
}
