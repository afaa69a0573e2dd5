/**
 * What the OpenAPI document says about each route (docs/api.md §3, §4 and §4.10): its schemas by reference, its
 * examples, and the error codes it can answer. The shapes come from the valibot schemas; only prose lives here.
 * @module
 */
import type * as v from "valibot";
import type { ErrorCode } from "../core/errors.ts";
import { StreamQuerySchema } from "../wire/request-schemas.ts";
import type { Limits } from "../core/limits.ts";
import type { ErrorBody } from "../wire/response-schemas.ts";
import { ListQuerySchema, outputQuerySchema } from "../wire/request-schemas.ts";
import { EXAMPLES } from "./openapi-examples.ts";
import type { WireSchemaName } from "./wire-schemas.ts";

/** A body or response: a named wire schema, or a loose JSON Schema where no valibot schema exists. */
export interface OperationContent {
  schema: WireSchemaName | { [key: string]: unknown };
  example: unknown;
  /** Default `application/json`. */
  contentType?: string;
}

/** One operation of the document. */
export interface RouteOperation {
  method: "get" | "post" | "delete";
  /** Under the base path (`/start`, `/{id}/output`), or from the server root when `root` is set. */
  path: string;
  root?: boolean;
  operationId: string;
  summary: string;
  description: string;
  /** Reads `Coder-Chat-Id` and `Coder-Ancestor-Chat-Ids` (docs/api.md §2). */
  chatScoped?: boolean;
  /** Answers without the bearer token. */
  public?: boolean;
  /** Reads `Last-Event-ID`. */
  lastEventId?: boolean;
  query?: { schema: v.GenericSchema<unknown, unknown>; describe: Record<string, string>; example: Record<string, string> };
  body?: OperationContent;
  ok: OperationContent & { description: string };
  /** Every error this route can answer besides 401 (added when a token is configured). */
  errors: ErrorCode[];
  /** Examples of this route's own wording, where it differs from `ERROR_EXAMPLES`. */
  errorExamples?: Partial<Record<ErrorCode, ErrorBody>>;
}

const invalid = (field: string, message: string): ErrorBody => ({
  message,
  code: "invalid_request",
  validations: [{ field, detail: message }],
});

const BODY_ERRORS: ErrorCode[] = ["invalid_json", "invalid_request", "body_too_large", "request_timeout"];
const START_ERRORS: ErrorCode[] = [
  ...BODY_ERRORS,
  "invalid_workdir",
  "token_conflict",
  "too_many_processes",
  "tty_unavailable",
  "start_failed",
  "shutting_down",
];

/**
 * Every operation of the API, with query schemas built with `limits` as the routes build them.
 * @example
 * ```ts
 * for (const op of routeOperations(manager.limits)) console.log(op.method, op.path);
 * ```
 */
export function routeOperations(limits: Limits): RouteOperation[] {
  return [
    {
      method: "post",
      path: "/start",
      operationId: "startProcess",
      summary: "Start a process",
      description:
        "Runs `sh -c <command>` in a new process group and answers as soon as it is spawned (docs/api.md §3.1, §4.1). " +
        "With `client_token`, a repeat with the same parameters attaches to the same process.",
      chatScoped: true,
      body: { schema: "StartRequest", example: EXAMPLES.startRequest },
      ok: {
        description: "Spawned, or attached by `client_token`.",
        schema: "StartResponse",
        example: EXAMPLES.startResponse,
      },
      errors: START_ERRORS,
    },
    {
      method: "post",
      path: "/run",
      operationId: "runProcess",
      summary: "Start a process and wait for it",
      description:
        "Starts as `/start` does, waits up to `wait_ms` for the exit, and answers the output snapshot (docs/api.md §4.9). " +
        "A process still running at the end keeps running; read it later by its `id`.",
      chatScoped: true,
      body: { schema: "RunRequest", example: EXAMPLES.runRequest },
      ok: {
        description: "The start answer and the output snapshot.",
        schema: "RunResponse",
        example: EXAMPLES.runResponse,
      },
      errors: START_ERRORS,
    },
    {
      method: "get",
      path: "/list",
      operationId: "listProcesses",
      summary: "List processes",
      description: "Running first, then newest start first (docs/api.md §3.2, §4.2). A chat sees only its own processes.",
      chatScoped: true,
      query: {
        schema: ListQuerySchema,
        describe: {
          limit: "Most entries to return, 1..1000 (default 10).",
          running: "Only running (`true`) or only exited (`false`) processes.",
          stats: "`true`: add the liveness figures of `GET /{id}` to each process (one look at `/proc` each).",
        },
        example: EXAMPLES.listQuery,
      },
      ok: { description: "The processes.", schema: "ListResponse", example: EXAMPLES.listResponse },
      errors: ["invalid_request"],
      errorExamples: { invalid_request: invalid("limit", "limit must be at most 1000.") },
    },
    {
      method: "get",
      path: "/{id}",
      operationId: "getProcess",
      summary: "One process",
      description:
        "The `ProcessInfo` of one process (docs/api.md §4.3) with its liveness (§4.12): `group_members`, `cpu_ms`, " +
        "`rss_bytes`, `state` and `listening_ports` of the group's live members.",
      chatScoped: true,
      ok: { description: "The process.", schema: "ProcessInfo", example: EXAMPLES.processInfo },
      errors: ["not_found"],
    },
    {
      method: "get",
      path: "/{id}/output",
      operationId: "getProcessOutput",
      summary: "Output of a process",
      description:
        "A head+tail snapshot of the output (docs/api.md §3.3), or with `cursor` an incremental read (docs/api.md §4.5). " +
        "`wait=true` or `wait_ms` block until the process exits, or with `until` until it writes, prints a line that " +
        "matches `pattern` (the answer's `match`) or listens on `port` (the answer's `listening`).",
      chatScoped: true,
      query: {
        schema: outputQuerySchema(limits),
        describe: {
          wait: "`true` blocks until the exit or the longest wait; any other value is a plain snapshot.",
          wait_ms: `Block for at most this many milliseconds, 0..${limits.maxWaitMs}.`,
          until:
            "`exit` (default) wakes on exit; `output` also on new output; `match` on the first line that matches " +
            "`pattern` among those ending after `cursor` (default 0); `port` once a group member listens on `port`.",
          pattern:
            "A JavaScript regular expression, at most 1024 characters, run by a linear-time matcher (no lookaround, " +
            "no backreferences) on each line without escape sequences, on its first 2048 characters.",
          flags: "Flags of `pattern`: any of `i`, `m`, `s`, `u`, `v`.",
          port: "The TCP port of `until=port`, 1..65535 (IPv4 or IPv6, any address).",
          cursor: "Byte offset to read from; switches to incremental mode.",
          limit: `Most bytes of an incremental read, 1..${Math.max(limits.windowBytes, 1 << 20)} (default 65536).`,
          strip_ansi: "`true`: terminal escape sequences removed and CRLF as LF (docs/api.md §4.11); cursors stay " +
            "byte offsets of the raw output.",
        },
        example: EXAMPLES.outputQuery,
      },
      ok: {
        description: "The output and the process state.",
        schema: "OutputResponse",
        example: EXAMPLES.outputResponse,
      },
      errors: ["invalid_request", "not_found"],
      errorExamples: { invalid_request: invalid("wait_ms", `wait_ms must be at most ${limits.maxWaitMs}.`) },
    },
    {
      method: "get",
      path: "/{id}/stream",
      operationId: "streamProcessOutput",
      summary: "Stream the output (server-sent events)",
      description:
        "Events (docs/api.md §4.7): `output` (`id` = next cursor; data `{data, cursor, next_cursor}`), `gap` (data " +
        "`{gap_bytes}`) and a final `exit` (data `{exit_code, signal?, timed_out}`); a comment line at least every " +
        "15 s while idle. Resume with `cursor` or `Last-Event-ID`.",
      chatScoped: true,
      lastEventId: true,
      query: {
        schema: StreamQuerySchema,
        describe: { cursor: "Byte offset to stream from (default: `Last-Event-ID`, else 0)." },
        example: EXAMPLES.streamQuery,
      },
      ok: {
        description: "A stream of server-sent events.",
        schema: { type: "string" },
        example: EXAMPLES.stream,
        contentType: "text/event-stream",
      },
      errors: ["invalid_request", "not_found"],
      errorExamples: { invalid_request: invalid("cursor", "cursor must be a non-negative integer.") },
    },
    {
      method: "post",
      path: "/{id}/signal",
      operationId: "signalProcess",
      summary: "Signal a process group",
      description:
        "Sends the signal to the whole process group (docs/api.md §3.4, §4.4). With `wait_ms`, waits until no member is " +
        "left and reports `exited`, `exit_code`, `signal` and `survivors`.",
      chatScoped: true,
      body: { schema: "SignalRequest", example: EXAMPLES.signalRequest },
      ok: { description: "The signal was sent.", schema: "SignalResponse", example: EXAMPLES.signalResponse },
      errors: [...BODY_ERRORS, "not_found", "not_running"],
      errorExamples: { invalid_request: invalid("signal", "Signal is required.") },
    },
    {
      method: "post",
      path: "/{id}/stdin",
      operationId: "writeProcessStdin",
      summary: "Write to stdin",
      description: "Writes to a process started with `stdin: true`; `eof` closes it (docs/api.md §4.6).",
      chatScoped: true,
      body: { schema: "StdinRequest", example: EXAMPLES.stdinRequest },
      ok: { description: "Bytes written.", schema: "StdinResponse", example: EXAMPLES.stdinResponse },
      errors: [...BODY_ERRORS, "not_found", "stdin_closed", "stdin_busy"],
      errorExamples: {
        invalid_request: invalid("data", "data is not valid base64."),
        body_too_large: { message: `Stdin data is larger than ${limits.maxStdinBytes} bytes.`, code: "body_too_large" },
      },
    },
    {
      method: "post",
      path: "/{id}/resize",
      operationId: "resizeProcessTerminal",
      summary: "Resize a terminal",
      description:
        "Sets the size of a `tty: true` process's terminal; its foreground job gets SIGWINCH (docs/api.md §4.11).",
      chatScoped: true,
      body: { schema: "ResizeRequest", example: EXAMPLES.resizeRequest },
      ok: { description: "The terminal's new size.", schema: "ResizeResponse", example: EXAMPLES.resizeResponse },
      errors: [...BODY_ERRORS, "not_found", "not_a_tty", "not_running"],
      errorExamples: { invalid_request: invalid("cols", "cols must be at most 1000.") },
    },
    {
      method: "delete",
      path: "/{id}",
      operationId: "deleteProcess",
      summary: "Remove an exited process",
      description: "Forgets an exited process and its output (docs/api.md §4.8).",
      chatScoped: true,
      ok: { description: "Removed.", schema: "DeleteResponse", example: EXAMPLES.deleteResponse },
      errors: ["not_found", "still_running"],
    },
    {
      method: "get",
      path: "/healthz",
      root: true,
      public: true,
      operationId: "health",
      summary: "Health",
      description:
        "Liveness and counts; never needs the token (docs/api.md §4.10). From the moment shutdown begins it answers 503 with the same body and `status: \"shutting_down\"`.",
      ok: { description: "The server is up.", schema: "HealthResponse", example: EXAMPLES.health },
      errors: [],
    },
    {
      method: "get",
      path: "/openapi.json",
      root: true,
      operationId: "openApiDocument",
      summary: "This document",
      description: "The OpenAPI 3.1 document of this server, with its base path and limits.",
      ok: { description: "An OpenAPI 3.1 document.", schema: { type: "object" }, example: EXAMPLES.openapi },
      errors: [],
    },
    {
      method: "post",
      path: "/mcp",
      root: true,
      operationId: "mcp",
      summary: "Model Context Protocol endpoint",
      description:
        "MCP over Streamable HTTP with the tools `execute`, `process_output`, `process_list` and " +
        "`process_signal` (docs/api.md §4.10). Send JSON-RPC messages with `Accept: application/json, text/event-stream`; " +
        "see the MCP specification for the protocol. 501 `mcp_unavailable` when the optional peer dependency " +
        "`@modelcontextprotocol/sdk` is not installed.",
      body: { schema: { type: "object", description: "A JSON-RPC 2.0 message." }, example: EXAMPLES.mcpRequest },
      ok: {
        description: "A JSON-RPC response, as JSON or as server-sent events.",
        schema: { type: "object", description: "A JSON-RPC 2.0 response." },
        example: EXAMPLES.mcpResponse,
      },
      errors: ["body_too_large", "request_timeout", "mcp_unavailable"],
    },
  ];
}
