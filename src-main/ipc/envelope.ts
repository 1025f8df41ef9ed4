/**
 * What every handler returns: `{result}` or `{error}`. Errors carry the
 * core's kind and a hint a person can act on; anything that is not a
 * StratamError is reported by message only (no stack, no config objects, no
 * secrets: the core builds its messages from names and fingerprints).
 */
import type { z } from 'zod';
import { describeError, StratamError, type ErrorKind } from '../core/errors.js';

export interface IpcError {
  kind: ErrorKind;
  message: string;
  hint: string | null;
  /** Structured detail from the core (never secrets), e.g. the offered host key. */
  detail?: Record<string, unknown>;
}

export type Envelope<T> = { result: T; error?: undefined } | { error: IpcError; result?: undefined };

export function errorEnvelope(err: unknown): { error: IpcError } {
  if (err instanceof StratamError) {
    return { error: { kind: err.kind, message: err.message, hint: err.hint ?? null, ...(err.detail ? { detail: err.detail } : {}) } };
  }
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const hint = code === 'ENOENT' ? 'A file the action needs is missing on the droplet; check the profile paths.' : code === 'EACCES' ? 'The SSH user lacks permission for that file.' : null;
  return { error: { kind: 'failed', message: describeError(err), hint } };
}

/** A zod failure as one sentence naming each bad field, e.g. `confirm: this action needs confirm: true`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map(String).join('.');
      const msg = i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` : i.message;
      return path ? `${path}: ${msg}` : msg;
    })
    .join('; ');
}

export function invalidArgs(channel: string, error: z.ZodError): { error: IpcError } {
  return {
    error: {
      kind: 'usage',
      message: `Invalid request to ${channel}: ${describeIssues(error)}.`,
      hint: 'Nothing was sent to the droplet. Correct the field named above and try again.',
    },
  };
}
