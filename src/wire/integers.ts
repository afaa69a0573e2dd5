/**
 * Integers in query strings and headers (cursors, limits, waits, `Last-Event-ID`): decimal digits only, at most
 * 16 of them, so every accepted value is a safe integer.
 * @module
 */
import * as v from "valibot";

/**
 * A non-negative decimal integer of at most 16 digits.
 * @example
 * ```ts
 * NON_NEGATIVE_INTEGER.test("42"); // true
 * ```
 */
export const NON_NEGATIVE_INTEGER: RegExp = /^\d{1,16}$/;

/** The schema of `queryInteger`: an optional string of digits, read as a number in range. */
export type QueryInteger = v.OptionalSchema<
  v.SchemaWithPipe<
    readonly [
      v.StringSchema<undefined>,
      v.RegexAction<string, string>,
      v.TransformAction<string, number>,
      v.MinValueAction<number, number, string>,
      v.MaxValueAction<number, number, string>,
    ]
  >,
  undefined
>;

/**
 * An optional query parameter holding an integer in `[min, max]`, parsed to a number.
 * @example
 * ```ts
 * v.object({ limit: queryInteger(1, 1000, "limit") });
 * ```
 */
export function queryInteger(min: number, max: number, what: string): QueryInteger {
  return v.optional(
    v.pipe(
      v.string(),
      v.regex(NON_NEGATIVE_INTEGER, `${what} must be a non-negative integer.`),
      v.transform(Number),
      v.minValue(min, `${what} must be at least ${min}.`),
      v.maxValue(max, `${what} must be at most ${max}.`),
    ),
  );
}
