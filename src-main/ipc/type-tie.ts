/**
 * Compile-time ties between a schema and the core type it describes (see the
 * top of channels.ts for why exact equality rather than `satisfies`). Types
 * only: nothing here exists at run time.
 */
import type { z } from 'zod';

/** Flattened field by field, so an interface, an intersection and zod's inferred object compare by their fields alone. */
type Flat<T> = T extends readonly unknown[] ? { [K in keyof T]: Flat<T[K]> } : T extends object ? { [K in keyof T]: Flat<T[K]> } : T;

/**
 * True only when A and B are the same type: same fields, same optionality,
 * same field types, both ways. (Mutual assignability is not enough: an
 * optional field on one side only passes it, and zod strips such a field at
 * run time without a word.)
 */
export type Exact<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;

/** `true` when the schema's output is exactly `Core`; otherwise both types and the top-level fields that differ, for the error message. */
export type Tie<S extends z.ZodType, Core> =
  Exact<z.output<S>, Core> extends true
    ? true
    : {
        mismatch: 'schema output is not exactly the core type';
        onlyInSchema: Exclude<keyof z.output<S>, keyof Core>;
        onlyInCore: Exclude<keyof Core, keyof z.output<S>>;
        schema: z.output<S>;
        core: Core;
      };

/** Fails `tsc` (on the line that uses it) unless T is `true`. */
export type Assert<T extends true> = T;
