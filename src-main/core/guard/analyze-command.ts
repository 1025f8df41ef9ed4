/**
 * One command, as the walker (analyze.ts) meets it: its redirects, its words
 * after aliases and wrappers, the shell state it changes (builtins.ts), the
 * shell text or interpreter code it carries, a call of a function the script
 * defined (walked with its arguments bound), and the rules
 * (command-rules.ts) on what is left.
 */
import type { Node } from 'web-tree-sitter';
import type { Analyzer } from './analyze.js';
import { STATE_BUILTINS, builtin } from './builtins.js';
import { checkArgv } from './command-rules.js';
import { hitFinding, reachControl, redirectControl } from './control-rules.js';
import { type Finding, TOO_MANY, argvOf } from './finding.js';
import { codeFinding, interpreterFinding } from './interpreter-rules.js';
import { type Interpreter, interpreterOf } from './interpreters.js';
import { type CommandParts, DECODERS, DOWNLOADERS, OUTPUT_REDIRECTS, commandParts, commandWords, descendantsOfType, ownStdin, stageCommand, stdinTexts, wordsOfNode } from './stdin-code.js';
import { couldBeDevice } from './targets.js';
import { type Unwrapped, commandName, unwrap } from './unwrap.js';
import { ANY, type Word, wordOf } from './words.js';

const overflowed = (argv: string[]): Finding => ({ rule: 'too-deep', reason: 'a word may take more values than can be checked', argv });

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
    const found = this.effective(words, depth, this.a.xargsPaths.has(node.id));
    if (found) return found;
    const u = this.unwrapped;
    const it = this.interpreter;
    if (!u || (!u.shellReadsStdin && !it?.readsStdin)) return null;
    // A shell or interpreter reading its code from a here-document or here-string.
    const texts = stdinTexts(parts, this.a.state);
    const what = it ? it.name : 'a shell';
    if (texts.length === 0 && this.a.stdinFed && !ownStdin(parts) && !this.a.pipedStdin.has(node.id)) {
      return { rule: 'non-literal-script', reason: `${what} reads its script from a stdin that code we cannot read feeds`, argv: argvOf(u.argv) };
    }
    for (const text of texts) {
      if (text === null) {
        return { rule: 'non-literal-script', reason: `${what} reads a here-document or here-string that is not literal`, argv: argvOf(u.argv) };
      }
      const inner = it ? codeFinding(it.lang, it.name, text, it.args, argvOf(u.argv), this.a.context(depth), 0) : this.a.nested(text, depth);
      if (inner) return inner;
    }
    return null;
  }

  /** What the last effective() call unwrapped (for command(), which reads stdin scripts after it). */
  private unwrapped: Unwrapped | null = null;
  private interpreter: Interpreter | null = null;

  /** Unwrap, check carried scripts, follow the shell state, apply the rules. */
  effective(words: Word[], depth: number, xargsPaths = false): Finding | null {
    this.unwrapped = null;
    this.interpreter = null;
    if (words.some((w) => w.overflow)) return overflowed(argvOf(words));
    if (words[0]?.literal === null) {
      return { rule: 'non-literal-command', reason: `the command name ${words[0].text} is not a literal word`, argv: argvOf(words) };
    }
    const u = unwrap(words, { xargsPaths });
    if (u.argv.length && u.argv[0]!.literal === null) {
      return { rule: 'non-literal-command', reason: `the command name ${u.argv[0]!.text} is not a literal word`, argv: argvOf(u.argv) };
    }
    if (u.argv.length) this.a.commands.push(argvOf(u.argv));
    const it = interpreterOf(u.argv);
    const found = u.chdir.length ? this.elsewhere(u, it, words, depth) : this.run(u, it, words, depth);
    if (found) return found;
    this.unwrapped = u;
    this.interpreter = it;
    return null;
  }

  /** A wrapper's own chdir (`env -C DIR`, `sudo -D DIR`): the command and what it carries run there. */
  private elsewhere(u: Unwrapped, it: Interpreter | null, words: Word[], depth: number): Finding | null {
    const s = this.a.state;
    const cwds = s.cwds;
    for (const dir of u.chdir) s.cwds = s.chdirTo(dir);
    try {
      return this.run(u, it, words, depth);
    } finally {
      s.cwds = cwds;
    }
  }

  private run(u: Unwrapped, it: Interpreter | null, words: Word[], depth: number): Finding | null {
    for (const [k, s] of u.scripts.entries()) {
      if (s.literal === null) return { rule: 'non-literal-script', reason: `shell text ${s.text} is not literal`, argv: argvOf(words) };
      const inner = this.a.nested(s.literal, depth, { args: k === 0 && u.scriptArgs?.length ? u.scriptArgs : undefined });
      if (inner) return inner;
    }
    for (const t of u.deferred) {
      if (t.literal === null) return { rule: 'non-literal-script', reason: `trap text ${t.text} is not literal`, argv: argvOf(words) };
      const inner = this.a.later(t.literal, depth);
      if (inner) return inner;
    }
    const ctx = this.a.context(depth);
    for (const w of u.writes) {
      if (w.values.some((v) => couldBeDevice(v, true))) {
        return { rule: 'write-device', reason: `${u.wrappers.join(' ')} writing to device ${w.text}`, argv: argvOf(words) };
      }
      const hit = reachControl(w.values, 'path', ctx);
      if (hit) return hitFinding(hit, `${u.wrappers[u.wrappers.length - 1] ?? 'a wrapper'} writes`, argvOf(words));
    }
    if (u.shellRunsSubstitution) return { rule: 'pipe-to-shell', reason: 'a shell runs the output of a process substitution', argv: argvOf(u.argv) };
    const name = commandName(u.argv[0]);
    if (name !== null && STATE_BUILTINS.has(name)) {
      const defined = builtin(name, u.argv, { state: this.a.state, script: (text) => this.a.script(text, depth + 1) });
      if (defined) return defined;
    }
    const found = checkArgv(u.argv, ctx);
    if (found) return found;
    if (it) {
      if (it.fromProcSub) return { rule: 'pipe-to-shell', reason: `${it.name} runs the output of a process substitution`, argv: argvOf(u.argv) };
      const f = interpreterFinding(it, argvOf(u.argv), ctx);
      if (f) return f;
    }
    if (name !== null && this.a.functions.has(name) && !this.a.expanding.has(`fn:${name}`)) return this.call(name, u.argv, depth);
    return null;
  }

  /**
   * An alias the script defined: bash expands aliases in scripts only with
   * `shopt -s expand_aliases` (sh and dash always do), so both the command as
   * written and its expansion are checked. The expansion runs in this shell:
   * what it defines (functions too) stays.
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
        const f = this.a.script(`${text}${rest}`, depth + 1, 'keep');
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
    this.a.inFunction++;
    const saved = this.a.state.bindPositional(argv.slice(1));
    try {
      return this.a.walk(body, depth);
    } finally {
      this.a.state.restorePositional(saved);
      this.a.inFunction--;
      this.a.expanding.delete(key);
    }
  }

  /**
   * A pipeline: a shell or interpreter reading stdin from a decoder or a
   * download is refused, and echo/printf text piped into one is read. Marks
   * the stages that read a pipe (and xargs reading find's paths).
   */
  pipeline(node: Node, depth: number): Finding | null {
    const stages = node.namedChildren;
    const env = this.a.state;
    for (let i = 1; i < stages.length; i++) {
      const cmd = stageCommand(stages[i]!);
      if (!cmd) continue;
      this.a.pipedStdin.add(cmd.id);
      const words = wordsOfNode(cmd, env);
      if (!words || words[0]?.literal === null) continue;
      const u = unwrap(words);
      const prev = stageCommand(stages[i - 1]!);
      const pw = prev && u.wrappers.includes('xargs') ? wordsOfNode(prev, env) : null;
      const pname = pw && pw[0]!.literal !== null ? commandName(unwrap(pw).argv[0]) : null;
      if (pname === 'find') this.a.xargsPaths.add(cmd.id);
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
      const echoed = pw ?? (prev ? wordsOfNode(prev, env) : null);
      const ename = echoed && echoed[0]!.literal !== null ? commandName(unwrap(echoed).argv[0]) : null;
      if (echoed && (ename === 'echo' || ename === 'printf')) {
        const args = unwrap(echoed).argv.slice(1);
        if (args.some((a) => a.literal === null || (ename === 'printf' && /[\\%]/.test(a.literal)) || a.literal === '-e')) {
          return { rule: 'pipe-to-shell', reason: `${ename} output that cannot be read statically is piped into ${what}`, argv: argvOf(u.argv) };
        }
        const text = args
          .filter((a) => !/^-[neE]+$/.test(a.literal!))
          .map((a) => a.literal)
          .join(' ');
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
    if (w.overflow) return overflowed([node.text]);
    if (op.type === '>&' && /^\d+-?$/.test(w.literal ?? '')) return null;
    // `> "$LOG"` is everyday shell; `> /dev/sda` and `> /dev/$X` are not.
    const device = w.values.find((v) => couldBeDevice(v, !w.widened));
    if (device !== undefined) return { rule: 'redirect-device', reason: `output redirected into device ${w.literal ?? w.text}`, argv: [node.text] };
    return redirectControl(w, op.type, this.a.context(depth), node.text);
  }

  /** `NAME=value`, `NAME+=value`, `NAME=(a b)` (an array: any of its elements). */
  assignment(node: Node): Finding | null {
    const name = node.childForFieldName('name')?.text;
    if (!name) return null;
    const value = node.childForFieldName('value');
    const appends = node.children.some((c) => c.type === '+=');
    const s = this.a.state;
    const words = !value ? [] : value.type === 'array' ? value.namedChildren.map((c) => wordOf(c, s)) : [wordOf(value, s, true)];
    if (words.some((w) => w.overflow)) return { rule: 'too-deep', reason: TOO_MANY, argv: [node.text] };
    const values = value?.type === 'array' ? words.flatMap((w) => w.values) : (words[0]?.values ?? ['']);
    if (value?.type === 'array' && values.length === 0) values.push('');
    if (appends) values.push(...(value?.type === 'array' ? (s.variable(name) ?? [ANY]) : [ANY]));
    // `local X=...` (and declare/typeset in a function) ends with the function: the outer value
    // comes back, so both are kept.
    const decl = node.parent?.type === 'declaration_command' ? node.parent.text : '';
    if (/^(local|declare|typeset)\b/.test(decl)) values.push(...(s.variable(name) ?? [ANY]));
    s.assign(
      name,
      values,
      words.some((w) => w.computed || w.splits),
      words.some((w) => w.widened),
    );
    return null;
  }

  /** A statement whose state changes surely hold after it (nothing to merge back). */
  certain(node: Node): boolean {
    if (node.type === 'function_definition') return true;
    // These builtins always do what they say (`shift` past the end changes nothing, which shift() reads).
    if (node.type === 'command') return /^(alias|set|shift)\s/.test(node.text);
    if (node.type !== 'list') return false;
    // `cd DIR || exit`: past this line, the cd worked.
    const op = node.children.find((k) => !k.isNamed)?.type;
    const right = node.namedChildren[1];
    return op === '||' && right !== undefined && this.exits(right);
  }

  /**
   * Does this statement end the script (`exit`, a `return` inside a function,
   * or a block ending in one)? Not when a function or alias of that name
   * shadows it, and not `return` outside a function (an error, then on).
   */
  exits(node: Node): boolean {
    if (node.type === 'command') {
      const n = node.childForFieldName('name');
      const name = n ? wordOf(n).literal : null;
      if (name !== 'exit' && name !== 'return') return false;
      if (this.a.functions.has(name) || this.a.state.aliases.has(name)) return false;
      return name === 'exit' || this.a.inFunction > 0;
    }
    if (node.type === 'compound_statement') {
      const last = node.namedChildren[node.namedChildren.length - 1];
      return last !== undefined && this.exits(last);
    }
    return false;
  }
}
