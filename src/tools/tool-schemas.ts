/**
 * The arguments of the agent tools as valibot schemas: they validate what a model sends and, through
 * `@valibot/to-json-schema`, become the JSON Schema the model is shown, so the two cannot disagree.
 * @module
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { SIGNALS, type WireSignal } from "../wire/signals.ts";

const signalNames = Object.keys(SIGNALS) as WireSignal[];

// Every export's type is written out, as JSR asks (https://jsr.io/docs/about-slow-types); in valibot's words:
type Obj<E extends v.ObjectEntries> = v.ObjectSchema<E, undefined>;
type Opt<S extends v.GenericSchema> = v.OptionalSchema<S, undefined>;
type Described<T = string> = v.DescriptionAction<T, string>;
/** A string the model must send, with a message when it is not one and a description for the model. */
type RequiredString = v.SchemaWithPipe<readonly [v.StringSchema<string>, v.NonEmptyAction<string, string>, Described]>;
/** A string the model may leave out. */
type OptionalString = Opt<v.SchemaWithPipe<readonly [v.StringSchema<string>, Described]>>;

/** The fields of `wait_for`. */
type WaitForEntries = {
  pattern: OptionalString;
  flags: OptionalString;
  port: Opt<v.SchemaWithPipe<readonly [v.NumberSchema<string>, Described<number>]>>;
};
type WaitForObject = v.ObjectSchema<WaitForEntries, string>;
/** `wait_for`: end the wait early on a line or a listening port (docs/api.md §4.5); checked by the tools. */
type WaitForArg = Opt<v.SchemaWithPipe<readonly [WaitForObject, v.DescriptionAction<v.InferOutput<WaitForObject>, string>]>>;
const waitFor = (what: string): WaitForArg =>
  v.optional(
    v.pipe(
      v.object(
        {
          pattern: v.optional(
            v.pipe(
              v.string("wait_for.pattern must be a string"),
              v.description(
                "A JavaScript regular expression one output line must match, e.g. 'Listening on|ready in' " +
                  "(terminal colours are ignored; no lookaround or backreferences).",
              ),
            ),
          ),
          flags: v.optional(v.pipe(v.string("wait_for.flags must be a string"), v.description('e.g. "i".'))),
          port: v.optional(
            v.pipe(v.number("wait_for.port must be a number"), v.description("A TCP port the process listens on.")),
          ),
        },
        "wait_for must be an object",
      ),
      v.description(
        `Give either pattern or port to stop waiting as soon as ${what} prints a matching line or listens on the ` +
          "port, e.g. to start a dev server and continue once it is ready; the process keeps running and you get " +
          "its id. Without it, the wait only ends when the command exits or the time is up.",
      ),
    ),
  );

/** The arguments of `execute` (coder's `ExecuteArgs`). */
export const ExecuteArgsSchema: Obj<{
  command: RequiredString;
  timeout: OptionalString;
  workdir: OptionalString;
  run_in_background: Opt<v.SchemaWithPipe<readonly [v.BooleanSchema<string>, Described<boolean>]>>;
  wait_for: WaitForArg;
}> = v.object({
  command: v.pipe(
    v.string("command must be a string"),
    v.nonEmpty("command is required"),
    v.description("The shell command to execute."),
  ),
  timeout: v.optional(
    v.pipe(
      v.string('timeout must be a duration string such as "30s"'),
      v.description(
        "How long to wait for completion (e.g. '30s', '5m'). Default is 10s. The process keeps running if this " +
          "expires and you get a background_process_id to re-attach. Only applies to foreground commands.",
      ),
    ),
  ),
  workdir: v.optional(
    v.pipe(v.string("workdir must be a string"), v.description("Working directory for the command.")),
  ),
  run_in_background: v.optional(
    v.pipe(
      v.boolean("run_in_background must be a boolean"),
      v.description(
        "Run without blocking. Use for persistent processes (dev servers, file watchers) or when you want to " +
          "continue working while a command runs and check the result later with process_output. For commands " +
          "whose result you need before continuing, prefer foreground with a longer timeout. Do NOT use shell & " +
          "to background processes; always use this parameter instead.",
      ),
    ),
  ),
  wait_for: waitFor("the command"),
});
/** The arguments of `execute`. */
export type ExecuteArgs = v.InferOutput<typeof ExecuteArgsSchema>;

const processId: RequiredString = v.pipe(
  v.string("process_id must be a string"),
  v.nonEmpty("process_id is required"),
  v.description("The process ID from execute (background_process_id) or process_list."),
);

/** The arguments of `process_output`. */
export const ProcessOutputArgsSchema: Obj<{
  process_id: RequiredString;
  wait_timeout: OptionalString;
  wait_for: WaitForArg;
}> = v.object({
  process_id: processId,
  wait_timeout: v.optional(
    v.pipe(
      v.string('wait_timeout must be a duration string such as "30s"'),
      v.description(
        "Override the default 10s block duration. The call blocks until the process exits or this timeout is " +
          "reached. Set to '0s' for an immediate snapshot without waiting.",
      ),
    ),
  ),
  wait_for: waitFor("the process"),
});
/** The arguments of `process_output`. */
export type ProcessOutputArgs = v.InferOutput<typeof ProcessOutputArgsSchema>;

/** The arguments of `process_list`: none. */
export const ProcessListArgsSchema: Obj<{}> = v.object({});
/** The arguments of `process_list`. */
export type ProcessListArgs = v.InferOutput<typeof ProcessListArgsSchema>;

/** The arguments of `process_signal`. */
export const ProcessSignalArgsSchema: Obj<{
  process_id: RequiredString;
  signal: v.SchemaWithPipe<readonly [v.PicklistSchema<WireSignal[], string>, Described<WireSignal>]>;
}> = v.object({
  process_id: processId,
  signal: v.pipe(
    v.picklist(signalNames, `signal must be ${signalNames.map((s) => JSON.stringify(s)).join(", ")}`),
    v.description(
      '"terminate" (SIGTERM) for graceful shutdown, "kill" (SIGKILL) to force stop, "interrupt" (SIGINT, like ' +
        'Ctrl-C) or "hangup" (SIGHUP). Sent to the whole process group.',
    ),
  ),
});
/** The arguments of `process_signal`. */
export type ProcessSignalArgs = v.InferOutput<typeof ProcessSignalArgsSchema>;

/** A number the model may leave out, at least 0 (the tools clamp it further). */
type OptionalCount = Opt<
  v.SchemaWithPipe<readonly [v.NumberSchema<string>, v.MinValueAction<number, 0, string>, Described<number>]>
>;
const count = (name: string, description: string): OptionalCount =>
  v.optional(
    v.pipe(
      v.number(`${name} must be a number`),
      v.minValue(0, `${name} must not be negative`),
      v.description(description),
    ),
  );
const maxOutputTokens = (): OptionalCount =>
  count(
    "max_output_tokens",
    "Most output to return, in tokens of about 4 bytes (default 10000). Longer output keeps its start and end, " +
      "with a note of how much was left out.",
  );

/** The arguments of `exec_command` (Codex's unified exec). */
export const ExecCommandArgsSchema: Obj<{
  cmd: RequiredString;
  workdir: OptionalString;
  tty: Opt<v.SchemaWithPipe<readonly [v.BooleanSchema<string>, Described<boolean>]>>;
  yield_time_ms: OptionalCount;
  max_output_tokens: OptionalCount;
  wait_for: WaitForArg;
}> = v.object({
  cmd: v.pipe(
    v.string("cmd must be a string"),
    v.nonEmpty("cmd is required"),
    v.description("The shell command line to run."),
  ),
  workdir: v.optional(
    v.pipe(v.string("workdir must be a string"), v.description("Directory to run in (default: the server's).")),
  ),
  tty: v.optional(
    v.pipe(
      v.boolean("tty must be a boolean"),
      v.description(
        "Run on a pseudo-terminal (default false): for REPLs, prompts and programs that hold back their output " +
          "when it goes to a pipe. Escape sequences are removed from the output you get.",
      ),
    ),
  ),
  yield_time_ms: count(
    "yield_time_ms",
    "How long to wait for the command to finish before answering with what it printed so far (default 10000, " +
      "at most 300000). It keeps running after that.",
  ),
  max_output_tokens: maxOutputTokens(),
  wait_for: waitFor("the command"),
});
/** The arguments of `exec_command`. */
export type ExecCommandArgs = v.InferOutput<typeof ExecCommandArgsSchema>;

/** The arguments of `write_stdin` (Codex's unified exec). */
export const WriteStdinArgsSchema: Obj<{
  session_id: v.SchemaWithPipe<
    readonly [v.UnionSchema<[v.NumberSchema<undefined>, v.StringSchema<undefined>], string>, Described<number | string>]
  >;
  chars: OptionalString;
  yield_time_ms: OptionalCount;
  max_output_tokens: OptionalCount;
}> = v.object({
  session_id: v.pipe(
    v.union([v.number(), v.string()], "session_id must be the number exec_command answered"),
    v.description("The session_id that exec_command answered for a command still running."),
  ),
  chars: v.optional(
    v.pipe(
      v.string("chars must be a string"),
      v.description(
        'Text to type into the command, e.g. "ls\\n" (include the newline). Leave it out or empty to only wait ' +
          'for more output. "\\u0003" interrupts like Ctrl-C, "\\u0004" ends the input like Ctrl-D.',
      ),
    ),
  ),
  yield_time_ms: count(
    "yield_time_ms",
    "How long to collect output before answering, unless the command ends first: after writing chars, default " +
      "250 and at most 30000; when only waiting, at least 5000 and at most 300000.",
  ),
  max_output_tokens: maxOutputTokens(),
});
/** The arguments of `write_stdin`. */
export type WriteStdinArgs = v.InferOutput<typeof WriteStdinArgsSchema>;

/** A JSON Schema of an object, as tool-calling APIs (and MCP's `inputSchema`) expect it. */
export interface ObjectJsonSchema {
  type: "object";
  properties?: Record<string, unknown>;
  required?: string[];
  [key: string]: unknown;
}

/**
 * The JSON Schema of a tool's arguments, without the `$schema` key that some model APIs reject.
 * @example
 * ```ts
 * const inputSchema = argsJsonSchema(ExecuteArgsSchema); // { type: "object", properties: { command: ... } }
 * ```
 */
export function argsJsonSchema(schema: v.GenericSchema): ObjectJsonSchema {
  const { $schema: _, ...rest } = toJsonSchema(schema) as ObjectJsonSchema;
  return { ...rest, type: "object", properties: rest.properties ?? {} };
}

/**
 * `args` checked by `schema`, or the first problem as one line a model can act on. A JSON string is parsed
 * first, since some SDKs hand the raw arguments over.
 * @example
 * ```ts
 * const parsed = parseArgs(ExecuteArgsSchema, { command: "" }); // { error: "command is required" }
 * ```
 */
export function parseArgs<S extends v.GenericSchema>(
  schema: S,
  args: unknown,
): { value: v.InferOutput<S> } | { error: string } {
  let input = args ?? {};
  if (typeof input === "string") {
    try {
      input = JSON.parse(input === "" ? "{}" : input);
    } catch {
      return { error: "arguments must be a JSON object" };
    }
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { error: "arguments must be a JSON object" };
  }
  const result = v.safeParse(schema, input);
  if (result.success) return { value: result.output };
  const issue = result.issues[0];
  const field = v.getDotPath(issue);
  // A missing key gets valibot's generic "Invalid key" message; coder says "<field> is required".
  if (field !== null && issue.input === undefined) return { error: `${field} is required` };
  return { error: issue.message };
}
