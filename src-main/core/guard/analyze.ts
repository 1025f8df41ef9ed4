/**
 * Walks a tree-sitter-bash syntax tree and applies the hard block to every
 * command in it, wherever it sits: inside `if`, loops, functions, `$(...)`,
 * pipelines and lists. Shell text carried inside a command (`sh -c`, here
 * documents fed to a shell, `echo ... | sh`, an alias, an interpreter's shell
 * call) is parsed and walked in turn. Anything we cannot read is refused
 * rather than guessed.
 *
 * The walk follows the script's own shell state (shell-state.ts): `cd`,
 * variables it assigns, aliases it defines, functions it calls. Around each
 * statement the state is snapshotted and merged back (the statement may have
 * stopped part-way); subshells, pipeline stages and `$(...)` restore it.
 */
import type { Node, Parser } from 'web-tree-sitter';
import type { ControlSet } from './control-targets.js';
import { type Finding, type RuleContext } from './finding.js';
import { CommandStep } from './analyze-command.js';
import { forkBomb } from './stdin-code.js';
import { ShellState } from './shell-state.js';
import { ANY, wordOf } from './words.js';

export const MAX_SCRIPT_DEPTH = 6;
const MAX_NODES = 500_000;

/** Where a statement sits: its state is merged back when it may have stopped part-way. */
const STATEMENT_PARENTS = new Set(['program', 'compound_statement', 'do_group', 'subshell', 'if_statement', 'elif_clause', 'else_clause', 'case_item', 'while_statement', 'until_statement']);
const STATEMENTS = new Set([
  'command', 'list', 'pipeline', 'redirected_statement', 'subshell', 'compound_statement', 'if_statement', 'while_statement', 'until_statement',
  'for_statement', 'c_style_for_statement', 'case_statement', 'function_definition', 'negated_command', 'test_command', 'unset_command',
]);
/** Each runs in a subshell: whatever it does to the shell is undone after it. */
const SUBSHELLS = new Set(['subshell', 'command_substitution', 'process_substitution']);
const LOOPS = new Set(['c_style_for_statement', 'while_statement', 'until_statement']);
const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);

type Item = Node | (() => Finding | null);

export class Analyzer {
  readonly commands: string[][] = [];
  state = new ShellState();
  /** Functions defined in the tree being walked (name to body). */
  functions = new Map<string, Node>();
  /** Aliases and functions being expanded now: no expansion inside its own expansion. */
  readonly expanding = new Set<string>();
  /** Redirects already checked with their command (by node id, per tree). */
  handled = new Set<number>();
  /** The redirects of a redirected_statement, by the id of its body (per tree). */
  outerRedirects = new Map<number, Node[]>();
  private nodes = 0;
  private readonly step: CommandStep;
  /**
   * States a statement may end in besides its last one (`cd / && cd /gone`
   * leaves `/` when the second cd fails), merged when the statement ends.
   */
  private sides: ShellState[][] = [];

  /** A state the current statement may end in. */
  private side(s: ShellState): void {
    const frame = this.sides[this.sides.length - 1];
    if (frame) frame.push(s);
    else this.state.merge(s);
  }

  constructor(
    private readonly parser: Parser,
    private readonly deadline: number,
    readonly control: ControlSet,
  ) {
    this.step = new CommandStep(this);
  }

  /** The rule context for a command at `depth`, in the current state. */
  context(depth: number): RuleContext {
    return {
      cwds: this.state.cwds,
      control: this.control,
      script: (text) => this.nested(text, depth),
      exec: (words) => this.step.effective(words, depth),
    };
  }

  /** Shell text run by the same shell (an alias): same state, same functions. */
  script(text: string, depth: number): Finding | null {
    const show = [text.length > 200 ? `${text.slice(0, 200)}…` : text];
    if (depth > MAX_SCRIPT_DEPTH) return { rule: 'too-deep', reason: `shell text nested more than ${MAX_SCRIPT_DEPTH} levels deep`, argv: show };
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) return { rule: 'parse-error', reason: 'the command holds control characters', argv: show };
    const deadline = this.deadline;
    const progressCallback = (() => performance.now() > deadline) as unknown as (s: unknown) => void;
    this.parser.reset();
    const tree = this.parser.parse(text, null, { progressCallback });
    if (!tree) return { rule: 'parse-error', reason: 'the command took too long to parse', argv: show };
    // Node ids and function bodies belong to this tree, which is freed below.
    const outer = { functions: this.functions, handled: this.handled, outerRedirects: this.outerRedirects, sides: this.sides.length };
    this.functions = new Map(outer.functions);
    this.handled = new Set();
    this.outerRedirects = new Map();
    try {
      if (tree.rootNode.hasError) return { rule: 'parse-error', reason: 'the command does not parse as shell', argv: show };
      const found = this.walk(tree.rootNode, depth);
      if (found) return found;
      if (this.state.overflow) return { rule: 'too-deep', reason: 'the command changes folders or variables in more ways than can be followed', argv: show };
      return null;
    } finally {
      this.functions = outer.functions;
      this.handled = outer.handled;
      this.outerRedirects = outer.outerRedirects;
      this.sides.length = outer.sides;
      tree.delete();
    }
  }

  /** Shell text run by a new shell (`sh -c`, a here-document, `os.system`): it starts in our folder, and its changes stay in it. */
  nested(text: string, depth: number): Finding | null {
    const saved = this.state.clone();
    const functions = this.functions;
    this.functions = new Map();
    try {
      return this.script(text, depth + 1);
    } finally {
      this.state.copyFrom(saved);
      this.functions = functions;
    }
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
      // The parse budget covers the whole check: a walk that expands aliases and functions stays bounded in time too.
      if ((this.nodes & 1023) === 0 && performance.now() > this.deadline) return { rule: 'too-deep', reason: 'the command took too long to check', argv: [] };
      if (this.state.overflow) return { rule: 'too-deep', reason: 'the command changes folders or variables in more ways than can be followed', argv: [] };
      // script() refused any tree with an error or a missing node, so only the type is checked here.
      if (item.type === 'ERROR') return { rule: 'parse-error', reason: 'the command does not parse as shell', argv: [item.text] };
      const found = this.enter(item, depth, stack);
      if (found) return found;
    }
    return null;
  }

  /** Check one node and queue its children, with the state changes scoped as the shell scopes them. */
  private enter(node: Node, depth: number, stack: Item[]): Finding | null {
    const type = node.type;
    const kids = node.children;
    const statements = STATEMENT_PARENTS.has(type);
    // Children are pushed last-first; a statement is wrapped in a snapshot taken when it starts
    // and merged back after it, unless its changes surely hold (`X=1`, `cd D || exit`).
    const push = (list: readonly Node[]) => {
      for (let i = list.length - 1; i >= 0; i--) {
        const kid = list[i]!;
        if (!statements || !STATEMENTS.has(kid.type)) {
          stack.push(kid);
          continue;
        }
        let pre: ShellState | null = null;
        stack.push(() => {
          const sides = this.sides.pop() ?? [];
          if (pre) this.state.merge(pre);
          for (const side of sides) this.state.merge(side);
          return null;
        });
        stack.push(kid);
        stack.push(() => {
          pre = this.step.certain(kid) ? null : this.state.clone();
          this.sides.push([]);
          return null;
        });
      }
    };
    // A subshell's changes are undone, its side states (below) with them.
    const subshell = (): (() => null) => {
      const pre = this.state.clone();
      const depthAt = this.sides.length;
      this.sides.push([]);
      return () => {
        this.state.copyFrom(pre);
        this.sides.length = depthAt;
        return null;
      };
    };
    const mergeLoop = (pre: ShellState) => () => {
      this.state.mergeLoop(pre);
      return null;
    };
    switch (type) {
      case 'command': {
        const f = this.step.command(node, kids, depth);
        if (f) return f;
        // `X=1 cmd` sets X for cmd only: walk what the value runs, assign nothing.
        push(kids.flatMap((k) => (k.type === 'file_redirect' ? [] : k.type === 'variable_assignment' ? k.children : [k])));
        return null;
      }
      case 'function_definition': {
        const f = forkBomb(node);
        if (f) return f;
        const name = node.childForFieldName('name');
        const body = node.childForFieldName('body');
        if (name && body) this.functions.set(name.text, body);
        // The body runs when called (analyze-command walks it again then); walked here too, its changes undone.
        stack.push(subshell());
        push(kids);
        return null;
      }
      case 'pipeline': {
        const f = this.step.pipeline(node, depth);
        if (f) return f;
        // Each stage runs in a subshell of its own, from the same state.
        const stages = node.namedChildren;
        const undo: Array<() => null> = [];
        for (let i = stages.length - 1; i >= 0; i--) {
          stack.push(() => (undo.pop()?.(), null));
          stack.push(stages[i]!);
          stack.push(() => (undo.push(subshell()), null));
        }
        return null;
      }
      case 'redirected_statement': {
        // The redirects are opened before the body runs (and before any `cd` in it).
        const body = kids.find((k) => !REDIRECTS.has(k.type));
        const redirects = kids.filter((k) => k !== body);
        if (body) {
          this.outerRedirects.set(body.id, redirects);
          stack.push(body);
        }
        push(redirects);
        return null;
      }
      case 'file_redirect': {
        if (!this.handled.has(node.id)) {
          const f = this.step.redirect(node, depth);
          if (f) return f;
        }
        push(kids);
        return null;
      }
      case 'list': {
        // `L && R` / `L || R`: either side may fail part-way, so afterwards the state is any of
        // the left's or the right's; the right of `||` runs where the left failed. One exception:
        // `L || exit` continues only where L succeeded.
        const [left, op, right] = kids;
        if (!left || !right || (op?.type !== '||' && op?.type !== '&&')) {
          push(kids);
          return null;
        }
        if (op.type === '&&') {
          // The right runs only where the left succeeded; where it did not, the left's state
          // stands, and the statement merges it back at its end.
          stack.push(right);
          stack.push(() => {
            this.side(this.state.clone());
            return null;
          });
          stack.push(left);
          return null;
        }
        const pre = this.state.clone();
        const exits = this.step.exits(right);
        let afterLeft: ShellState | null = null;
        stack.push(() => {
          if (exits) this.state.copyFrom(afterLeft!);
          else this.state.merge(afterLeft!);
          return null;
        });
        stack.push(right);
        stack.push(() => {
          afterLeft = this.state.clone();
          this.state.merge(pre);
          return null;
        });
        stack.push(left);
        return null;
      }
      case 'for_statement': {
        const variable = node.childForFieldName('variable');
        const values = node.childrenForFieldName('value').flatMap((v) => wordOf(v, this.state).values);
        if (variable) this.state.assign(variable.text, values.length ? values : [ANY]);
        stack.push(mergeLoop(this.state.clone()));
        push(kids);
        return null;
      }
      case 'variable_assignment':
        this.step.assignment(node);
        push(kids);
        return null;
      default:
        if (SUBSHELLS.has(type)) stack.push(subshell());
        else if (LOOPS.has(type)) stack.push(mergeLoop(this.state.clone()));
        push(kids);
        return null;
    }
  }
}
