/**
 * The options of `stratam audit` subcommands: flags, values, and the one
 * positional text `audit search` takes.
 */
import { usageError } from '../core/errors.js';

export interface Flags {
  bools: Set<string>;
  values: Map<string, string>;
  /** Arguments that are not options, when the subcommand takes them (`audit search TEXT`). */
  positional: string[];
}

export function parseFlags(argv: string[], bools: string[], values: string[], positional = 0): Flags {
  const f: Flags = { bools: new Set(), values: new Map(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const key = name === '-f' ? '--follow' : name === '-n' ? '--lines' : name;
    if (bools.includes(key)) f.bools.add(key);
    else if (values.includes(key)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw usageError(`${key} needs a value.`, 'Run `stratam audit --help`.');
      f.values.set(key, v);
    } else if (!a.startsWith('-') && f.positional.length < positional) f.positional.push(a);
    else if (!a.startsWith('-') && positional > 0) throw usageError(`Too many arguments ("${a.slice(0, 40)}"): search takes one text.`, 'Quote a text with spaces: stratam audit search "two words".');
    else throw usageError(`Unknown option "${a.slice(0, 40)}" for audit.`, 'Run `stratam audit --help`.');
  }
  return f;
}

export function wholeNumber(f: Flags, key: string): number | undefined {
  const v = f.values.get(key);
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw usageError(`${key} must be a whole number, not "${v.slice(0, 30)}".`);
  return Number(v);
}
