/**
 * Walks a tree-sitter-bash syntax tree and applies the hard block to every
 * command in it, wherever it sits: inside `if`, loops, functions, `$(...)`,
 * pipelines and lists. Shell text carried inside a command (`sh -c`, here
 * documents fed to a shell, `echo ... | sh`) is parsed and walked in turn.
 * Anything we cannot read is refused rather than guessed.
 */
import type { Node, Parser } from 'web-tree-sitter';
import { type Finding, argvOf, checkArgv } from './command-rules.js';
import { couldBeDevice, normalizePath } from './targets.js';
import { commandName, unwrap } from './unwrap.js';
import { HOME, type Word, wordOf } from './words.js';

export const MAX_SCRIPT_DEPTH = 6;
const MAX_NODES = 500_000;

const DECODERS = new Set([
  'base64', 'base32', 'basenc', 'xxd', 'uudecode', 'openssl', 'gpg', 'gunzip', 'zcat', 'gzip', 'bzip2', 'bunzip2', 'bzcat',
  'xz', 'unxz', 'xzcat', 'lzma', 'unlzma', 'zstd', 'unzstd', 'zstdcat', 'lz4', 'rev', 'od',
]);
const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'nc', 'ncat', 'netcat', 'socat', 'aria2c', 'http', 'https', 'lynx', 'tftp', 'ftp']);
const OUTPUT_REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);

export class Analyzer {
  cwd: string | null = null;
  readonly commands: string[][] = [];
  private nodes = 0;

  constructor(
    private readonly parser: Parser,
    private readonly deadline: number,
  ) {}

  script(text: string, depth: number): Finding | null {
    const show = [text.length > 200 ? `${text.slice(0, 200)}…` : text];
    if (depth > MAX_SCRIPT_DEPTH) return { rule: 'too-deep', reason: `shell text nested more than ${MAX_SCRIPT_DEPTH} levels deep`, argv: show };
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) return { rule: 'parse-error', reason: 'the command holds control characters', argv: show };
    const deadline = this.deadline;
    const progressCallback = (() => performance.now() > deadline) as unknown as (s: unknown) => void;
    this.parser.reset();
    const tree = this.parser.parse(text, null, { progressCallback });
    if (!tree) return { rule: 'parse-error', reason: 'the command took too long to parse', argv: show };
    try {
      if (tree.rootNode.hasError) return { rule: 'parse-error', reason: 'the command does not parse as shell', argv: show };
      return this.walk(tree.rootNode, depth);
    } finally {
      tree.delete();
    }
  }

  private walk(root: Node, depth: number): Finding | null {
    const stack: Node[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      if (++this.nodes > MAX_NODES) return { rule: 'too-deep', reason: 'the command is too large to check', argv: [] };
      if (node.isMissing || node.type === 'ERROR') return { rule: 'parse-error', reason: 'the command does not parse as shell', argv: [node.text] };
      let found: Finding | null = null;
      switch (node.type) {
        case 'command':
          found = this.command(node, depth);
          break;
        case 'function_definition':
          found = forkBomb(node);
          break;
        case 'pipeline':
          found = this.pipeline(node, depth);
          break;
        case 'file_redirect':
          found = redirect(node);
          break;
        default:
          break;
      }
      if (found) return found;
      const kids = node.children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
    return null;
  }

  private wordsOf(node: Node): Word[] | null {
    const name = node.childForFieldName('name');
    if (!name) return null;
    return [wordOf(name), ...node.childrenForFieldName('argument').map(wordOf)];
  }

  private command(node: Node, depth: number): Finding | null {
    const words = this.wordsOf(node);
    if (!words) return null;
    const found = this.effective(words, depth);
    if (found) return found;
    const u = unwrap(words);
    if (u.shellReadsStdin) return this.shellStdin(node, u.argv, depth);
    return null;
  }

  /** Unwrap, check carried scripts, track `cd`, apply the command rules. */
  effective(words: Word[], depth: number): Finding | null {
    if (words[0]?.literal === null) {
      return { rule: 'non-literal-command', reason: `the command name ${words[0].text} is not a literal word`, argv: argvOf(words) };
    }
    const u = unwrap(words);
    if (u.argv.length && u.argv[0]!.literal === null) {
      return { rule: 'non-literal-command', reason: `the command name ${u.argv[0]!.text} is not a literal word`, argv: argvOf(u.argv) };
    }
    if (u.argv.length) this.commands.push(argvOf(u.argv));
    for (const s of u.scripts) {
      if (s.literal === null) return { rule: 'non-literal-script', reason: `shell text ${s.text} is not literal`, argv: argvOf(words) };
      const inner = this.script(s.literal, depth + 1);
      if (inner) return inner;
    }
    if (u.shellRunsSubstitution) return { rule: 'pipe-to-shell', reason: 'a shell runs the output of a process substitution', argv: argvOf(u.argv) };
    const name = commandName(u.argv[0]);
    if (name === 'cd' || name === 'pushd') this.cwd = changeDir(this.cwd, u.argv[1]);
    if (name === 'popd') this.cwd = null;
    return checkArgv(u.argv, this.cwd, (inner) => this.effective(inner, depth));
  }

  /** A shell reading its script from stdin: a here-document or here-string we can read, else allowed only from a pipe (checked by pipeline()). */
  private shellStdin(node: Node, argv: Word[], depth: number): Finding | null {
    const redirects = [...node.childrenForFieldName('redirect')];
    if (node.parent?.type === 'redirected_statement') redirects.push(...node.parent.childrenForFieldName('redirect'));
    for (const r of redirects) {
      if (r.type === 'heredoc_redirect') {
        const body = r.namedChildren.find((c) => c.type === 'heredoc_body');
        const inner = this.script(body?.text ?? '', depth + 1);
        if (inner) return inner;
      } else if (r.type === 'herestring_redirect') {
        const w = r.namedChildren[r.namedChildren.length - 1];
        const word = w ? wordOf(w) : null;
        if (!word || word.literal === null) return { rule: 'non-literal-script', reason: 'a shell reads a here-string that is not literal', argv: argvOf(argv) };
        const inner = this.script(word.literal, depth + 1);
        if (inner) return inner;
      }
    }
    return null;
  }

  private pipeline(node: Node, depth: number): Finding | null {
    const stages = node.namedChildren;
    for (let i = 1; i < stages.length; i++) {
      const cmd = stageCommand(stages[i]!);
      const words = cmd ? this.wordsOf(cmd) : null;
      if (!words || words[0]?.literal === null) continue;
      const u = unwrap(words);
      if (!u.shellReadsStdin) continue;
      for (let k = 0; k < i; k++) {
        for (const c of descendantsOfType(stages[k]!, 'command')) {
          const cw = this.wordsOf(c);
          const name = cw && cw[0]!.literal !== null ? commandName(unwrap(cw).argv[0]) : null;
          if (name !== null && (DECODERS.has(name) || DOWNLOADERS.has(name))) {
            return { rule: 'pipe-to-shell', reason: `${name} output is piped into a shell`, argv: argvOf(u.argv) };
          }
        }
      }
      const prev = stageCommand(stages[i - 1]!);
      const pw = prev ? this.wordsOf(prev) : null;
      const pname = pw && pw[0]!.literal !== null ? commandName(unwrap(pw).argv[0]) : null;
      if (pw && (pname === 'echo' || pname === 'printf')) {
        const args = unwrap(pw).argv.slice(1);
        if (args.some((a) => a.literal === null || (pname === 'printf' && /[\\%]/.test(a.literal)) || a.literal === '-e')) {
          return { rule: 'pipe-to-shell', reason: `${pname} output that cannot be read statically is piped into a shell`, argv: argvOf(u.argv) };
        }
        const text = args.filter((a) => !/^-[neE]+$/.test(a.literal!)).map((a) => a.literal).join(' ');
        const inner = this.script(text, depth + 1);
        if (inner) return inner;
      }
    }
    return null;
  }
}

function changeDir(cwd: string | null, arg: Word | undefined): string | null {
  if (!arg || arg.literal === '~') return HOME;
  if (arg.literal === '-') return null;
  return normalizePath(arg.value, cwd);
}

function stageCommand(stage: Node): Node | null {
  if (stage.type === 'command') return stage;
  if (stage.type === 'redirected_statement') {
    const body = stage.childForFieldName('body');
    return body?.type === 'command' ? body : null;
  }
  return null;
}

function descendantsOfType(node: Node, type: string): Node[] {
  return node.type === type ? [node, ...node.descendantsOfType(type)] : node.descendantsOfType(type);
}

/** A function that calls itself twice, in a pipeline or in the background: `:(){ :|:& };:` under any name. */
function forkBomb(node: Node): Finding | null {
  const nameNode = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (!nameNode || !body) return null;
  const name = nameNode.text;
  const calls = body.descendantsOfType('command').filter((c) => {
    const n = c.childForFieldName('name');
    return n !== null && wordOf(n).literal === name;
  });
  if (calls.length === 0) return null;
  const background = body.descendantsOfType('&').length > 0 || body.descendantsOfType('pipeline').length > 0;
  if (calls.length < 2 && !background) return null;
  return { rule: 'fork-bomb', reason: `function ${name} spawns copies of itself (fork bomb)`, argv: [node.text.slice(0, 200)] };
}

function redirect(node: Node): Finding | null {
  const op = node.children.find((c) => !c.isNamed);
  const dest = node.childForFieldName('destination');
  if (!op || !dest || !OUTPUT_REDIRECTS.has(op.type)) return null;
  const w = wordOf(dest);
  if (op.type === '>&' && /^\d+-?$/.test(w.literal ?? '')) return null;
  // `> "$LOG"` is everyday shell; `> /dev/sda` and `> /dev/$X` are not.
  return couldBeDeviceOut(w) ? { rule: 'redirect-device', reason: `output redirected into device ${w.literal ?? w.text}`, argv: [node.text] } : null;
}

const couldBeDeviceOut = (w: Word) => couldBeDevice(w.value, true);

