/**
 * Pieces the wire schemas share: valibot's types written out (as JSR asks of every export), the optional integer
 * and the wait condition of docs/api.md §4.5.
 * @module
 */
import * as v from "valibot";

// Every export's type is written out, as JSR asks (https://jsr.io/docs/about-slow-types); in valibot's words:
export type Nullish<S extends v.GenericSchema> = v.NullishSchema<S, undefined>;
export type Obj<E extends v.ObjectEntries> = v.ObjectSchema<E, undefined>;
/** A check with a message, as `noNul` and the env key rules make. */
export type Check = v.CheckAction<string, string>;
/** An optional whole number in a range (`optionalInt`). */
export type OptionalInt = Nullish<
  v.SchemaWithPipe<
    readonly [
      v.NumberSchema<string>,
      v.SafeIntegerAction<number, string>,
      v.MinValueAction<number, number, string>,
      v.MaxValueAction<number, number, string>,
    ]
  >
>;

/** An optional whole number in `min..max`; the messages name the field `what`. */
export const optionalInt = (min: number, max: number, what: string): OptionalInt =>
  v.nullish(
    v.pipe(
      v.number(`${what} must be a number.`),
      v.safeInteger(`${what} must be an integer.`),
      v.minValue(min, `${what} must be at least ${min}.`),
      v.maxValue(max, `${what} must be at most ${max}.`),
    ),
  );

/** What a wait waits for (docs/api.md §4.5). */
export const UNTIL: ["exit", "output", "match", "port"] = ["exit", "output", "match", "port"];
export const UNTIL_MESSAGE = 'until must be "exit", "output", "match" or "port".';
/** The longest `pattern` of `until=match`, in UTF-16 units. */
export const MAX_PATTERN_LENGTH = 1024;
export type PatternSchema = v.SchemaWithPipe<readonly [v.StringSchema<string>, v.MaxLengthAction<string, 1024, string>]>;
export const patternSchema: PatternSchema = v.pipe(
  v.string("pattern must be a string."),
  v.maxLength(MAX_PATTERN_LENGTH as 1024, `pattern must be at most ${MAX_PATTERN_LENGTH} characters.`),
);
