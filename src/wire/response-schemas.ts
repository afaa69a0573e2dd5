/**
 * The valibot schemas of the responses (docs/api.md §1, §3 and §4). The server's response types are inferred from
 * them, so the documentation, the client and the server share one definition.
 * @module
 */
import * as v from "valibot";

// Every export's type is written out, as JSR asks (https://jsr.io/docs/about-slow-types); in valibot's words:
type Str = v.StringSchema<undefined>;
type Num = v.NumberSchema<undefined>;
type Bool = v.BooleanSchema<undefined>;
type Opt<S extends v.GenericSchema> = v.OptionalSchema<S, undefined>;
type Obj<E extends v.ObjectEntries> = v.ObjectSchema<E, undefined>;

/** The error body of every non-2xx response (docs/api.md §1). */
export const ErrorBodySchema: Obj<{
  message: Str;
  detail: Opt<Str>;
  code: Str;
  validations: Opt<v.ArraySchema<Obj<{ field: Str; detail: Str }>, undefined>>;
}> = v.object({
  message: v.string(),
  detail: v.optional(v.string()),
  code: v.string(),
  validations: v.optional(v.array(v.object({ field: v.string(), detail: v.string() }))),
});
/** The error body of every non-2xx response. */
export type ErrorBody = v.InferOutput<typeof ErrorBodySchema>;

/** The fields of a ProcessInfo. */
type ProcessInfoEntries = {
  id: Str;
  command: Str;
  workdir: Str;
  background: Bool;
  running: Bool;
  exit_code: Opt<Num>;
  started_at_unix: Num;
  exited_at_unix: Opt<Num>;
  pid: Num;
  signal: Opt<Str>;
  timed_out: Bool;
  started_at_ms: Num;
  exited_at_ms: Opt<Num>;
  total_bytes: Num;
  last_output_at_ms: Opt<Num>;
  stdin_open: Bool;
  /** True while the process group has live members: the shell, or descendants that outlived it (`npm run dev &`). */
  group_alive: Bool;
  /** Whether it runs on a pseudo-terminal; `cols` and `rows` are that terminal's size now, absent for pipes. */
  tty: Bool;
  cols: Opt<Num>;
  rows: Opt<Num>;
} & LivenessEntries;

/** Liveness (docs/api.md §4.12), on `GET /{id}` and on `/list?stats=true`: what the group's live members do. */
type LivenessEntries = {
  group_members: Opt<Num>;
  /** User + system CPU time of the live members, in ms (10 ms steps). */
  cpu_ms: Opt<Num>;
  rss_bytes: Opt<Num>;
  /** The leader's state, or the busiest member's once it exited; absent when no member is alive. */
  state: Opt<v.PicklistSchema<["R", "S", "D", "T", "Z"], undefined>>;
  listening_ports: Opt<v.ArraySchema<Num, undefined>>;
};

/** One process as `list` and `GET /{id}` report it (docs/api.md §3.2 and §4.3). */
export const ProcessInfoSchema: Obj<ProcessInfoEntries> = v.object({
  id: v.string(),
  command: v.string(),
  workdir: v.string(),
  background: v.boolean(),
  running: v.boolean(),
  exit_code: v.optional(v.number()),
  started_at_unix: v.number(),
  exited_at_unix: v.optional(v.number()),
  pid: v.number(),
  signal: v.optional(v.string()),
  timed_out: v.boolean(),
  started_at_ms: v.number(),
  exited_at_ms: v.optional(v.number()),
  total_bytes: v.number(),
  last_output_at_ms: v.optional(v.number()),
  stdin_open: v.boolean(),
  group_alive: v.boolean(),
  tty: v.boolean(),
  cols: v.optional(v.number()),
  rows: v.optional(v.number()),
  group_members: v.optional(v.number()),
  cpu_ms: v.optional(v.number()),
  rss_bytes: v.optional(v.number()),
  state: v.optional(v.picklist(["R", "S", "D", "T", "Z"])),
  listening_ports: v.optional(v.array(v.number())),
});
/** One process as `list` and `GET /{id}` report it. */
export type ProcessInfo = v.InferOutput<typeof ProcessInfoSchema>;

/** The answer of `POST /{id}/resize` (docs/api.md §4.11): the terminal's size now. */
export const ResizeResponseSchema: Obj<{ cols: Num; rows: Num }> = v.object({ cols: v.number(), rows: v.number() });
/** The answer of `POST /{id}/resize`. */
export type ResizeResponse = v.InferOutput<typeof ResizeResponseSchema>;

/** The fields of a start answer. */
type StartResponseEntries = { id: Str; started: Bool; attached: Opt<Bool>; client_token: Opt<Str> };

/** The answer of `POST /start`. */
export const StartResponseSchema: Obj<StartResponseEntries> = v.object({
  id: v.string(),
  started: v.boolean(),
  attached: v.optional(v.boolean()),
  client_token: v.optional(v.string()),
});
/** The answer of `POST /start`. */
export type StartResponse = v.InferOutput<typeof StartResponseSchema>;

/** The answer of `GET /list`. */
export const ListResponseSchema: Obj<{ processes: v.ArraySchema<typeof ProcessInfoSchema, undefined> }> = v.object({
  processes: v.array(ProcessInfoSchema),
});
/** The answer of `GET /list`. */
export type ListResponse = v.InferOutput<typeof ListResponseSchema>;

/** How a head+tail snapshot was cut (docs/api.md §3.3). */
export const TruncationSchema: Obj<{
  original_bytes: Num;
  retained_bytes: Num;
  omitted_bytes: Num;
  strategy: v.LiteralSchema<"head_tail", undefined>;
}> = v.object({
  original_bytes: v.number(),
  retained_bytes: v.number(),
  omitted_bytes: v.number(),
  strategy: v.literal("head_tail"),
});

/** A TCP socket a member of the group listens on (`until=port`). */
export const ListeningSchema: Obj<{ port: Num; address: Str; pid: Num }> = v.object({
  port: v.number(),
  address: v.string(),
  pid: v.number(),
});

/** The line `until=match` woke on: its text (escapes removed, cut like snapshot lines) and its byte offset. */
export const MatchSchema: Obj<{ text: Str; cursor: Num }> = v.object({ text: v.string(), cursor: v.number() });

/** The ProcessInfo fields an output answer repeats. */
const OUTPUT_STATE_FIELDS = [
  "running",
  "exit_code",
  "signal",
  "timed_out",
  "pid",
  "started_at_ms",
  "exited_at_ms",
  "total_bytes",
  "last_output_at_ms",
  "stdin_open",
  "group_alive",
  "tty",
  "cols",
  "rows",
] as const;

/** The fields of an output answer: the snapshot or read, and the process's state as ProcessInfo reports it. */
type OutputResponseEntries = {
  output: Str;
  truncated: Opt<typeof TruncationSchema>;
  cursor: Opt<Num>;
  next_cursor: Opt<Num>;
  gap_bytes: Opt<Num>;
  match: Opt<typeof MatchSchema>;
  listening: Opt<v.ArraySchema<typeof ListeningSchema, undefined>>;
} & Pick<ProcessInfoEntries, (typeof OUTPUT_STATE_FIELDS)[number]>;

/**
 * The answer of `GET /{id}/output`: a snapshot, or with `cursor` an incremental read (docs/api.md §3.3, §4.3,
 * §4.5).
 */
export const OutputResponseSchema: Obj<OutputResponseEntries> = v.object({
  output: v.string(),
  truncated: v.optional(TruncationSchema),
  // The process's state, as ProcessInfo reports it.
  ...v.pick(ProcessInfoSchema, OUTPUT_STATE_FIELDS).entries,
  cursor: v.optional(v.number()),
  next_cursor: v.optional(v.number()),
  gap_bytes: v.optional(v.number()),
  // What the wait woke on (docs/api.md §4.5).
  match: v.optional(MatchSchema),
  listening: v.optional(v.array(ListeningSchema)),
});
/** The answer of `GET /{id}/output`. */
export type OutputResponse = v.InferOutput<typeof OutputResponseSchema>;

/** The answer of `POST /{id}/signal` (docs/api.md §3.4 and §4.4). */
export const SignalResponseSchema: Obj<{
  message: Str;
  exited: Opt<Bool>;
  exit_code: Opt<Num>;
  signal: Opt<Str>;
  survivors: Opt<v.ArraySchema<Num, undefined>>;
}> = v.object({
  message: v.string(),
  exited: v.optional(v.boolean()),
  exit_code: v.optional(v.number()),
  signal: v.optional(v.string()),
  survivors: v.optional(v.array(v.number())),
});
/** The answer of `POST /{id}/signal`. */
export type SignalResponse = v.InferOutput<typeof SignalResponseSchema>;

/** The answer of `GET /healthz` (docs/api.md §4.10). */
export const HealthResponseSchema: Obj<{
  /** `shutting_down` (with status 503) from the moment shutdown begins, so a readiness probe stops routing here. */
  status: v.PicklistSchema<["ok", "shutting_down"], undefined>;
  runtime: v.PicklistSchema<["bun", "deno", "node"], undefined>;
  version: Str;
  processes: Obj<{ running: Num; total: Num }>;
  /** Requests blocked in a wait, open output streams, and stdin writes not yet taken by their process. */
  activity: Obj<{ waiters: Num; streams: Num; stdin_writes: Num }>;
  /** Bytes of output all records keep now (heads and windows), and the budget they share (`--max-output-bytes`). */
  output: Obj<{ retained_bytes: Num; budget_bytes: Num }>;
}> = v.object({
  status: v.picklist(["ok", "shutting_down"]),
  runtime: v.picklist(["bun", "deno", "node"]),
  version: v.string(),
  processes: v.object({ running: v.number(), total: v.number() }),
  activity: v.object({ waiters: v.number(), streams: v.number(), stdin_writes: v.number() }),
  output: v.object({ retained_bytes: v.number(), budget_bytes: v.number() }),
});
/** The answer of `GET /healthz`. */
export type HealthResponse = v.InferOutput<typeof HealthResponseSchema>;

/**
 * The answer of `POST /run` (docs/api.md §4.9): the start answer and the output snapshot in one object, as the route
 * spreads them.
 * @example
 * ```ts
 * v.parse(RunResponseSchema, await response.json());
 * ```
 */
export const RunResponseSchema: Obj<StartResponseEntries & OutputResponseEntries> = v.object({
  ...StartResponseSchema.entries,
  ...OutputResponseSchema.entries,
});
/** The answer of `POST /run`. */
export type RunResponse = v.InferOutput<typeof RunResponseSchema>;

/**
 * The answer of `DELETE /{id}` (docs/api.md §4.8).
 * @example
 * ```ts
 * v.parse(DeleteResponseSchema, { message: 'Process "abc" deleted.' });
 * ```
 */
export const DeleteResponseSchema: Obj<{ message: Str }> = v.object({ message: v.string() });

/**
 * The answer of `POST /{id}/stdin` (docs/api.md §4.6): how many bytes were written.
 * @example
 * ```ts
 * v.parse(StdinResponseSchema, { written: 4 });
 * ```
 */
export const StdinResponseSchema: Obj<{ written: Num }> = v.object({ written: v.number() });

/** The data of an `output` event: UTF-8 text and the byte cursors around it. */
export const OutputEventSchema: Obj<{ data: Str; cursor: Num; next_cursor: Num }> = v.object({
  data: v.string(),
  cursor: v.number(),
  next_cursor: v.number(),
});
/** The data of a `gap` event: bytes lost between the asked cursor and the oldest retained byte. */
export const GapEventSchema: Obj<{ gap_bytes: Num }> = v.object({ gap_bytes: v.number() });
/** The data of the final `exit` event. */
export const ExitEventSchema: Obj<{ exit_code: Opt<Num>; signal: Opt<Str>; timed_out: Bool }> = v.object({
  exit_code: v.optional(v.number()),
  signal: v.optional(v.string()),
  timed_out: v.boolean(),
});
