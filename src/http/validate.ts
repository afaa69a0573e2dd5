/**
 * Request parsing for the routes: JSON bodies and query strings checked by the valibot schemas, failures turned
 * into the contract's 400s.
 * @module
 */
import type { Context } from "hono";
import * as v from "valibot";
import { ProcessApiError } from "../core/errors.ts";
import { readBody } from "./read-body.ts";
import { bodyDeadline } from "./request-deadline.ts";

type AnySchema = v.GenericSchema<unknown, unknown>;

/**
 * `input` checked by `schema`; else a 400 `invalid_request` whose message is the first problem and whose
 * `validations` name every field.
 * @example
 * ```ts
 * const query = parseWith(ListQuerySchema, c.req.query());
 * ```
 */
export function parseWith<S extends AnySchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const validations = result.issues.map((issue) => ({ field: v.getDotPath(issue) ?? "body", detail: issue.message }));
  throw new ProcessApiError("invalid_request", result.issues[0].message, undefined, validations);
}

/**
 * The request's JSON body checked by `schema`, read within the request's body deadline if it has one. An empty
 * body is not JSON (as in coder); a JSON value that is not an object is an `invalid_request`.
 * @example
 * ```ts
 * const body = await jsonBody(c, StartRequestSchema, 1 << 20);
 * ```
 */
export async function jsonBody<S extends AnySchema>(c: Context, schema: S, maxBytes: number): Promise<v.InferOutput<S>> {
  const text = await readBody(c.req.raw, maxBytes, bodyDeadline(c.req.raw));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ProcessApiError("invalid_json", "Request body must be valid JSON.", (err as Error).message);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ProcessApiError("invalid_request", "Request body must be a JSON object.", undefined, [
      { field: "body", detail: "not a JSON object" },
    ]);
  }
  return parseWith(schema, parsed);
}
