/**
 * From statements to the dict `dotenv_values()` returns (python-dotenv 0.21.0,
 * main.py resolve_variables and variables.py, interpolate=True as the agent
 * calls it): the last assignment wins, `KEY` with no `=` is None, and every
 * value (single-quoted ones too) has `${NAME}` and `${NAME:-default}`
 * replaced, looking NAME up first among the keys assigned earlier in the file
 * (None there gives "", not the default) and then in the agent's process
 * environment.
 *
 * The environment is the one thing the app cannot see, so each key whose
 * effective value used it (directly or through an earlier key that did) is
 * reported; callers turn that into a doubt when the key matters.
 */
import type { Statement } from './dotenv-grammar.js';

export type Atom = { literal: string } | { name: string; fallback: string | null };

/**
 * `\$\{(?P<name>[^\}:]*)(?::-(?P<default>[^\}]*))?\}`, found left to right
 * without overlap; text that does not complete a match stays literal.
 */
export function parseVariables(value: string): Atom[] {
  const atoms: Atom[] = [];
  let cursor = 0;
  let from = 0;
  for (;;) {
    const at = value.indexOf('${', from);
    if (at < 0) break;
    let p = at + 2;
    while (p < value.length && value[p] !== '}' && value[p] !== ':') p++;
    const name = value.slice(at + 2, p);
    let fallback: string | null = null;
    let end = -1;
    if (value[p] === '}') end = p + 1;
    else if (value[p] === ':' && value[p + 1] === '-') {
      const close = value.indexOf('}', p + 2);
      if (close >= 0) {
        fallback = value.slice(p + 2, close);
        end = close + 1;
      }
    }
    if (end < 0) {
      from = at + 1;
      continue;
    }
    if (at > cursor) atoms.push({ literal: value.slice(cursor, at) });
    atoms.push({ name, fallback });
    cursor = end;
    from = end;
  }
  if (cursor < value.length) atoms.push({ literal: value.slice(cursor) });
  return atoms;
}

/** Why a key's effective value depends on the agent's environment. */
export interface EnvironmentUse {
  /** Line of the statement that assigns the key. */
  line: number;
  /** The variable taken from the environment (or through which it came). */
  variable: string;
  /** Set when the variable is a file key whose own value came from the environment. */
  through: string | null;
}

export interface Resolution {
  /** Exactly dotenv_values(): null where python-dotenv returns None. */
  dict: Map<string, string | null>;
  /** Keys whose effective value used the environment. */
  environment: Map<string, EnvironmentUse>;
}

export function resolveValues(statements: readonly Statement[], environ: ReadonlyMap<string, string> = new Map()): Resolution {
  const dict = new Map<string, string | null>();
  const environment = new Map<string, EnvironmentUse>();
  for (const s of statements) {
    if (s.key === null) continue;
    if (s.value === null) {
      dict.set(s.key, null);
      environment.delete(s.key);
      continue;
    }
    let result = '';
    let use: EnvironmentUse | null = null;
    for (const a of parseVariables(s.value)) {
      if ('literal' in a) {
        result += a.literal;
        continue;
      }
      if (dict.has(a.name)) {
        result += dict.get(a.name) ?? '';
        const inherited = environment.get(a.name);
        if (inherited && !use) use = { line: s.atLine, variable: a.name, through: a.name };
      } else {
        result += environ.get(a.name) ?? a.fallback ?? '';
        if (!use) use = { line: s.atLine, variable: a.name, through: null };
      }
    }
    dict.set(s.key, result);
    if (use) environment.set(s.key, use);
    else environment.delete(s.key);
  }
  return { dict, environment };
}
