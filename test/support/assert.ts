/**
 * Assertions on the API's error bodies (docs/api.md §1), shared by the in-process and end-to-end tests.
 * @module
 */
import assert from "node:assert/strict";

/** A reply as `caller` returns it: a status and a parsed body. */
export interface Reply {
  status: number;
  body: any;
}

/**
 * Asserts an error reply: its status, its `code`, a string `message`; `detail` is either a pattern the message
 * must match or the name of a field the `validations` must list.
 * @example
 * ```ts
 * assertError(await call("POST", "/start", { raw: "{" }), 400, "invalid_json", /valid JSON/);
 * assertError(await call("POST", "/start", { body: {} }), 400, "invalid_request", "command");
 * ```
 */
export function assertError(reply: Reply, status: number, code: string, detail?: RegExp | string): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.equal(reply.body.code, code);
  assert.equal(typeof reply.body.message, "string");
  if (detail instanceof RegExp) assert.match(reply.body.message, detail);
  else if (detail !== undefined) {
    assert.ok(reply.body.validations?.some((v: { field: string }) => v.field === detail), JSON.stringify(reply.body));
  }
}

/**
 * Asserts a 401 whose body is exactly `{code: "unauthorized", message}` and does not show `token`.
 * @example
 * ```ts
 * assertUnauthorized(await call("GET", "/list"), "no header", TOKEN);
 * ```
 */
export function assertUnauthorized(reply: Reply, what: string, token: string): void {
  assert.equal(reply.status, 401, `${what}: ${JSON.stringify(reply.body)}`);
  assert.deepEqual(Object.keys(reply.body).sort(), ["code", "message"], what);
  assert.equal(reply.body.code, "unauthorized");
  assert.equal(typeof reply.body.message, "string");
  assert.ok(!JSON.stringify(reply.body).includes(token), `${what}: the token leaked`);
}

/** What an MCP `tools/call` answers: content blocks, and whether the tool failed. */
export type ToolCallResult = { content: { type: string; text?: string }[]; isError?: boolean };

/**
 * Asserts a successful MCP tool result of one text block and returns that text parsed as JSON.
 * @example
 * ```ts
 * const value = toolResultJson(await client.callTool({ name: "execute", arguments: { command: "true" } }));
 * ```
 */
export function toolResultJson(result: unknown): any {
  const { content, isError } = result as ToolCallResult;
  assert.equal(isError, false, JSON.stringify(result));
  assert.equal(content.length, 1);
  assert.equal(content[0]!.type, "text");
  return JSON.parse(content[0]!.text!);
}
