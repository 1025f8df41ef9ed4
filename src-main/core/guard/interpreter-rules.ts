/**
 * Inline interpreter payloads (see interpreters.ts and payload-scan.ts).
 * A payload that hands a literal command to a shell has that command checked
 * as shell; one that hands it computed text is refused (as `sh -c "$CMD"` is).
 * A payload able to write or delete files that names a control-plane path,
 * or able to delete trees that names `/`, a system folder or home, or able to
 * write that names a device, is refused as `interpreter`. A payload that can
 * run commands has every other string literal checked as shell too, so an
 * aliased call (`from os import system as s; s("rm -rf /")`) is still seen.
 */
import { hitFinding, reachControl, resolveAll } from './control-rules.js';
import { type Finding, type RuleContext, TOO_SLOW, UNREADABLE } from './finding.js';
import type { Interpreter } from './interpreters.js';
import type { Lang } from './payload-lexer.js';
import { scanPayload } from './payload-scan.js';
import { couldBeDevice, couldNameAny, showPattern } from './targets.js';
import { ANY, HOME, QMARK, STAR, type Word } from './words.js';

const MAX_EVAL_DEPTH = 4;
const MAX_STRINGS = 512;
const MAX_LOOSE_CHARS = 4096;

export function interpreterFinding(it: Interpreter, argv: string[], ctx: RuleContext): Finding | null {
  for (const w of it.code) {
    if (w.literal === null) return { rule: 'non-literal-script', reason: `${it.name} code ${w.text} is not literal`, argv };
  }
  if (it.inPlace) {
    for (const a of it.args) {
      const hit = reachControl(a.values, 'path', ctx);
      if (hit) return hitFinding(hit, `${it.name} -i edits in place`, argv);
    }
  }
  if (it.code.length === 0) return null;
  return codeFinding(it.lang, it.name, it.code.map((w) => w.literal).join('\n'), it.args, argv, ctx, 0);
}

/**
 * Code an interpreter reads (inline, from a here-document, or evaluated by the
 * code itself). Shell text it hands to a shell is checked first (a shell
 * started there reads a stdin the code feeds, which we cannot see); then,
 * when it can run commands, every literal string and script argument is
 * checked as shell too, so a real danger is named before text that could not
 * be read is refused.
 */
export function codeFinding(lang: Lang, name: string, code: string, args: Word[], argv: string[], ctx: RuleContext, depth: number): Finding | null {
  if (depth > MAX_EVAL_DEPTH) return { rule: 'too-deep', reason: `${name} code evaluates code nested more than ${MAX_EVAL_DEPTH} levels deep`, argv };
  const slow = (): Finding | null => (ctx.expired() ? { rule: 'too-deep', reason: TOO_SLOW, argv } : null);
  const scan = scanPayload(lang, code);
  const { caps } = scan;
  const late = slow();
  if (late) return late;
  if (scan.anomaly && (caps.shell || caps.fs || caps.tree)) {
    return { rule: 'interpreter', reason: `${name} code could not be read to the end (an unclosed string or comment) and can run commands or write files`, argv };
  }
  // A refusal for text we could not read waits until the loose strings below had a chance to name a real danger.
  let unreadable: Finding | null = null;
  for (const text of scan.shell) {
    const f = slow() ?? ctx.script(text, { stdinFed: true });
    if (!f) continue;
    if (f.reason === TOO_SLOW) return f;
    const found = { ...f, reason: `${name} code runs a shell command: ${f.reason}` };
    if (!UNREADABLE.has(f.rule)) return found;
    unreadable ??= found;
  }
  const strings = scan.strings.slice(0, MAX_STRINGS);
  if ((caps.shell || caps.fs) && scan.strings.length > MAX_STRINGS) {
    return { rule: 'interpreter', reason: `${name} code holds more than ${MAX_STRINGS} strings and can run commands or write files`, argv };
  }
  if (caps.shell) {
    // Shell text with computed parts, read with those parts unknown; then every other string and argument.
    const loose = [
      ...scan.computedShell.map((t) => t.replaceAll(ANY, '$__UNKNOWN')),
      ...strings.filter((s) => s.lit).map((s) => s.value),
      ...args.filter((a) => a.literal !== null).map((a) => a.literal!),
    ];
    for (const text of loose) {
      if (text.length > MAX_LOOSE_CHARS || !/\S/.test(text)) continue;
      const f = slow() ?? ctx.script(text);
      if (f?.reason === TOO_SLOW) return f;
      // A string that does not read as shell is just a string; only a real rule counts.
      if (f && !UNREADABLE.has(f.rule)) return { ...f, reason: `${name} code can run commands and holds "${clip(text)}": ${f.reason}` };
    }
  }
  if (unreadable) return unreadable;
  if (scan.computed) return { rule: 'non-literal-script', reason: `${name} code: ${scan.computed}`, argv };
  for (const inner of scan.evaluated) {
    const f = slow() ?? codeFinding(lang, name, inner, args, argv, ctx, depth + 1);
    if (f) return f;
  }
  if (!caps.fs && !caps.tree) return slow();
  const paths = [...strings.map((s) => [asPattern(s.value)]), ...args.map((a) => a.values)];
  for (const values of paths) {
    for (const p of resolveAll(values, ctx, 'skip')) {
      if (caps.tree && couldNameAny(p, ctx.control.deleteProtected) !== null) {
        return { rule: 'interpreter', reason: `${name} code can delete or move whole folders and names ${showPattern(p)} (root, home or a top-level system folder)`, argv };
      }
      if (caps.fs && p.startsWith('/') && couldBeDevice(p, false)) {
        return { rule: 'interpreter', reason: `${name} code can write files and names device ${showPattern(p)}`, argv };
      }
    }
    const hit = reachControl(values, caps.tree ? 'tree' : 'path', ctx);
    if (hit) return { ...hitFinding(hit, `${name} code can write or delete files and names`, argv), rule: 'interpreter' };
  }
  return slow();
}

/** A string literal read as a path: a leading `~` is home (expanduser), `*` and `?` may be globbed. */
function asPattern(s: string): string {
  const homed = s === '~' || s.startsWith('~/') ? HOME + s.slice(1) : s;
  return homed.replaceAll('*', STAR).replaceAll('?', QMARK);
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);
