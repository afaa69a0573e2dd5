/**
 * The client's request and response types, all inferred from the valibot schemas of the wire contract so the
 * client, the server and the documentation cannot drift apart.
 * @module
 */
import type * as v from "valibot";
import type {
  DeleteResponseSchema,
  ResizeResponseSchema,
  RunResponseSchema,
  StdinResponseSchema,
} from "../wire/response-schemas.ts";
import type { ListQuery, OutputQuery, RunRequestSchema, StartRequestSchema, StdinRequestSchema } from "../wire/request-schemas.ts";

/** What `start` sends: the body of `POST /start` as a caller writes it (docs/api.md §3.1, §4.1). */
export type StartInput = v.InferInput<typeof StartRequestSchema>;
/** What `run` sends: a start body plus `wait_ms` (docs/api.md §4.9). */
export type RunInput = v.InferInput<typeof RunRequestSchema>;
/** What `stdin` sends (docs/api.md §4.6). */
export type StdinInput = v.InferInput<typeof StdinRequestSchema>;

/** The answer of `POST /run`: the start answer and the output snapshot in one. */
export type RunResponse = v.InferOutput<typeof RunResponseSchema>;
/** The answer of `POST /{id}/stdin`: how many bytes were written. */
export type StdinResponse = v.InferOutput<typeof StdinResponseSchema>;
/** The answer of `POST /{id}/resize`: the terminal's size now. */
export type ResizeResponse = v.InferOutput<typeof ResizeResponseSchema>;
/** The answer of `DELETE /{id}`. */
export type DeleteResponse = v.InferOutput<typeof DeleteResponseSchema>;

/** Every call may be cancelled. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** The query of `list` (docs/api.md §4.2), with `running` as a boolean. */
export interface ListOptions extends CallOptions {
  limit?: ListQuery["limit"];
  running?: boolean;
  /** Add the liveness figures of docs/api.md §4.12 to each process (one look at `/proc` per running process). */
  stats?: boolean;
}

/** The query of `output` (docs/api.md §3.3, §4.5) in camelCase. */
export interface OutputOptions extends CallOptions {
  /** Block until exit (up to the server's longest wait). */
  wait?: boolean;
  /** Block at most this many milliseconds (`wait_ms`). */
  waitMs?: OutputQuery["wait_ms"];
  /** Byte offset: switches to an incremental read. */
  cursor?: OutputQuery["cursor"];
  /** Most bytes of an incremental read. */
  limit?: OutputQuery["limit"];
  /**
   * Wake on `"exit"` (default), on the first new `"output"`, on the first line that matches `pattern` (`"match"`:
   * the answer's `match`), or once the group listens on `port` (`"port"`: the answer's `listening`).
   */
  until?: OutputQuery["until"];
  /** The JavaScript regular expression of `until: "match"` (linear-time: no lookaround, no backreferences). */
  pattern?: string;
  /** Its flags: any of `i`, `m`, `s`, `u`, `v`. */
  flags?: string;
  /** The TCP port of `until: "port"`. */
  port?: number;
  /** Text without terminal escape sequences, CRLF as LF (docs/api.md §4.11); cursors stay raw byte offsets. */
  stripAnsi?: boolean;
}

/** Options of `signal` (docs/api.md §4.4). */
export interface SignalOptions extends CallOptions {
  /** Wait up to this long for the group to be gone, and report `exited` and `survivors`. */
  waitMs?: number;
}

/** Options of `stream` (docs/api.md §4.7). */
export interface StreamOptions extends CallOptions {
  /** Byte offset to start from (default 0, the start of the output). */
  cursor?: number;
}
