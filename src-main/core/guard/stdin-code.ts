/**
 * Small readings of the syntax tree shared by the walker: what a shell or an
 * interpreter reads on stdin (a here-document, a here-string, a pipe), which
 * commands feed a pipe, and the fork-bomb shape of a function.
 */
import type { Node } from 'web-tree-sitter';
import type { Finding } from './finding.js';
import { type Word, type WordEnv, heredocText, wordOf } from './words.js';

export const DECODERS = new Set([
  'base64',
  'base32',
  'basenc',
  'xxd',
  'uudecode',
  'openssl',
  'gpg',
  'gunzip',
  'zcat',
  'gzip',
  'bzip2',
  'bunzip2',
  'bzcat',
  'xz',
  'unxz',
  'xzcat',
  'lzma',
  'unlzma',
  'zstd',
  'unzstd',
  'zstdcat',
  'lz4',
  'rev',
  'od',
]);
export const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'nc', 'ncat', 'netcat', 'socat', 'aria2c', 'http', 'https', 'lynx', 'tftp', 'ftp']);
export const OUTPUT_REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);

export const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
const NOT_ARGUMENTS = new Set(['command_name', 'variable_assignment', 'comment', ...REDIRECTS]);

/** A command node's parts, read from its children in one pass (no field lookups). */
export interface CommandParts {
  name: Node | null;
  args: Node[];
  /** Its own redirects, then those of the statement around it. */
  redirects: Node[];
}

export function commandParts(kids: readonly Node[], outer: readonly Node[] = []): CommandParts {
  let name: Node | null = null;
  const args: Node[] = [];
  const redirects: Node[] = [];
  for (const k of kids) {
    if (k.type === 'command_name') name = k;
    else if (REDIRECTS.has(k.type)) redirects.push(k);
    else if (k.isNamed && !NOT_ARGUMENTS.has(k.type) && name !== null) args.push(k);
  }
  for (const r of outer) if (REDIRECTS.has(r.type)) redirects.push(r);
  return { name, args, redirects };
}

/**
 * Text a command reads on stdin from its here-documents and here-strings
 * (null: text we cannot read). A here-document whose delimiter is not quoted
 * is expanded by the shell first: its body is read with the values the
 * script gave its variables, and refused when any expansion is unknown.
 */
export function stdinTexts(parts: CommandParts, env: WordEnv): Array<string | null> {
  const out: Array<string | null> = [];
  for (const r of parts.redirects) {
    if (r.type === 'heredoc_redirect') {
      const body = r.namedChildren.find((c) => c.type === 'heredoc_body');
      const start = r.namedChildren.find((c) => c.type === 'heredoc_start');
      if (!body) out.push('');
      else if (/['"\\]/.test(start?.text ?? '')) out.push(body.text);
      else out.push(...(heredocText(body, env) ?? [null]));
    } else if (r.type === 'herestring_redirect') {
      const w = r.namedChildren[r.namedChildren.length - 1];
      const word = w ? wordOf(w, env) : null;
      out.push(word?.literal ?? null);
    }
  }
  return out;
}

/** Does the command take stdin from somewhere of its own (`< file`, a here-document, a here-string)? */
export const ownStdin = (parts: CommandParts) =>
  parts.redirects.some((r) => r.type !== 'file_redirect' || r.children.some((c) => !c.isNamed && (c.type === '<' || c.type === '<>' || c.type === '<&')));

/** The command of a pipeline stage (possibly under redirects), or null for compound stages. */
export function stageCommand(stage: Node): Node | null {
  if (stage.type === 'command') return stage;
  if (stage.type === 'redirected_statement') {
    const body = stage.childForFieldName('body');
    return body?.type === 'command' ? body : null;
  }
  return null;
}

export function descendantsOfType(node: Node, type: string): Node[] {
  return node.type === type ? [node, ...node.descendantsOfType(type)] : node.descendantsOfType(type);
}

/**
 * A command's words: its name and arguments, plus the words tree-sitter hangs
 * on a redirect after its target (`rm >/dev/null -rf /` runs `rm -rf /`).
 */
export function commandWords(parts: CommandParts, env: WordEnv): Word[] | null {
  if (!parts.name) return null;
  const words = [wordOf(parts.name, env), ...parts.args.map((a) => wordOf(a, env))];
  for (const r of parts.redirects) {
    if (r.type !== 'file_redirect') continue;
    const dests = r.childrenForFieldName('destination');
    for (let i = 1; i < dests.length; i++) words.push(wordOf(dests[i]!, env));
  }
  return words;
}

/** The words of a command node found elsewhere (a pipeline stage). */
export function wordsOfNode(node: Node, env: WordEnv): Word[] | null {
  const outer = node.parent?.type === 'redirected_statement' ? node.parent.children.slice(1) : [];
  return commandWords(commandParts(node.children, outer), env);
}

/** A function that calls itself twice, in a pipeline or in the background: `:(){ :|:& };:` under any name. */
export function forkBomb(node: Node): Finding | null {
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
