/**
 * What the script has done to its own shell so far, as far as a static
 * reading can tell: the folder it may be in, the values its variables may
 * hold, the aliases it defined. Each is a small set of possibilities rather
 * than one value, because a `cd` can fail and a branch may not run: after
 * `cd /nowhere; rm .env` the `rm` may run where the command started, so both
 * folders are checked. Only a `cd` whose success the next command depends on
 * (`cd D && ...`, `cd D || exit`) narrows the set.
 *
 * The walker (analyze.ts) snapshots the state around each statement and
 * merges (unions) the snapshot back when the statement may have stopped
 * part-way; a subshell, a pipeline stage or `$(...)` restores it exactly.
 */
import { normalizePath } from './targets.js';
import { ANY, HOME, MAX_VALUES, type Word, type WordEnv } from './words.js';

/** A folder pattern, or null for the folder the command started in (unknown). */
export type Cwd = string | null;

const MAX_CWDS = 16;
/** A folder spelled longer than this is read as unknown (a loop of `cd sub` would otherwise grow it without end). */
const MAX_CWD_CHARS = 1024;
/** Distinct variables and aliases followed; past this the walker refuses (each change copies the table). */
const MAX_NAMES = 512;
const POSITIONAL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '@', '*', '#'];

/**
 * Every field is replaced, never changed in place, so a snapshot (clone) is
 * a handful of references: the walker takes one per statement.
 */
export class ShellState implements WordEnv {
  cwds: readonly Cwd[] = [null];
  oldCwds: readonly Cwd[] = [null];
  dirStack: ReadonlyArray<readonly Cwd[]> = [];
  /** Absent: unknown (it may come from the environment). */
  vars: ReadonlyMap<string, readonly string[]> = new Map();
  /** Alias name to its possible texts (null: not literal). */
  aliases: ReadonlyMap<string, ReadonlyArray<string | null>> = new Map();
  /** A set grew past its bound: the walker refuses rather than drop a possibility. */
  overflow = false;

  variable(name: string): readonly string[] | null {
    return this.vars.get(name) ?? (name === 'HOME' ? [HOME] : null);
  }

  clone(): ShellState {
    const s = new ShellState();
    s.copyFrom(this);
    return s;
  }

  copyFrom(o: ShellState): void {
    this.cwds = o.cwds;
    this.oldCwds = o.oldCwds;
    this.dirStack = o.dirStack;
    this.vars = o.vars;
    this.aliases = o.aliases;
    this.overflow = o.overflow;
  }

  /** Either this state or `o` may hold now: keep every possibility of both. */
  merge(o: ShellState): void {
    if (this.cwds !== o.cwds) this.cwds = this.bound(union(this.cwds, o.cwds), MAX_CWDS);
    if (this.oldCwds !== o.oldCwds) this.oldCwds = this.bound(union(this.oldCwds, o.oldCwds), MAX_CWDS);
    if (this.vars !== o.vars) {
      const vars = new Map(this.vars);
      for (const name of new Set([...this.vars.keys(), ...o.vars.keys()])) {
        const a = this.vars.get(name);
        const b = o.vars.get(name);
        if (a === b) continue;
        const unknown = name === 'HOME' ? HOME : ANY;
        vars.set(name, this.bound(union(a ?? [unknown], b ?? [unknown]), MAX_VALUES));
      }
      this.vars = vars;
    }
    if (this.aliases !== o.aliases) {
      const aliases = new Map(this.aliases);
      for (const [name, texts] of o.aliases) aliases.set(name, union(aliases.get(name) ?? [], texts));
      this.aliases = aliases;
    }
    this.overflow ||= o.overflow;
  }

  /** A loop body ran zero or more times: merge, and a folder that moved may have moved again. */
  mergeLoop(before: ShellState): void {
    const moved = this.cwds !== before.cwds;
    this.merge(before);
    if (moved) this.cwds = this.bound(union(this.cwds, [ANY]), MAX_CWDS);
  }

  assign(name: string, values: readonly string[]): void {
    if (!this.vars.has(name) && this.vars.size >= MAX_NAMES) {
      this.overflow = true;
      return;
    }
    this.vars = new Map(this.vars).set(name, this.bound([...new Set(values)], MAX_VALUES));
  }

  defineAlias(name: string, text: string): void {
    if (!this.aliases.has(name) && this.aliases.size >= MAX_NAMES) {
      this.overflow = true;
      return;
    }
    this.aliases = new Map(this.aliases).set(name, [text]);
  }

  /** `cd DIR`: every folder DIR may name from every folder we may be in. */
  cd(dir: Word | undefined): void {
    const next: Cwd[] = [];
    if (dir === undefined) next.push(...(this.variable('HOME') ?? [HOME]));
    else if (dir.literal === '-') next.push(...this.oldCwds);
    else {
      for (const v of dir.values) {
        for (const c of this.cwds) next.push(normalizePath(v, c ?? ANY) ?? ANY);
        // CDPATH (from the environment) may send a bare relative name anywhere.
        if (!/^(\/|\.|\uE000|\uE003)/.test(v)) next.push(normalizePath(v, ANY) ?? ANY);
      }
    }
    for (let i = 0; i < next.length; i++) if ((next[i]?.length ?? 0) > MAX_CWD_CHARS) next[i] = ANY;
    this.oldCwds = this.cwds;
    this.cwds = this.bound(union([], next), MAX_CWDS);
  }

  /** Somewhere we cannot follow (`pushd +2`, `popd` with options). */
  lost(): void {
    this.oldCwds = this.cwds;
    this.cwds = [ANY];
  }

  pushd(dir: Word | undefined): void {
    this.dirStack = [...this.dirStack, this.cwds];
    this.cd(dir);
  }

  popd(): void {
    const top = this.dirStack[this.dirStack.length - 1];
    if (!top) return; // popd on an empty stack fails and stays put
    this.dirStack = this.dirStack.slice(0, -1);
    this.oldCwds = this.cwds;
    this.cwds = top;
  }

  /** Bind $1..$9, $@, $* for a function call; returns what to restore afterwards. */
  bindPositional(args: Word[]): ReadonlyMap<string, readonly string[]> {
    const saved = this.vars;
    const vars = new Map(this.vars);
    for (let i = 0; i < 9; i++) vars.set(String(i + 1), args[i] ? [...args[i]!.values] : ['']);
    // "$@" is every argument: read as any one of them.
    const all = args.flatMap((a) => a.values);
    vars.set('@', all.length ? all : ['']);
    vars.set('*', all.length ? all : ['']);
    vars.delete('#');
    this.vars = vars;
    return saved;
  }

  /** `set -- a b c`: new positional parameters for the rest of the script. */
  setPositional(args: Word[]): void {
    this.bindPositional(args);
  }

  /** Put the caller's positional parameters back, keeping what the function assigned to other variables. */
  restorePositional(saved: ReadonlyMap<string, readonly string[]>): void {
    const vars = new Map(this.vars);
    for (const k of POSITIONAL) {
      const v = saved.get(k);
      if (v === undefined) vars.delete(k);
      else vars.set(k, v);
    }
    this.vars = vars;
  }

  private bound<T>(values: T[], max: number): T[] {
    if (values.length <= max) return values;
    this.overflow = true;
    return values.slice(0, max);
  }
}

function union<T>(a: ReadonlyArray<T>, b: ReadonlyArray<T>): T[] {
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out;
}
