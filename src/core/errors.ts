/**
 * Domain errors. The manager throws them with a stable contract code; the HTTP layer maps each code to its status
 * in one place (`src/http/error-response.ts`).
 * @module
 */

/** The stable error codes of docs/api.md §1; `internal_error` is a bug of ours, never the caller's. */
export type ErrorCode =
  | "invalid_json"
  | "invalid_request"
  | "invalid_workdir"
  | "unauthorized"
  | "forbidden_origin"
  | "forbidden_host"
  | "not_found"
  | "not_running"
  | "stdin_closed"
  | "stdin_busy"
  | "token_conflict"
  | "still_running"
  | "body_too_large"
  | "unsupported_media_type"
  | "request_timeout"
  | "too_many_processes"
  | "start_failed"
  | "shutting_down"
  | "mcp_unavailable"
  | "tty_unavailable"
  | "not_a_tty"
  | "internal_error";

/** One field that failed validation. */
export interface Validation {
  field: string;
  detail: string;
}

/**
 * An error the API answers with its contract body.
 * @example
 * ```ts
 * throw new ProcessApiError("not_found", `Process ${JSON.stringify(id)} not found.`);
 * ```
 */
export class ProcessApiError extends Error {
  override name = "ProcessApiError";
  readonly code: ErrorCode;
  readonly detail?: string;
  readonly validations?: Validation[];

  constructor(code: ErrorCode, message: string, detail?: string, validations?: Validation[]) {
    super(message);
    this.code = code;
    this.detail = detail;
    this.validations = validations;
  }
}

/**
 * The 404 of an unknown id or another chat's process; both read the same, on purpose.
 * @example
 * ```ts
 * throw notFound("abc");
 * ```
 */
export function notFound(id: string): ProcessApiError {
  return new ProcessApiError("not_found", `Process ${JSON.stringify(id)} not found.`);
}

/**
 * The 429 of a stdin write that would pass the cap on waiting bytes (docs/api.md §4.6).
 * @example
 * ```ts
 * throw stdinBusy("abc", 2097152, 1048576, 2097152);
 * ```
 */
export function stdinBusy(id: string, waiting: number, size: number, limit: number): ProcessApiError {
  return new ProcessApiError(
    "stdin_busy",
    `Process ${JSON.stringify(id)} has too much stdin waiting.`,
    `${waiting} bytes wait for the process to read them; this write of ${size} would pass the limit of ${limit} ` +
      "(--max-stdin-queue-bytes). Retry once it reads.",
  );
}

/**
 * The 409 of a stdin write to a process without open stdin, or one that did not read it in time (docs/api.md §4.6).
 * @example
 * ```ts
 * throw stdinClosed("abc", "stalled");
 * ```
 */
export function stdinClosed(id: string, why: "closed" | "stalled"): ProcessApiError {
  if (why === "closed") return new ProcessApiError("stdin_closed", `Process ${JSON.stringify(id)} has no open stdin.`);
  return new ProcessApiError(
    "stdin_closed",
    `Process ${JSON.stringify(id)} did not read its stdin in time.`,
    "The data stays queued and is written if the process reads; further writes wait behind it.",
  );
}

/**
 * The 409 of a DELETE while the shell runs (`members` 0) or while `members` of its group are still alive (§4.8).
 * @example
 * ```ts
 * throw stillRunning("abc", 2);
 * ```
 */
export function stillRunning(id: string, members: number): ProcessApiError {
  const n = members;
  const detail =
    n === 0 ? undefined : `Its shell exited, but ${n} member${n === 1 ? "" : "s"} of its process group ` +
      `${n === 1 ? "is" : "are"} alive; kill it first.`;
  return new ProcessApiError("still_running", `Process ${JSON.stringify(id)} is still running.`, detail);
}
