/**
 * The control plane, wiping `/` by other tools, and the way in (contract v2:
 * "The control plane"): a command that writes, truncates, moves or deletes a
 * control-plane path, moves or deletes a folder that holds one, or adds to
 * an authorized_keys file is refused like `rm -rf /`; so are `rsync --delete`
 * onto `/` or a system folder, `shred` of system files and `mv` of them.
 */
import { type ControlHit, type Reach, controlHit, describeHit, isAccessHit } from './control-targets.js';
import type { Effects } from './file-effects.js';
import { type Finding, type RuleContext, argvOf } from './finding.js';
import { couldBeInside, couldEqual, couldNameAny, normalizePath, showPattern } from './targets.js';
import { commandName } from './unwrap.js';
import { ANY, HOME, type Word } from './words.js';

/** Folders whose files, shredded, leave a system that does not boot or log in. */
const SYSTEM_FILE_DIRS = ['/bin', '/boot', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/sbin', '/usr'];

/**
 * Each value against each folder we may be in. A relative path in the
 * folder the command started in becomes `<unknown>/path` (`unknownCwd:
 * 'any'`), which the control matcher reads only when it spells a name; the
 * older rules skip it (`'skip'`), as they always have. When the plane knows
 * the home, it is put in before normalising, so `~/../jarvis` resolves.
 */
export function resolveAll(values: readonly string[], ctx: Pick<RuleContext, 'cwds' | 'control'>, unknownCwd: 'any' | 'skip'): string[] {
  const out = new Set<string>();
  const home = ctx.control.home;
  const homed = (p: string) => (home !== null && p.startsWith(HOME) ? home + p.slice(1) : p);
  for (const v of values) {
    for (const c of ctx.cwds) {
      const p = normalizePath(homed(v), c === null ? (unknownCwd === 'any' ? ANY : null) : homed(c));
      if (p !== null) out.add(p);
    }
  }
  return [...out];
}

export function reachControl(values: readonly string[], reach: Reach, ctx: RuleContext, anyName = false): ControlHit | null {
  for (const p of resolveAll(values, ctx, 'any')) {
    const hit = controlHit(ctx.control, p, reach, anyName);
    if (hit) return hit;
  }
  return null;
}

export function hitFinding(hit: ControlHit, what: string, argv: string[]): Finding {
  const access = isAccessHit(hit);
  return {
    rule: access ? 'authorized-keys' : 'control-plane',
    reason: `${what} ${describeHit(hit)}${access ? '' : ': only the operator changes the control plane'}`,
    argv,
  };
}

export function controlFinding(argv: Word[], effects: Effects, ctx: RuleContext): Finding | null {
  const name = commandName(argv[0]) ?? '?';
  if (name === 'ssh-copy-id') return { rule: 'authorized-keys', reason: 'ssh-copy-id adds a key to an authorized_keys file (the way in)', argv: argvOf(argv) };
  for (const e of effects.writes) {
    const hit = reachControl(e.values, e.reach, ctx, e.word.widened);
    if (hit) return hitFinding(hit, `${name} ${e.verb}`, argvOf(argv));
  }
  return null;
}

/** `>`, `>>`, `>|`, `&>`... into a control-plane path. */
export function redirectControl(dest: Word, op: string, ctx: RuleContext, text: string): Finding | null {
  const hit = reachControl(dest.values, 'path', ctx, dest.widened);
  return hit ? hitFinding(hit, `output redirected (${op}) into`, [text]) : null;
}

export function wipeFinding(argv: Word[], effects: Effects, ctx: RuleContext): Finding | null {
  const name = commandName(argv[0]) ?? '?';
  for (const w of effects.wipes) {
    for (const p of resolveAll(w.values, ctx, 'skip')) {
      if (w.kind === 'shred') {
        // A variable-led path (`$DIR/x.key`) is left to the device rule, as before.
        if (p.startsWith(ANY)) continue;
        if (p === '/' || SYSTEM_FILE_DIRS.some((d) => couldEqual(p, d) || couldBeInside(p, d))) {
          return { rule: 'wipe-root', reason: `shred destroys ${showPattern(p)} (a system file)`, argv: argvOf(argv) };
        }
        continue;
      }
      // `mv "$F" /tmp/` moves some file: like `rm "$F"`, an unknown name alone is not a wipe.
      if (w.kind === 'move' && p === ANY) continue;
      const hit = couldNameAny(p, ctx.control.deleteProtected);
      if (hit !== null) {
        const what = w.kind === 'move' ? 'moves away' : 'deletes everything not in the source from';
        return { rule: 'wipe-root', reason: `${name} ${what} ${showPattern(p)} (root, home or a top-level system folder)`, argv: argvOf(argv) };
      }
    }
  }
  return null;
}
