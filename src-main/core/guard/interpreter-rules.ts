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
import { type Finding, type RuleContext, UNREADABLE } from './finding.js';
import type { Interpreter } from './interpreters.js';
import type { Lang } from './payload-lexer.js';
import { scanPayload } from './payload-scan.js';
import { couldBeDevice, couldNameAny, showPattern } from './targets.js';
import { HOME, QMARK, STAR, type Word } from './words.js';

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

/** Code an interpreter reads (inline, from a here-document, or evaluated by the code itself). */
export function codeFinding(lang: Lang, name: string, code: string, args: Word[], argv: string[], ctx: RuleContext, depth: number): Finding | null {
  if (depth > MAX_EVAL_DEPTH) return { rule: 'too-deep', reason: `${name} code evaluates code nested more than ${MAX_EVAL_DEPTH} levels deep`, argv };
  const scan = scanPayload(lang, code);
  const { caps } = scan;
  if (scan.anomaly && (caps.shell || caps.fs || caps.tree)) {
    return { rule: 'interpreter', reason: `${name} code could not be read to the end (an unclosed string or comment) and can run commands or write files`, argv };
  }
  if (scan.computed) return { rule: 'non-literal-script', reason: `${name} code: ${scan.computed}`, argv };
  for (const text of scan.shell) {
    const f = ctx.script(text);
    if (f) return { ...f, reason: `${name} code runs a shell command: ${f.reason}` };
  }
  for (const inner of scan.evaluated) {
    const f = codeFinding(lang, name, inner, args, argv, ctx, depth + 1);
    if (f) return f;
  }
  const strings = scan.strings.slice(0, MAX_STRINGS);
  if ((caps.shell || caps.fs) && scan.strings.length > MAX_STRINGS) {
    return { rule: 'interpreter', reason: `${name} code holds more than ${MAX_STRINGS} strings and can run commands or write files`, argv };
  }
  if (caps.shell) {
    for (const s of strings) {
      if (!s.lit || s.value.length > MAX_LOOSE_CHARS || !/\S/.test(s.value)) continue;
      const f = ctx.script(s.value);
      // A string that does not read as shell is just a string; only a real rule counts.
      if (f && !UNREADABLE.has(f.rule)) return { ...f, reason: `${name} code can run commands and holds "${clip(s.value)}": ${f.reason}` };
    }
  }
  if (!caps.fs && !caps.tree) return null;
  const paths = [...strings.map((s) => [asPattern(s.value)]), ...args.map((a) => a.values)];
  for (const values of paths) {
    for (const p of resolveAll(values, ctx.cwds, 'skip')) {
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
  return null;
}

/** A string literal read as a path: a leading `~` is home (expanduser), `*` and `?` may be globbed. */
function asPattern(s: string): string {
  const homed = s === '~' || s.startsWith('~/') ? HOME + s.slice(1) : s;
  return homed.replaceAll('*', STAR).replaceAll('?', QMARK);
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);
