/**
 * The valibot schemas of the wire contract (docs/api.md). They are the single source of the wire types: the HTTP
 * layer validates with them, and the types below are inferred from them.
 * @module
 */
import * as v from "valibot";
import { DEFAULT_LIMITS, type Limits } from "../core/limits.ts";
import { type QueryInteger, queryInteger as queryInt } from "./integers.ts";
import { MAX_TTY_SIDE } from "./action-schemas.ts";
import {
  optionalInt,
  patternSchema,
  UNTIL,
  UNTIL_MESSAGE,
  type Check,
  type Nullish,
  type Obj,
  type OptionalInt,
  type PatternSchema,
} from "./schema-parts.ts";

export {
  MAX_TTY_SIDE,
  ResizeRequestSchema,
  SignalRequestSchema,
  StdinRequestSchema,
  type ResizeRequest,
  type SignalRequest,
  type StdinRequest,
} from "./action-schemas.ts";
export { MAX_PATTERN_LENGTH } from "./schema-parts.ts";

/** `env`: a raw object (carrying its entry limit for the OpenAPI document), then its checks, then the record. */
type EnvSchema = v.SchemaWithPipe<
  readonly [
    v.CustomSchema<Record<string, unknown>, v.ErrorMessage<v.CustomIssue> | undefined> & { maxEntries: number },
    v.RawCheckAction<Record<string, unknown>>,
    v.RecordSchema<
      v.SchemaWithPipe<readonly [v.StringSchema<undefined>, v.NonEmptyAction<string, string>, Check, Check, Check]>,
      v.SchemaWithPipe<readonly [v.StringSchema<string>, Check]>,
      string
    >,
    v.MaxEntriesAction<Record<string, string>, number, string>,
  ]
>;
/** The fields of a start request. */
type StartEntries = {
  command: v.SchemaWithPipe<
    readonly [
      v.NullishSchema<v.StringSchema<string>, "">,
      v.NonEmptyAction<string, string>,
      v.MaxBytesAction<string, number, string>,
      Check,
    ]
  >;
  workdir: Nullish<v.SchemaWithPipe<readonly [v.StringSchema<string>, Check]>>;
  env: Nullish<EnvSchema>;
  background: Nullish<v.BooleanSchema<string>>;
  timeout_ms: OptionalInt;
  kill_grace_ms: OptionalInt;
  stdin: Nullish<v.BooleanSchema<string>>;
  client_token: Nullish<
    v.SchemaWithPipe<
      readonly [v.StringSchema<string>, v.MinLengthAction<string, 1, string>, v.MaxLengthAction<string, 128, string>]
    >
  >;
  tty: Nullish<v.BooleanSchema<string>>;
  cols: OptionalInt;
  rows: OptionalInt;
};



/** Keys valibot's `record` skips (prototype safety): refused out loud instead of dropped without a word. */
const RESERVED_ENV_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const noNul = (what: string): Check =>
  v.check((s: string) => !s.includes("\0"), `${what} must not contain a NUL character.`);

/**
 * `env` of a start request (docs/api.md §3.1): keys a real environment can hold (not empty, no `=`, no NUL) and are
 * not `CODER_CHAT_ID` (the server's, from the chat header), string values without NUL.
 */
function envSchema(maxEntries: number): EnvSchema {
  const key = v.pipe(
    v.string(),
    v.nonEmpty("Env keys must not be empty."),
    v.check((k: string) => !k.includes("="), "Env keys must not contain \"=\"."),
    noNul("Env keys"),
    v.check((k: string) => k !== "CODER_CHAT_ID", "CODER_CHAT_ID is set by the server, from the Coder-Chat-Id header."),
  );
  const value = v.pipe(v.string("Env values must be strings."), noNul("Env values"));
  const rawObject = v.custom<Record<string, unknown>>(
    (input) => typeof input === "object" && input !== null && !Array.isArray(input),
    "Env must be an object of strings.",
  );
  // The OpenAPI document describes the whole pipe from its first schema: it reads the entry limit from here.
  return v.pipe(
    Object.assign(rawObject, { maxEntries }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const input = dataset.value as Record<string, unknown>;
      for (const name of Object.keys(input)) {
        if (!RESERVED_ENV_KEYS.has(name)) continue;
        const path: [v.ObjectPathItem] = [{ type: "object", origin: "key", input, key: name, value: input[name] }];
        addIssue({ message: `Env key ${JSON.stringify(name)} is not supported.`, path });
      }
    }),
    v.record(key, value, "Env must be an object of strings."),
    v.maxEntries(maxEntries, `Env has more than ${maxEntries} entries.`),
  );
}

/**
 * The body of `POST /start` (docs/api.md §3.1 and §4.1), with the given limits on `command` and `env`.
 * @example
 * ```ts
 * const result = v.safeParse(startRequestSchema(limits), body);
 * ```
 */
export function startRequestSchema(limits: Pick<Limits, "maxCommandBytes" | "maxEnvEntries">): Obj<StartEntries> {
  return v.object({
    command: v.pipe(
      v.nullish(v.string("Command must be a string."), ""),
      v.nonEmpty("Command is required."),
      v.maxBytes(limits.maxCommandBytes, `Command is longer than ${limits.maxCommandBytes} bytes.`),
      noNul("Command"),
    ),
    workdir: v.nullish(v.pipe(v.string("Workdir must be a string."), noNul("Workdir"))),
    env: v.nullish(envSchema(limits.maxEnvEntries)),
    background: v.nullish(v.boolean("Background must be a boolean.")),
    timeout_ms: optionalInt(1, Number.MAX_SAFE_INTEGER, "timeout_ms"),
    kill_grace_ms: optionalInt(0, 3_600_000, "kill_grace_ms"),
    stdin: v.nullish(v.boolean("Stdin must be a boolean.")),
    client_token: v.nullish(
      v.pipe(
        v.string("client_token must be a string."),
        v.minLength(1, "client_token must not be empty."),
        v.maxLength(128, "client_token is longer than 128 characters."),
      ),
    ),
    tty: v.nullish(v.boolean("tty must be a boolean.")),
    cols: optionalInt(1, MAX_TTY_SIDE, "cols"),
    rows: optionalInt(1, MAX_TTY_SIDE, "rows"),
  });
}

/** The body of `POST /start` with the default limits. */
export const StartRequestSchema: Obj<StartEntries> = startRequestSchema(DEFAULT_LIMITS);
/** A validated start request. */
export type StartRequest = v.InferOutput<typeof StartRequestSchema>;

/**
 * The body of `POST /run` (docs/api.md §4.9): a start request plus `wait_ms`.
 * @example
 * ```ts
 * const result = v.safeParse(runRequestSchema(limits), body);
 * ```
 */
export function runRequestSchema(
  limits: Pick<Limits, "maxCommandBytes" | "maxEnvEntries" | "maxWaitMs">,
): Obj<RunEntries> {
  return v.object({
    ...startRequestSchema(limits).entries,
    wait_ms: optionalInt(0, limits.maxWaitMs, "wait_ms"),
    strip_ansi: v.nullish(v.boolean("strip_ansi must be a boolean.")),
    until: v.nullish(v.picklist(UNTIL, UNTIL_MESSAGE)),
    pattern: v.nullish(patternSchema),
    flags: v.nullish(v.string("flags must be a string.")),
    port: optionalInt(1, 65535, "port"),
  });
}


/** The fields of a run request: a start's, the wait and its condition, whether the text is stripped of escapes. */
type RunEntries = StartEntries & {
  wait_ms: OptionalInt;
  strip_ansi: Nullish<v.BooleanSchema<string>>;
  until: Nullish<v.PicklistSchema<typeof UNTIL, string>>;
  pattern: Nullish<PatternSchema>;
  flags: Nullish<v.StringSchema<string>>;
  port: OptionalInt;
};

/** The body of `POST /run` with the default limits. */
export const RunRequestSchema: Obj<RunEntries> = runRequestSchema(DEFAULT_LIMITS);
/** A validated run request. */
export type RunRequest = v.InferOutput<typeof RunRequestSchema>;


/** The query of `GET /list` (docs/api.md §3.2 and §4.2). */
export const ListQuerySchema: Obj<{
  limit: QueryInteger;
  running: v.OptionalSchema<v.PicklistSchema<["true", "false"], string>, undefined>;
  stats: v.OptionalSchema<v.PicklistSchema<["true", "false"], string>, undefined>;
}> = v.object({
  limit: queryInt(1, 1000, "limit"),
  running: v.optional(v.picklist(["true", "false"], 'running must be "true" or "false".')),
  stats: v.optional(v.picklist(["true", "false"], 'stats must be "true" or "false".')),
});
/** A validated list query. */
export type ListQuery = v.InferOutput<typeof ListQuerySchema>;

/** The fields of an output query. */
type OutputQueryEntries = {
  wait: v.OptionalSchema<v.StringSchema<undefined>, undefined>;
  wait_ms: QueryInteger;
  until: v.OptionalSchema<v.PicklistSchema<typeof UNTIL, string>, "exit">;
  pattern: v.OptionalSchema<PatternSchema, undefined>;
  flags: v.OptionalSchema<v.StringSchema<string>, undefined>;
  port: QueryInteger;
  cursor: QueryInteger;
  limit: QueryInteger;
  strip_ansi: v.OptionalSchema<v.PicklistSchema<["true", "false"], string>, undefined>;
};

/**
 * The query of `GET /{id}/output` (docs/api.md §3.3 and §4.5), with the given longest wait.
 * @example
 * ```ts
 * const query = v.safeParse(outputQuerySchema(limits), c.req.query());
 * ```
 */
export function outputQuerySchema(limits: Pick<Limits, "maxWaitMs" | "windowBytes">): Obj<OutputQueryEntries> {
  return v.object({
    // Any value but "true" is a plain snapshot, as in coder.
    wait: v.optional(v.string()),
    wait_ms: queryInt(0, limits.maxWaitMs, "wait_ms"),
    until: v.optional(v.picklist(UNTIL, UNTIL_MESSAGE), "exit"),
    pattern: v.optional(patternSchema),
    flags: v.optional(v.string("flags must be a string.")),
    port: queryInt(1, 65535, "port"),
    cursor: queryInt(0, Number.MAX_SAFE_INTEGER, "cursor"),
    limit: queryInt(1, Math.max(limits.windowBytes, 1 << 20), "limit"),
    strip_ansi: v.optional(v.picklist(["true", "false"], 'strip_ansi must be "true" or "false".')),
  });
}

/** The query of `GET /{id}/output` with the default limits. */
export const OutputQuerySchema: Obj<OutputQueryEntries> = outputQuerySchema(DEFAULT_LIMITS);
/** A validated output query. */
export type OutputQuery = v.InferOutput<typeof OutputQuerySchema>;

/** The query of `GET /{id}/stream` (docs/api.md §4.7). */
export const StreamQuerySchema: Obj<{ cursor: QueryInteger }> = v.object({
  cursor: queryInt(0, Number.MAX_SAFE_INTEGER, "cursor"),
});
/** A validated stream query. */
export type StreamQuery = v.InferOutput<typeof StreamQuerySchema>;
