/**
 * A rule's verdict on one command, and the context every rule reads: the
 * folders the command may run in, the droplet's control plane, and a way to
 * check shell text found inside a command as a script of its own.
 */
import type { ControlSet } from './control-targets.js';
import type { Cwd } from './shell-state.js';
import type { Word } from './words.js';

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
  | 'recursive-chmod-root'
  | 'control-plane'
  | 'authorized-keys'
  | 'docker-destroy'
  | 'wipe-root'
  | 'interpreter';

export interface Finding {
  rule: RuleId;
  reason: string;
  argv: string[];
}

export interface ScriptOptions {
  /** `$0 $1 ...` of the new shell (`sh -c TEXT ARG0 ARGS`). */
  args?: Word[];
  /** Its stdin is fed by code we cannot read (an interpreter's `input=...`): a shell reading its script from there is refused. */
  stdinFed?: boolean;
}

export interface RuleContext {
  /** The folders the command may run in (null: where the whole command started, unknown). */
  cwds: readonly Cwd[];
  control: ControlSet;
  /** Check shell text carried by the command (a new shell, same folder). */
  script(text: string, opts?: ScriptOptions): Finding | null;
  /** Check an argv the command runs itself (`find -exec`). */
  exec(words: Word[]): Finding | null;
  /** The check is past its time budget (long scans look between steps). */
  expired(): boolean;
}

/** The reasons a refusal for the budget or the bounds gives (one wording each). */
export const TOO_SLOW = 'the command took too long to check';
export const TOO_MANY = 'the command changes folders or variables in more ways than can be followed';

export const argvOf = (words: Word[]) => words.map((w) => w.literal ?? w.text);

/** Rules that say "we could not read this", as opposed to "this is dangerous". */
export const UNREADABLE: ReadonlySet<RuleId> = new Set(['parse-error', 'too-deep', 'non-literal-command', 'non-literal-script', 'eval', 'too-long']);
