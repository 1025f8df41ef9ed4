/**
 * Walks a tree-sitter-bash syntax tree and applies the hard block to every
 * command in it, wherever it sits: inside `if`, loops, functions, `$(...)`,
 * pipelines and lists. Shell text carried inside a command (`sh -c`, here
 * documents fed to a shell, `echo ... | sh`, an alias, an interpreter's shell
 * call, a trap) is parsed and walked in turn. Anything we cannot read is
 * refused rather than guessed.
 *
 * The walk follows the script's own shell state (shell-state.ts): `cd`,
 * variables it assigns, aliases it defines, functions it calls. Around each
 * statement the state is snapshotted and merged back (the statement may have
 * stopped part-way); subshells, pipeline stages and `$(...)` restore it. A
 * loop body is walked again from the merged state until that state settles.
 */
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { CommandStep } from './analyze-command.js';
import { type Item, enter } from './analyze-flow.js';
import type { ControlSet } from './control-targets.js';
import { type Finding, type RuleContext, type ScriptOptions, TOO_MANY, TOO_SLOW } from './finding.js';
import { ShellState } from './shell-state.js';

export const MAX_SCRIPT_DEPTH = 6;
const MAX_NODES = 500_000;

export class Analyzer {
  readonly commands: string[][] = [];
  state: ShellState;
  /** Functions defined so far (name to body); a new shell sees them too (a call is checked, never skipped). */
  functions = new Map<string, Node>();
  /** Aliases and functions being expanded now: no expansion inside its own expansion. */
  readonly expanding = new Set<string>();
  /** Redirects already checked with their command (by node id, per tree). */
  handled = new Set<number>();
  /** The redirects of a redirected_statement, by the id of its body (per tree). */
  outerRedirects = new Map<number, Node[]>();
  /** Commands reading a pipe, and those of them reading find's output (by node id, per tree). */
  pipedStdin = new Set<number>();
  xargsPaths = new Set<number>();
  /** Inside a function body (where `return` ends it). */
  inFunction = 0;
  /** This shell's stdin is fed by code we cannot read. */
  stdinFed = false;
  private nodes = 0;
  /** The command checks (walker internals, shared with analyze-flow.ts). */
  readonly step: CommandStep;
  /** States a statement may end in besides its last one (`cd / && cd /gone` leaves `/`), merged when it ends. */
  sides: ShellState[][] = [];
  /** Trap texts of each shell being walked, checked again when it ends. */
  private traps: string[][] = [];
  /** Trees whose nodes stay in use (functions an alias defined); freed by dispose(). */
  private kept: Tree[] = [];

  constructor(
    private readonly parser: Parser,
    private readonly deadline: number,
    readonly control: ControlSet,
  ) {
    this.state = new ShellState(control.home);
    this.step = new CommandStep(this);
  }

  /** A state the current statement may end in. */
  side(s: ShellState): void {
    const frame = this.sides[this.sides.length - 1];
    if (frame) frame.push(s);
    else this.state.merge(s);
  }

  expired(): boolean {
    return performance.now() > this.deadline;
  }

  /** The rule context for a command at `depth`, in the current state. */
  context(depth: number): RuleContext {
    return {
      cwds: this.state.cwds,
      control: this.control,
      script: (text, opts) => this.nested(text, depth, opts),
      exec: (words) => this.step.effective(words, depth),
      expired: () => this.expired(),
    };
  }

  /** The whole command line (a shell of its own: the traps it sets run when it ends). */
  run(text: string): Finding | null {
    return this.script(text, 0, 'shell');
  }

  dispose(): void {
    for (const t of this.kept) t.delete();
    this.kept = [];
  }

  /**
   * Shell text: `shell`, the script of a shell of its own (its traps run when
   * it ends, with its functions still known); `same`, text run by this same
   * shell (a trap, a callback); `keep`, an alias's text, whose definitions
   * (functions too) stay after it.
   */
  script(text: string, depth: number, mode: 'shell' | 'same' | 'keep' = 'same'): Finding | null {
    const keep = mode === 'keep';
    const show = [text.length > 200 ? `${text.slice(0, 200)}…` : text];
    if (depth > MAX_SCRIPT_DEPTH) return { rule: 'too-deep', reason: `shell text nested more than ${MAX_SCRIPT_DEPTH} levels deep`, argv: show };
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) return { rule: 'parse-error', reason: 'the command holds control characters', argv: show };
    if (this.expired()) return { rule: 'too-deep', reason: TOO_SLOW, argv: show };
    const deadline = this.deadline;
    const progressCallback = (() => performance.now() > deadline) as unknown as (s: unknown) => void;
    this.parser.reset();
    const tree = this.parser.parse(text, null, { progressCallback });
    if (!tree) return { rule: 'parse-error', reason: 'the command took too long to parse', argv: show };
    // Node ids belong to this tree; function bodies too, unless the tree is kept.
    const outer = { functions: this.functions, handled: this.handled, outerRedirects: this.outerRedirects, piped: this.pipedStdin, xargs: this.xargsPaths };
    const sides = this.sides.length;
    this.functions = new Map(outer.functions);
    this.handled = new Set();
    this.outerRedirects = new Map();
    this.pipedStdin = new Set();
    this.xargsPaths = new Set();
    if (mode === 'shell') this.traps.push([]);
    try {
      if (tree.rootNode.hasError) return { rule: 'parse-error', reason: 'the command does not parse as shell', argv: show };
      const found = this.walk(tree.rootNode, depth) ?? (mode === 'shell' ? this.runTraps(depth) : null);
      if (found) return found;
      if (this.state.overflow) return { rule: 'too-deep', reason: TOO_MANY, argv: show };
      return null;
    } finally {
      if (mode === 'shell') this.traps.pop();
      if (!keep) this.functions = outer.functions;
      this.handled = outer.handled;
      this.outerRedirects = outer.outerRedirects;
      this.pipedStdin = outer.piped;
      this.xargsPaths = outer.xargs;
      this.sides.length = sides;
      if (keep) this.kept.push(tree);
      else tree.delete();
    }
  }

  /**
   * Shell text run by a new shell (`sh -c`, a here-document, `os.system`): it
   * starts in our folder with our functions, its changes stay in it, and its
   * traps run when it ends.
   */
  nested(text: string, depth: number, opts: ScriptOptions = {}): Finding | null {
    const saved = this.state.clone();
    const { functions, inFunction, stdinFed } = this;
    this.functions = new Map(functions);
    this.inFunction = 0;
    if (opts.stdinFed !== undefined) this.stdinFed = opts.stdinFed;
    try {
      if (opts.args) this.state.bindPositional(opts.args.slice(1));
      return this.script(text, depth + 1, 'shell');
    } finally {
      this.state.copyFrom(saved);
      this.functions = functions;
      this.inFunction = inFunction;
      this.stdinFed = stdinFed;
    }
  }

  /**
   * Trap text runs later, in this shell, with the variables and the folder as
   * they are then: checked now, and again when the shell ends (an EXIT trap
   * sees the final state).
   */
  later(text: string, depth: number): Finding | null {
    const frame = this.traps[this.traps.length - 1];
    if (frame && !frame.includes(text)) frame.push(text);
    return this.deferred(text, depth);
  }

  /** Trap text as a script of this shell whose changes are not kept (when it runs, the script is over or interrupted). */
  private deferred(text: string, depth: number): Finding | null {
    const saved = this.state.clone();
    try {
      return this.script(text, depth + 1);
    } finally {
      this.state.copyFrom(saved);
    }
  }

  private runTraps(depth: number): Finding | null {
    for (const text of this.traps[this.traps.length - 1] ?? []) {
      const f = this.deferred(text, depth);
      if (f) return f;
    }
    return null;
  }

  walk(root: Node, depth: number): Finding | null {
    const stack: Item[] = [root];
    while (stack.length) {
      const item = stack.pop()!;
      if (typeof item === 'function') {
        const f = item();
        if (f) return f;
        continue;
      }
      if (++this.nodes > MAX_NODES) return { rule: 'too-deep', reason: 'the command is too large to check', argv: [] };
      // The budget covers the whole check: a walk that expands aliases and functions stays bounded in time too.
      if ((this.nodes & 1023) === 0 && this.expired()) return { rule: 'too-deep', reason: TOO_SLOW, argv: [] };
      if (this.state.overflow) return { rule: 'too-deep', reason: TOO_MANY, argv: [] };
      // script() refused any tree with an error or a missing node, so only the type is checked here.
      if (item.type === 'ERROR') return { rule: 'parse-error', reason: 'the command does not parse as shell', argv: [item.text] };
      const found = enter(this, item, depth, stack);
      if (found) return found;
    }
    return null;
  }
}
