/**
 * One command, as the walker (analyze.ts) meets it: its redirects, its words
 * after aliases and wrappers, the shell state it changes (`cd`, `pushd`,
 * `alias`, assignments), the shell text or interpreter code it carries, a
 * call of a function the script defined (walked with its arguments bound),
 * and the rules (command-rules.ts) on what is left.
 */
import type { Node } from 'web-tree-sitter';
import type { Analyzer } from './analyze.js';
import { checkArgv } from './command-rules.js';
import { redirectControl } from './control-rules.js';
import { type Finding, argvOf } from './finding.js';
import { codeFinding, interpreterFinding } from './interpreter-rules.js';
import { type Interpreter, interpreterOf } from './interpreters.js';
import { type CommandParts, DECODERS, DOWNLOADERS, OUTPUT_REDIRECTS, commandParts, commandWords, descendantsOfType, stageCommand, stdinTexts, wordsOfNode } from './stdin-code.js';
import { couldBeDevice } from './targets.js';
import { type Unwrapped, commandName, unwrap } from './unwrap.js';
import { ANY, type Word, wordOf } from './words.js';

const EXITS = new Set(['exit', 'return']);

export class CommandStep {
  constructor(private readonly a: Analyzer) {}

  command(node: Node, kids: readonly Node[], depth: number): Finding | null {
    const parts = commandParts(kids, this.a.outerRedirects.get(node.id));
    // Its own redirects are opened before it runs.
    for (const r of kids) {
      if (r.type !== 'file_redirect') continue;
      this.a.handled.add(r.id);
      const f = this.redirect(r, depth);
      if (f) return f;
    }
    const words = commandWords(parts, this.a.state);
    if (!words) return null;
    const aliased = this.alias(node, parts, words, depth);
    if (aliased) return aliased;
    const found = this.effective(words, depth);
    if (found) return found;
    const u = this.unwrapped;
    const it = this.interpreter;
    if (!u || (!u.shellReadsStdin && !it?.readsStdin)) return null;
    // A shell or interpreter reading its code from a here-document or here-string.
    for (const text of stdinTexts(parts, this.a.state)) {
      if (text === null) return { rule: 'non-literal-script', reason: 'a shell or interpreter reads a here-string that is not literal', argv: argvOf(u.argv) };
      const inner = it ? codeFinding(it.lang, it.name, text, it.args, argvOf(u.argv), this.a.context(depth), 0) : this.a.nested(text, depth);
      if (inner) return inner;
    }
    return null;
  }

  /** What the last effective() call unwrapped (for command(), which reads stdin scripts after it). */
  private unwrapped: Unwrapped | null = null;
  private interpreter: Interpreter | null = null;

  /** Unwrap, check carried scripts, follow the shell state, apply the rules. */
  effective(words: Word[], depth: number): Finding | null {
    this.unwrapped = null;
    this.interpreter = null;
    if (words.some((w) => w.overflow)) return { rule: 'too-deep', reason: 'a word may take more values than can be checked', argv: argvOf(words) };
    if (words[0]?.literal === null) {
      return { rule: 'non-literal-command', reason: `the command name ${words[0].text} is not a literal word`, argv: argvOf(words) };
    }
    const u = unwrap(words);
    if (u.argv.length && u.argv[0]!.literal === null) {
      return { rule: 'non-literal-command', reason: `the command name ${u.argv[0]!.text} is not a literal word`, argv: argvOf(u.argv) };
    }
    if (u.argv.length) this.a.commands.push(argvOf(u.argv));
    for (const s of u.scripts) {
      if (s.literal === null) return { rule: 'non-literal-script', reason: `shell text ${s.text} is not literal`, argv: argvOf(words) };
      const inner = this.a.nested(s.literal, depth);
      if (inner) return inner;
    }
    if (u.shellRunsSubstitution) return { rule: 'pipe-to-shell', reason: 'a shell runs the output of a process substitution', argv: argvOf(u.argv) };
    const name = commandName(u.argv[0]);
    const defined = this.builtin(name, u.argv);
    if (defined) return defined;
    const ctx = this.a.context(depth);
    const found = checkArgv(u.argv, ctx);
    if (found) return found;
    const it = interpreterOf(u.argv);
    if (it) {
      const f = interpreterFinding(it, argvOf(u.argv), ctx);
      if (f) return f;
    }
    if (name !== null && this.a.functions.has(name) && !this.a.expanding.has(`fn:${name}`)) {
      const f = this.call(name, u.argv, depth);
      if (f) return f;
    }
    this.unwrapped = u;
    this.interpreter = it;
    return null;
  }

  /** Builtins that change the shell: cd, pushd, popd, alias. */
  private builtin(name: string | null, argv: Word[]): Finding | null {
    const s = this.a.state;
    const args = argv.slice(1);
    if (name === 'cd' || name === 'chdir') s.cd(operand(args, /^-[LPe@]+$/));
    else if (name === 'pushd') {
      if (args.some((w) => w.literal === '-n')) return null;
      const dir = operand(args, /^-n$/);
      if (!dir || /^[+-]\d+$/.test(dir.literal ?? '')) s.lost();
      else s.pushd(dir);
    } else if (name === 'popd') {
      if (args.some((w) => w.literal === '-n')) return null;
      if (args.length) s.lost();
      else s.popd();
    } else if (name === 'set') {
      const dashes = args.findIndex((w) => w.literal === '--');
      if (dashes !== -1) s.setPositional(args.slice(dashes + 1));
      else if (args.length && !/^[-+]/.test(args[0]!.literal ?? '-')) s.setPositional(args);
    } else if (name === 'alias') {
      for (const w of args) {
        if (w.literal === null) return { rule: 'non-literal-script', reason: `the alias definition ${w.text} is not literal`, argv: argvOf(argv) };
        const eq = w.literal.indexOf('=');
        if (eq > 0) s.defineAlias(w.literal.slice(0, eq), w.literal.slice(eq + 1));
      }
    }
    return null;
  }

  /**
   * An alias the script defined: bash expands aliases in scripts only with
   * `shopt -s expand_aliases` (sh and dash always do), so both the command as
   * written and its expansion are checked.
   */
  private alias(node: Node, parts: CommandParts, words: Word[], depth: number): Finding | null {
    const name = words[0]?.literal;
    const texts = name ? this.a.state.aliases.get(name) : undefined;
    const key = `alias:${name}`;
    if (!texts || !parts.name || this.a.expanding.has(key)) return null;
    const rest = node.text.slice(parts.name.endIndex - node.startIndex);
    this.a.expanding.add(key);
    try {
      for (const text of texts) {
        if (text === null) return { rule: 'non-literal-script', reason: `alias ${name} is not literal`, argv: argvOf(words) };
        const f = this.a.script(`${text}${rest}`, depth + 1);
        if (f) return f;
      }
      return null;
    } finally {
      this.a.expanding.delete(key);
    }
  }

  /** A function the script defined, walked again with $1.. bound to this call's arguments. */
  private call(name: string, argv: Word[], depth: number): Finding | null {
    const body = this.a.functions.get(name)!;
    const key = `fn:${name}`;
    this.a.expanding.add(key);
    const saved = this.a.state.bindPositional(argv.slice(1));
    try {
      return this.a.walk(body, depth);
    } finally {
      this.a.state.restorePositional(saved);
      this.a.expanding.delete(key);
    }
  }

  /** A shell or interpreter reading stdin from a pipeline: not from a decoder or a download; echo/printf text is read. */
  pipeline(node: Node, depth: number): Finding | null {
    const stages = node.namedChildren;
    const env = this.a.state;
    for (let i = 1; i < stages.length; i++) {
      const cmd = stageCommand(stages[i]!);
      const words = cmd ? wordsOfNode(cmd, env) : null;
      if (!words || words[0]?.literal === null) continue;
      const u = unwrap(words);
      const it = interpreterOf(u.argv);
      if (!u.shellReadsStdin && !it?.readsStdin) continue;
      const what = it ? it.name : 'a shell';
      for (let k = 0; k < i; k++) {
        for (const c of descendantsOfType(stages[k]!, 'command')) {
          const cw = wordsOfNode(c, env);
          const name = cw && cw[0]!.literal !== null ? commandName(unwrap(cw).argv[0]) : null;
          if (name !== null && (DECODERS.has(name) || DOWNLOADERS.has(name))) {
            return { rule: 'pipe-to-shell', reason: `${name} output is piped into ${what}`, argv: argvOf(u.argv) };
          }
        }
      }
      const prev = stageCommand(stages[i - 1]!);
      const pw = prev ? wordsOfNode(prev, env) : null;
      const pname = pw && pw[0]!.literal !== null ? commandName(unwrap(pw).argv[0]) : null;
      if (pw && (pname === 'echo' || pname === 'printf')) {
        const args = unwrap(pw).argv.slice(1);
        if (args.some((a) => a.literal === null || (pname === 'printf' && /[\\%]/.test(a.literal)) || a.literal === '-e')) {
          return { rule: 'pipe-to-shell', reason: `${pname} output that cannot be read statically is piped into ${what}`, argv: argvOf(u.argv) };
        }
        const text = args.filter((a) => !/^-[neE]+$/.test(a.literal!)).map((a) => a.literal).join(' ');
        const inner = it ? codeFinding(it.lang, it.name, text, it.args, argvOf(u.argv), this.a.context(depth), 0) : this.a.nested(text, depth);
        if (inner) return inner;
      }
    }
    return null;
  }

  redirect(node: Node, depth: number): Finding | null {
    const op = node.children.find((c) => !c.isNamed);
    const dest = node.childForFieldName('destination');
    if (!op || !dest || !OUTPUT_REDIRECTS.has(op.type)) return null;
    const w = wordOf(dest, this.a.state);
    if (op.type === '>&' && /^\d+-?$/.test(w.literal ?? '')) return null;
    // `> "$LOG"` is everyday shell; `> /dev/sda` and `> /dev/$X` are not.
    const device = w.values.find((v) => couldBeDevice(v, true));
    if (device !== undefined) return { rule: 'redirect-device', reason: `output redirected into device ${w.literal ?? w.text}`, argv: [node.text] };
    return redirectControl(w, op.type, this.a.context(depth), node.text);
  }

  assignment(node: Node): void {
    const name = node.childForFieldName('name')?.text;
    if (!name) return;
    const value = node.childForFieldName('value');
    const appends = node.children.some((c) => c.type === '+=');
    const values = appends || value?.type === 'array' ? [ANY] : value ? wordOf(value, this.a.state).values : [''];
    // `local X=...` (and declare/typeset in a function) ends with the function: the outer value
    // comes back, so both are kept.
    const decl = node.parent?.type === 'declaration_command' ? node.parent.text : '';
    if (/^(local|declare|typeset)\b/.test(decl)) values.push(...(this.a.state.variable(name) ?? [ANY]));
    this.a.state.assign(name, values);
  }

  /** A statement whose state changes surely hold after it (nothing to merge back). */
  certain(node: Node): boolean {
    if (node.type === 'function_definition') return true;
    if (node.type === 'command') return /^alias\s/.test(node.text);
    if (node.type !== 'list') return false;
    // `cd DIR || exit`: past this line, the cd worked.
    const op = node.children.find((k) => !k.isNamed)?.type;
    const right = node.namedChildren[1];
    return op === '||' && right !== undefined && this.exits(right);
  }

  /** Does this statement end the script (`exit`, `return`, or a block ending in one)? */
  exits(node: Node): boolean {
    if (node.type === 'command') {
      const n = node.childForFieldName('name');
      return n !== null && EXITS.has(wordOf(n).literal ?? '');
    }
    if (node.type === 'compound_statement') {
      const last = node.namedChildren[node.namedChildren.length - 1];
      return last !== undefined && this.exits(last);
    }
    return false;
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
