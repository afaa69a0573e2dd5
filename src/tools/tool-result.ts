/**
 * What the agent tools answer: a value for the model, or a plain-text error, both already rendered as text.
 * @module
 */
import type { OutputResponse } from "../wire/response-schemas.ts";

/**
 * A tool's answer. `text` is what to hand the model: the JSON of `value` (Codex's plain-text layout for
 * `exec_command` and `write_stdin`), or the error sentence. `isError`
 * marks bad arguments (MCP's `isError`); a command that failed is still a value, with `success: false`.
 */
export type ToolResult<T> = { isError: false; value: T; text: string } | { isError: true; text: string };

/** The result of `execute` and `process_output`, field for field coder's `ExecuteResult`. */
export interface ExecuteResult {
  success: boolean;
  output?: string;
  /** -1 while still running, or when a signal ended the process. */
  exit_code: number;
  wall_duration_ms: number;
  error?: string;
  truncated?: OutputResponse["truncated"];
  note?: string;
  /** Set when the process keeps running: read it later with `process_output`. */
  background_process_id?: string;
}

/** The result of `process_signal`. */
export interface SignalResult {
  success: boolean;
  message?: string;
  error?: string;
}

/**
 * A successful tool answer carrying `value`.
 * @example
 * ```ts
 * return toolValue({ success: true, exit_code: 0, wall_duration_ms: 0 });
 * ```
 */
export function toolValue<T>(value: T): ToolResult<T> {
  return { isError: false, value, text: JSON.stringify(value) };
}

/**
 * A successful tool answer carrying `value`, shown to the model as `text` rather than as JSON (the Codex-style
 * tools answer in Codex's plain-text layout).
 * @example
 * ```ts
 * return toolText(result, execText(result));
 * ```
 */
export function toolText<T>(value: T, text: string): ToolResult<T> {
  return { isError: false, value, text };
}

/**
 * A plain-text error answer, for arguments the tool cannot act on.
 * @example
 * ```ts
 * return toolError("command is required");
 * ```
 */
export function toolError<T = never>(message: string): ToolResult<T> {
  return { isError: true, text: message };
}

/**
 * The message of anything thrown: an `EdgeprocError` reads as the server's message, a network failure as its own.
 * @example
 * ```ts
 * errorText(new TypeError("fetch failed")); // "fetch failed"
 * ```
 */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const detail = (err as { body?: { detail?: unknown } }).body?.detail;
  return typeof detail === "string" && detail !== "" ? `${err.message} (${detail})` : err.message;
}

/**
 * An {@link ExecuteResult} with coder's field order and without the empty fields coder's JSON omits.
 * @example
 * ```ts
 * executeResult({ success: true, output: "", exit_code: 0, wall_duration_ms: 3 }); // no `output` key
 * ```
 */
export function executeResult(fields: ExecuteResult): ExecuteResult {
  const result = { success: fields.success } as ExecuteResult;
  if (fields.output) result.output = fields.output;
  result.exit_code = fields.exit_code;
  result.wall_duration_ms = fields.wall_duration_ms;
  if (fields.error) result.error = fields.error;
  if (fields.truncated) result.truncated = fields.truncated;
  if (fields.note) result.note = fields.note;
  if (fields.background_process_id) result.background_process_id = fields.background_process_id;
  return result;
}
