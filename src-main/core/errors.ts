/**
 * One error type for everything the core refuses or fails at. Each carries the
 * CLI exit class and a hint that tells the operator what to do next. Messages
 * never include key material, connection configs or vault plaintext: callers
 * build them from names and fingerprints only.
 */
export type ErrorKind = 'failed' | 'usage' | 'refused' | 'connect';

export const EXIT_CODES: Readonly<Record<ErrorKind | 'ok', number>> = {
  ok: 0,
  failed: 1,
  usage: 2,
  refused: 3,
  connect: 4,
};

export class StratamError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  /** Extra structured detail for --json output and the UI (never secrets). */
  readonly detail: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, opts: { hint?: string; detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'StratamError';
    this.kind = kind;
    this.hint = opts.hint;
    this.detail = opts.detail;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export const usageError = (message: string, hint?: string) => new StratamError('usage', message, hint === undefined ? {} : { hint });
export const refusedError = (message: string, hint?: string, detail?: Record<string, unknown>) =>
  new StratamError('refused', message, { ...(hint === undefined ? {} : { hint }), ...(detail === undefined ? {} : { detail }) });

/** Describe any thrown value without leaking its internals (stack, config objects). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
