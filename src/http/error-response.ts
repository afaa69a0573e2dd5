/**
 * The one place where domain errors become HTTP statuses and the contract's error body (docs/api.md §1).
 * @module
 */
import type { ErrorCode } from "../core/errors.ts";
import { ProcessApiError } from "../core/errors.ts";
import type { ErrorBody } from "../wire/response-schemas.ts";

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 429 | 500 | 501 | 503> = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_workdir: 400,
  unauthorized: 401,
  forbidden_origin: 403,
  forbidden_host: 403,
  not_found: 404,
  not_running: 409,
  stdin_closed: 409,
  stdin_busy: 429,
  token_conflict: 409,
  still_running: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  request_timeout: 408,
  too_many_processes: 429,
  start_failed: 500,
  shutting_down: 503,
  mcp_unavailable: 501,
  tty_unavailable: 501,
  not_a_tty: 409,
  internal_error: 500,
};

/** Where an unexpected error goes, once, with its stack (the server entries print it to stderr). */
export type ErrorLogger = (err: unknown) => void;

/**
 * The response for an error: the contract body with its status. Anything unexpected is logged once and answered
 * as a bare 500 `internal_error`: its message may hold paths or internals, so it goes to the log, not the client.
 * @example
 * ```ts
 * app.onError((err) => errorResponse(err, console.error));
 * ```
 */
export function errorResponse(err: unknown, logError: ErrorLogger): Response {
  if (err instanceof ProcessApiError) {
    const body: ErrorBody = { message: err.message, code: err.code };
    if (err.detail !== undefined) body.detail = err.detail;
    if (err.validations !== undefined) body.validations = err.validations;
    // The rest of a late body may still come, so the connection cannot carry another request: close it after this.
    const headers = err.code === "request_timeout" ? { connection: "close" } : undefined;
    return Response.json(body, { status: errorStatus(err.code), headers });
  }
  logError(err);
  const body: ErrorBody = { message: "Internal server error.", code: "internal_error" };
  return Response.json(body, { status: 500 });
}

/**
 * The HTTP status of an error code.
 * @example
 * ```ts
 * errorStatus("not_running"); // 409
 * ```
 */
export function errorStatus(code: ErrorCode): number {
  return STATUS[code];
}
