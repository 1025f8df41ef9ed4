/**
 * How the walker (analyze.ts) scopes the shell state as bash does, node by
 * node: a statement is snapshotted and merged back (it may stop part-way),
 * subshells, pipeline stages and `$(...)` are undone, `&&` and `||` keep the
 * states either side may leave, function bodies are walked with their
 * changes undone, and a loop body is walked again from the merged state
 * until that settles.
 */
import type { Node } from 'web-tree-sitter';
import type { Analyzer } from './analyze.js';
import { declaration } from './builtins.js';
import type { Finding } from './finding.js';
import { sameSet } from './sets.js';
import type { Cwd, ShellState } from './shell-state.js';
import { REDIRECTS, forkBomb } from './stdin-code.js';
import { ANY, wordOf } from './words.js';

/** Passes over a loop body, at most, before the variables that still change are widened (then one last pass). */
const MAX_LOOP_PASSES = 8;
/** A variable a loop body gives more values than this is widened at once (its values would multiply each pass). */
const WIDEN_AT = 8;

/** Where a statement sits: its state is merged back when it may have stopped part-way. */
const STATEMENT_PARENTS = new Set(['program', 'compound_statement', 'do_group', 'subshell', 'if_statement', 'elif_clause', 'else_clause', 'case_item', 'while_statement', 'until_statement']);
const STATEMENTS = new Set([
  'command',
  'list',
  'pipeline',
  'redirected_statement',
  'subshell',
  'compound_statement',
  'if_statement',
  'while_statement',
  'until_statement',
  'for_statement',
  'c_style_for_statement',
  'case_statement',
  'function_definition',
  'negated_command',
  'test_command',
  'unset_command',
]);
/** Each runs in a subshell: whatever it does to the shell is undone after it. */
const SUBSHELLS = new Set(['subshell', 'command_substitution', 'process_substitution']);
const LOOPS = new Set(['for_statement', 'c_style_for_statement', 'while_statement', 'until_statement']);

/** A node to walk, or a step to run when the walk gets back to it. */
export type Item = Node | (() => Finding | null);
type Push = (list: readonly Node[]) => void;

/** Check one node and queue its children, with the state changes scoped as the shell scopes them. */
export function enter(a: Analyzer, node: Node, depth: number, stack: Item[]): Finding | null {
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
        const sides = a.sides.pop() ?? [];
        if (pre) a.state.merge(pre);
        for (const side of sides) a.state.merge(side);
        return null;
      });
      stack.push(kid);
      stack.push(() => {
        pre = a.step.certain(kid) ? null : a.state.clone();
        a.sides.push([]);
        return null;
      });
    }
  };
  // A subshell's changes are undone, its side states (below) with them.
  const subshell = (): (() => null) => {
    const pre = a.state.clone();
    const depthAt = a.sides.length;
    a.sides.push([]);
    return () => {
      a.state.copyFrom(pre);
      a.sides.length = depthAt;
      return null;
    };
  };
  if (LOOPS.has(type)) return loop(a, node, kids, stack, push);
  if (SUBSHELLS.has(type)) stack.push(subshell());
  switch (type) {
    case 'command': {
      const f = a.step.command(node, kids, depth);
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
      if (name && body) a.functions.set(name.text, body);
      // The body runs when called (analyze-command walks it again then); walked here too, its changes undone.
      stack.push(subshell());
      stack.push(() => (a.inFunction--, null));
      push(kids);
      stack.push(() => (a.inFunction++, null));
      return null;
    }
    case 'pipeline': {
      const f = a.step.pipeline(node, depth);
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
        a.outerRedirects.set(body.id, redirects);
        stack.push(body);
      }
      push(redirects);
      return null;
    }
    case 'file_redirect': {
      if (!a.handled.has(node.id)) {
        const f = a.step.redirect(node, depth);
        if (f) return f;
      }
      push(kids);
      return null;
    }
    case 'list':
      return list(a, kids, stack, push);
    case 'declaration_command': {
      const words = node.namedChildren.filter((k) => k.type !== 'variable_assignment').map((k) => wordOf(k, a.state));
      const f = declaration(node.child(0)?.type ?? '', words, a.state, words);
      if (f) return f;
      push(kids);
      return null;
    }
    case 'variable_assignment': {
      const f = a.step.assignment(node);
      if (f) return f;
      push(kids);
      return null;
    }
    default:
      push(kids);
      return null;
  }
}

/**
 * `L && R` / `L || R`: either side may fail part-way, so afterwards the state is any of
 * the left's or the right's; the right of `||` runs where the left failed. One exception:
 * `L || exit` continues only where L succeeded.
 */
function list(a: Analyzer, kids: readonly Node[], stack: Item[], push: Push): Finding | null {
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
      a.side(a.state.clone());
      return null;
    });
    stack.push(left);
    return null;
  }
  const pre = a.state.clone();
  const exits = a.step.exits(right);
  let afterLeft: ShellState | null = null;
  stack.push(() => {
    if (exits) a.state.copyFrom(afterLeft!);
    else a.state.merge(afterLeft!);
    return null;
  });
  stack.push(right);
  stack.push(() => {
    afterLeft = a.state.clone();
    a.state.merge(pre);
    return null;
  });
  stack.push(left);
  return null;
}

/**
 * A loop body may run any number of times, each from where the last left
 * off: walk it again from the merged state until that settles (`D=/tmp/x;
 * for ...; do rm -rf "$D"; D=/usr; done` is refused on the second pass).
 * A chain of assignments (`X=$A; A=$B; B=/opt/jarvis/.env`) needs one pass
 * per link, so the passes go up to the number of variables the body changes
 * (plus two, at most MAX_LOOP_PASSES). A variable that already holds many
 * values, and at the last pass every one still changing, is widened:
 * unknown, and able to name any path; one last pass reads the body so.
 */
function loop(a: Analyzer, node: Node, kids: readonly Node[], stack: Item[], push: Push): Finding | null {
  const variable = node.type === 'for_statement' ? node.childForFieldName('variable') : null;
  const listed = variable ? node.childrenForFieldName('value').map((v) => wordOf(v, a.state)) : [];
  if (listed.some((w) => w.overflow)) {
    return { rule: 'too-deep', reason: 'a for list may take more values than can be checked', argv: [node.text.slice(0, 200)] };
  }
  // `for f; do` walks "$@".
  const values = listed.length ? listed.flatMap((w) => w.values) : [...(a.state.variable('@') ?? [ANY])];
  const computed = listed.length ? listed.some((w) => w.computed || w.splits) : a.state.computed('@');
  // Every pass starts by assigning the loop variable: the state a pass starts from has it (0 passes: the state before).
  const before = a.state.clone();
  if (variable)
    a.state.assign(
      variable.text,
      values,
      computed,
      listed.some((w) => w.widened),
    );
  const initial = a.state.clone();
  let from = initial;
  let pass = 0;
  let limit = MAX_LOOP_PASSES;
  let last = false;
  const start = () => {
    if (variable && pass > 0)
      a.state.assign(
        variable.text,
        values,
        computed,
        listed.some((w) => w.widened),
      );
    stack.push(after);
    push(kids);
  };
  const after = (): null => {
    const next = from.clone();
    next.merge(a.state);
    if (!last && !next.sameAs(from)) {
      pass++;
      if (pass === 1) limit = Math.min(MAX_LOOP_PASSES, next.changedVars(initial).length + 2);
      last = pass >= limit;
      const changed = next.changedVars(from);
      next.widen(last ? [...new Set([...changed, ...next.changedVars(initial)])] : changed.filter((k) => (next.vars.get(k)?.length ?? 0) > WIDEN_AT));
      if (last && !sameSet(next.cwds, from.cwds)) next.cwds = widenCwds(next.cwds);
      from = next;
      a.state.copyFrom(next);
      start();
      return null;
    }
    next.merge(before);
    a.state.copyFrom(next);
    return null;
  };
  start();
  return null;
}

/**
 * Folders a loop keeps moving through (`cd sub` each time): what they all
 * start with, then anything (`<start>/sub/sub/...`); the folder the command
 * started in stays as it is.
 */
function widenCwds(cwds: readonly Cwd[]): Cwd[] {
  const known = cwds.filter((c): c is string => c !== null);
  let prefix = known[0] ?? '';
  for (const c of known) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return [...(cwds.includes(null) ? [null] : []), `${prefix}${ANY}`];
}
