/**
 * What the script has done to its own shell so far, as far as a static
 * reading can tell: the folder it may be in, the values its variables may
 * hold, the aliases it defined. Each is a small set of possibilities rather
 * than one value, because a `cd` can fail and a branch may not run: after
 * `cd /nowhere; rm .env` the `rm` may run where the command started, so both
 * folders are checked. Only a `cd` whose success the next command depends on
 * (`cd D && ...`, `cd D || exit`) narrows the set.
 *
 * A variable a builtin set out of sight (`read`, `printf -v`) is unknown and
 * "computed": its text may start with `-` (an option). One the environment
 * gave us is unknown but not computed (`rm "$file"` is a file). The walker
 * (analyze.ts) snapshots the state around each statement and merges (unions)
 * it back when the statement may have stopped part-way.
 */
import { sameSet, toggled, union } from './sets.js';
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

type Vars = ReadonlyMap<string, readonly string[]>;
/** The positional parameters a call replaced, to put back after it. */
export interface Positional {
  vars: Vars;
  computed: ReadonlySet<string>;
}

/**
 * Every field is replaced, never changed in place, so a snapshot (clone) is
 * a handful of references: the walker takes one per statement.
 */
export class ShellState implements WordEnv {
  cwds: readonly Cwd[] = [null];
  oldCwds: readonly Cwd[] = [null];
  dirStack: ReadonlyArray<readonly Cwd[]> = [];
  /** Absent: unknown (from the environment). */
  vars: Vars = new Map();
  /** Variables whose text the script computed out of sight. */
  computedVars: ReadonlySet<string> = new Set();
  /** Variables a loop kept changing, widened to unknown: they may be any path, names included. */
  widenedVars: ReadonlySet<string> = new Set();
  /** Every variable the script did not set may hold computed text (after `declare "$X"`). */
  tainted = false;
  /** Alias name to its possible texts (null: not literal). */
  aliases: ReadonlyMap<string, ReadonlyArray<string | null>> = new Map();
  /** Shared by every snapshot of one check: a bound, once passed, stays passed (the walker refuses). */
  private bounds = { overflow: false };

  /** `home`: the SSH user's home when the plane knows it (then `~` and `$HOME` are that path). */
  constructor(readonly home: string | null = null) {}

  get overflow(): boolean {
    return this.bounds.overflow;
  }
  overflowed(): void {
    this.bounds.overflow = true;
  }

  variable(name: string): readonly string[] | null {
    const v = this.vars.get(name);
    if (v) return v;
    if (name === 'HOME') return [this.home ?? HOME];
    // bash keeps PWD and OLDPWD in step with cd (and `~+`, `~-` read them).
    if (name === 'PWD') return this.cwds.map((c) => c ?? ANY);
    if (name === 'OLDPWD') return this.oldCwds.map((c) => c ?? ANY);
    return null;
  }

  computed(name: string): boolean {
    return this.computedVars.has(name) || (this.tainted && !this.vars.has(name));
  }
  widened(name: string): boolean {
    return this.widenedVars.has(name);
  }

  clone(): ShellState {
    const s = new ShellState(this.home);
    s.copyFrom(this);
    return s;
  }

  copyFrom(o: ShellState): void {
    this.cwds = o.cwds;
    this.oldCwds = o.oldCwds;
    this.dirStack = o.dirStack;
    this.vars = o.vars;
    this.computedVars = o.computedVars;
    this.widenedVars = o.widenedVars;
    this.tainted = o.tainted;
    this.aliases = o.aliases;
    this.bounds = o.bounds;
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
        vars.set(name, this.bound(union(a ?? this.unset(name), b ?? o.unset(name)), MAX_VALUES));
      }
      this.vars = vars;
    }
    if (this.computedVars !== o.computedVars) this.computedVars = new Set([...this.computedVars, ...o.computedVars]);
    if (this.widenedVars !== o.widenedVars) this.widenedVars = new Set([...this.widenedVars, ...o.widenedVars]);
    this.tainted ||= o.tainted;
    if (this.aliases !== o.aliases) {
      const aliases = new Map(this.aliases);
      for (const [name, texts] of o.aliases) aliases.set(name, union(aliases.get(name) ?? [], texts));
      this.aliases = aliases;
    }
  }

  /** What an absent variable reads as. */
  private unset(name: string): readonly string[] {
    return this.variable(name) ?? [ANY];
  }

  /** Same possibilities as `o` (a loop body has settled). */
  sameAs(o: ShellState): boolean {
    if (!sameSet(this.cwds, o.cwds) || this.tainted !== o.tainted || !sameSet([...this.computedVars], [...o.computedVars])) return false;
    if (this.vars.size !== o.vars.size || this.aliases.size !== o.aliases.size) return false;
    for (const [k, v] of this.vars) if (!sameSet(v, o.vars.get(k) ?? [])) return false;
    for (const [k, v] of this.aliases) if (!sameSet(v, o.aliases.get(k) ?? [])) return false;
    return true;
  }

  /** Variables whose possible values differ from `before`'s. */
  changedVars(before: ShellState): string[] {
    return [...this.vars.keys()].filter((k) => !sameSet(this.vars.get(k)!, before.vars.get(k) ?? []));
  }

  /**
   * Variables a loop keeps changing: each may now hold anything, a control
   * path included (words holding them are `widened`, and the rules read such
   * a word as able to name any protected path).
   */
  widen(names: readonly string[]): void {
    if (names.length === 0) return;
    const vars = new Map(this.vars);
    for (const k of names) vars.set(k, [ANY]);
    this.vars = vars;
    this.computedVars = new Set([...this.computedVars, ...names]);
    this.widenedVars = new Set([...this.widenedVars, ...names]);
  }

  assign(name: string, values: readonly string[], computed = false, widened = false): void {
    if (!this.vars.has(name) && this.vars.size >= MAX_NAMES) {
      this.overflowed();
      return;
    }
    // A value built from a widened variable is itself anything.
    this.vars = new Map(this.vars).set(name, widened ? [ANY] : this.bound([...new Set(values)], MAX_VALUES));
    if (computed !== this.computedVars.has(name)) this.computedVars = toggled(this.computedVars, name, computed);
    if (widened !== this.widenedVars.has(name)) this.widenedVars = toggled(this.widenedVars, name, widened);
  }

  /** Set by a builtin to text we cannot see (`read X`, `printf -v X`). */
  setUnknown(name: string): void {
    this.assign(name, [ANY], true);
  }

  /** Any variable may now hold anything (`declare "$X"`): forget them all (positional parameters aside). */
  loseVars(): void {
    this.vars = new Map([...this.vars].filter(([k]) => POSITIONAL.includes(k)));
    this.computedVars = new Set();
    this.tainted = true;
  }

  defineAlias(name: string, text: string): void {
    if (!this.aliases.has(name) && this.aliases.size >= MAX_NAMES) {
      this.overflowed();
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
    this.moveTo(next);
  }

  /** The folders a wrapper's own chdir (`env -C DIR`) lands in: no CDPATH, and it fails rather than stays. */
  chdirTo(dir: Word): readonly Cwd[] {
    const out: Cwd[] = [];
    for (const v of dir.values) for (const c of this.cwds) out.push(normalizePath(v, c ?? ANY) ?? ANY);
    return this.bound(union([], out), MAX_CWDS);
  }

  private moveTo(next: Cwd[]): void {
    for (let i = 0; i < next.length; i++) if ((next[i]?.length ?? 0) > MAX_CWD_CHARS) next[i] = ANY;
    this.oldCwds = this.cwds;
    this.cwds = this.bound(union([], next), MAX_CWDS);
    if (this.vars.has('PWD') || this.vars.has('OLDPWD')) {
      const vars = new Map(this.vars);
      vars.delete('PWD');
      vars.delete('OLDPWD');
      this.vars = vars;
    }
  }

  /** Somewhere we cannot follow (`pushd +2`, `popd` with options). */
  lost(): void {
    this.moveTo([ANY]);
  }

  pushd(dir: Word | undefined): void {
    this.dirStack = [...this.dirStack, this.cwds];
    this.cd(dir);
  }

  popd(): void {
    const top = this.dirStack[this.dirStack.length - 1];
    if (!top) return; // popd on an empty stack fails and stays put
    this.dirStack = this.dirStack.slice(0, -1);
    this.moveTo([...top]);
  }

  /** Bind $1..$9, $@, $*, $# (a function call, `set --`, `sh -c TEXT ARG0 ARGS`); returns what to restore afterwards. */
  bindPositional(args: Word[]): Positional {
    const saved = { vars: this.vars, computed: this.computedVars };
    const vars = new Map(this.vars);
    // "$@" is every argument: read as any one of them (the word splits, see words.ts).
    const all = args.flatMap((a) => a.values);
    // Past an argument that may be several words, $N may be any of them.
    const split = args.findIndex((a) => a.splits);
    for (let i = 0; i < 9; i++) {
      const past = split !== -1 && i >= split;
      vars.set(String(i + 1), past ? [...all, ANY, ''] : args[i] ? [...args[i]!.values] : ['']);
    }
    vars.set('@', all.length ? all : ['']);
    vars.set('*', all.length ? all : ['']);
    // The count is known unless an argument may be several words.
    if (split !== -1) vars.delete('#');
    else vars.set('#', [String(args.length)]);
    this.vars = vars;
    const computed = args.some((a) => a.computed || a.splits);
    const c = new Set([...this.computedVars].filter((k) => !POSITIONAL.includes(k)));
    if (computed) for (const k of POSITIONAL) c.add(k);
    this.computedVars = c;
    return saved;
  }

  /** `shift N` (null: a count we cannot read): $1.. move down; past $9 they may be any argument. */
  shift(n: number | null): void {
    const count = Number(this.vars.get('#')?.[0] ?? Number.NaN);
    const any = [...(this.vars.get('@') ?? [ANY]), ''];
    if (n !== null && n > count) return; // bash: shift past the end fails and changes nothing
    const vars = new Map(this.vars);
    for (let k = 1; k <= 9; k++) {
      const from = n === null ? null : k + n;
      const past = from !== null && Number.isFinite(count) && from > count;
      const v = past ? [''] : from !== null && from <= 9 ? this.vars.get(String(from)) : any;
      vars.set(String(k), v ?? any);
    }
    if (n !== null && Number.isFinite(count)) vars.set('#', [String(count - n)]);
    else vars.delete('#');
    this.vars = vars;
  }

  /** Put the caller's positional parameters back, keeping what the function assigned to other variables. */
  restorePositional(saved: Positional): void {
    const vars = new Map(this.vars);
    const computed = new Set([...this.computedVars].filter((k) => !POSITIONAL.includes(k)));
    for (const k of POSITIONAL) {
      const v = saved.vars.get(k);
      if (v === undefined) vars.delete(k);
      else vars.set(k, v);
      if (saved.computed.has(k)) computed.add(k);
    }
    this.vars = vars;
    this.computedVars = computed;
  }

  private bound<T>(values: T[], max: number): T[] {
    if (values.length <= max) return values;
    this.overflowed();
    return values.slice(0, max);
  }
}
