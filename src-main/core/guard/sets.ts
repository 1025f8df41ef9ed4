/**
 * Small helpers over the possibility sets of the shell state (shell-state.ts),
 * kept as arrays and read-only sets that are replaced, never changed in place.
 */
/** Every element of `a`, then those of `b` it lacks. */
export function union<T>(a: ReadonlyArray<T>, b: ReadonlyArray<T>): T[] {
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out;
}

/** `set` with `name` in or out. */
export function toggled(set: ReadonlySet<string>, name: string, on: boolean): ReadonlySet<string> {
  const out = new Set(set);
  if (on) out.add(name);
  else out.delete(name);
  return out;
}

/** The same elements, in any order (no duplicates in either). */
export function sameSet<T>(a: ReadonlyArray<T>, b: ReadonlyArray<T>): boolean {
  return a === b || (a.length === b.length && a.every((x) => b.includes(x)));
}
