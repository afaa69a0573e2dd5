/**
 * The bodies of the requests that act on one process: signal, stdin, resize (docs/api.md §3.4, §4.4, §4.6, §4.11).
 * @module
 */
import * as v from "valibot";
import { SIGNALS, type WireSignal } from "./signals.ts";
import { optionalInt, type Obj, type OptionalInt } from "./schema-parts.ts";

/** A terminal's largest side, in cells (docs/api.md §4.11). */
export const MAX_TTY_SIDE = 1000;

const signalNames = Object.keys(SIGNALS) as WireSignal[];

/** The body of `POST /{id}/signal` (docs/api.md §3.4 and §4.4). */
export const SignalRequestSchema: Obj<{
  signal: v.SchemaWithPipe<
    readonly [
      v.NullishSchema<v.StringSchema<string>, "">,
      v.NonEmptyAction<string, string>,
      v.CheckAction<string, v.ErrorMessage<v.CheckIssue<string>>>,
      v.TransformAction<string, WireSignal>,
    ]
  >;
  wait_ms: OptionalInt;
}> = v.object({
  signal: v.pipe(
    v.nullish(v.string("Signal must be a string."), ""),
    v.nonEmpty("Signal is required."),
    v.check(
      (s) => (signalNames as string[]).includes(s),
      (issue) =>
        `Unsupported signal ${JSON.stringify(issue.input)}. Use "kill", "terminate", "interrupt" or "hangup".`,
    ),
    v.transform((s) => s as WireSignal),
  ),
  wait_ms: optionalInt(0, 60_000, "wait_ms"),
});
/** A validated signal request. */
export type SignalRequest = v.InferOutput<typeof SignalRequestSchema>;

/** The body of `POST /{id}/stdin` (docs/api.md §4.6). */
export const StdinRequestSchema: Obj<{
  data: v.NullishSchema<v.StringSchema<string>, "">;
  encoding: v.NullishSchema<v.PicklistSchema<["utf8", "base64"], string>, "utf8">;
  eof: v.NullishSchema<v.BooleanSchema<string>, false>;
}> = v.object({
  data: v.nullish(v.string("data must be a string."), ""),
  encoding: v.nullish(v.picklist(["utf8", "base64"], 'encoding must be "utf8" or "base64".'), "utf8"),
  eof: v.nullish(v.boolean("eof must be a boolean."), false),
});
/** A validated stdin request. */
export type StdinRequest = v.InferOutput<typeof StdinRequestSchema>;

/** A terminal side of a resize: required, a whole number in 1..{@link MAX_TTY_SIDE}. */
type Side = v.SchemaWithPipe<
  readonly [
    v.NumberSchema<string>,
    v.SafeIntegerAction<number, string>,
    v.MinValueAction<number, number, string>,
    v.MaxValueAction<number, number, string>,
  ]
>;
const side = (what: string): Side =>
  v.pipe(
    v.number(`${what} must be a number.`),
    v.safeInteger(`${what} must be an integer.`),
    v.minValue(1, `${what} must be at least 1.`),
    v.maxValue(MAX_TTY_SIDE, `${what} must be at most ${MAX_TTY_SIDE}.`),
  );

/** The body of `POST /{id}/resize` (docs/api.md §4.11). */
export const ResizeRequestSchema: Obj<{ cols: Side; rows: Side }> = v.object({ cols: side("cols"), rows: side("rows") });
/** A validated resize request. */
export type ResizeRequest = v.InferOutput<typeof ResizeRequestSchema>;
