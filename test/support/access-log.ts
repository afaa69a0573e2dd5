/**
 * What the access-log tests share, in process and against a server entry: the secrets a request carries that no
 * log line may show, and the checks of a line.
 * @module
 */
import assert from "node:assert/strict";
import type { AccessLogLine } from "../../src/http/access-log.ts";

/** The bearer token the tests configure. */
export const TOKEN = "tok-3f9c1e7a-never-logged";
/** A value a start request puts in the child's environment. */
export const ENV_VALUE = "env-value-5b2d-never-logged";
/** Bytes a request writes to a child's stdin. */
export const STDIN_DATA = "stdin-data-8e41-never-logged";
/** Every field a line may have. */
const FIELDS = ["time", "method", "path", "status", "duration_ms", "chat_id", "process_id"];

/**
 * Asserts that `line` has only the documented fields, a parseable time and a non-negative duration.
 * @example
 * ```ts
 * for (const line of lines) assertLogLine(line);
 * ```
 */
export function assertLogLine(line: AccessLogLine): void {
  for (const key of Object.keys(line)) assert.ok(FIELDS.includes(key), `unexpected field ${key}`);
  assert.equal(typeof line.time, "string");
  assert.ok(!Number.isNaN(Date.parse(line.time)));
  assert.equal(typeof line.duration_ms, "number");
  assert.ok(line.duration_ms >= 0);
}

/**
 * Asserts that `text` shows none of the secrets, nor the word `Bearer`.
 * @example
 * ```ts
 * assertNoSecrets(server.log());
 * ```
 */
export function assertNoSecrets(text: string): void {
  for (const secret of [TOKEN, ENV_VALUE, STDIN_DATA, "Bearer"]) assert.ok(!text.includes(secret), `log shows ${secret}`);
}
