/**
 * The agent's .env grammar, one module for reading and editing (see
 * docs/flags.md "Reading .env"): dotenv-grammar.ts is the port of
 * python-dotenv's parser, dotenv-values.ts its dict and interpolation,
 * dotenv-reading.ts the reading with its doubts, dotenv-edit.ts the editor.
 */
export { readDotenv, doubtsFor, type Doubt, type DoubtKind, type DotenvReading, type ReadOptions } from './dotenv-reading.js';
export { setEnvValue, checkedEdit, refuseOnDoubt, blockingDoubts, lineBreakOf, type EnvEdit } from './dotenv-edit.js';
export { parseStatements, type Statement, type Span, type Quote } from './dotenv-grammar.js';

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A key the app may write: the contract's keys are all of this shape. */
export function isValidKey(key: string): boolean {
  return KEY_RE.test(key);
}
