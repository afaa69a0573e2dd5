/**
 * The named valibot schemas the OpenAPI document publishes as `components.schemas`: the very schemas the routes
 * validate with (built with the API's own limits) and the response schemas the server's types come from.
 * @module
 */
import * as v from "valibot";
import type { Limits } from "../limits.ts";
import {
  ErrorBodySchema,
  HealthResponseSchema,
  ListResponseSchema,
  OutputResponseSchema,
  ProcessInfoSchema,
  SignalResponseSchema,
  StartResponseSchema,
  TruncationSchema,
} from "../response-schemas.ts";
import { runRequestSchema, SignalRequestSchema, startRequestSchema, StdinRequestSchema } from "../schemas.ts";

/**
 * The answer of `POST /run` (API.md 4.9): the start answer and the output snapshot in one object, as the route
 * spreads them.
 * @example
 * ```ts
 * v.parse(RunResponseSchema, await response.json());
 * ```
 */
export const RunResponseSchema = v.object({ ...StartResponseSchema.entries, ...OutputResponseSchema.entries });

/**
 * The answer of `DELETE /{id}` (API.md 4.8).
 * @example
 * ```ts
 * v.parse(DeleteResponseSchema, { message: 'Process "abc" deleted.' });
 * ```
 */
export const DeleteResponseSchema = v.object({ message: v.string() });

/**
 * The answer of `POST /{id}/stdin` (API.md 4.6): how many bytes were written.
 * @example
 * ```ts
 * v.parse(StdinResponseSchema, { written: 4 });
 * ```
 */
export const StdinResponseSchema = v.object({ written: v.number() });

/**
 * Every schema of the document by its component name; request schemas carry `limits` as the routes do.
 * @example
 * ```ts
 * const schemas = wireSchemas(manager.limits);
 * v.safeParse(schemas.StartRequest, body);
 * ```
 */
export function wireSchemas(limits: Limits) {
  return {
    StartRequest: startRequestSchema(limits),
    RunRequest: runRequestSchema(limits),
    SignalRequest: SignalRequestSchema,
    StdinRequest: StdinRequestSchema,
    ErrorBody: ErrorBodySchema,
    ProcessInfo: ProcessInfoSchema,
    Truncation: TruncationSchema,
    StartResponse: StartResponseSchema,
    RunResponse: RunResponseSchema,
    ListResponse: ListResponseSchema,
    OutputResponse: OutputResponseSchema,
    SignalResponse: SignalResponseSchema,
    StdinResponse: StdinResponseSchema,
    DeleteResponse: DeleteResponseSchema,
    HealthResponse: HealthResponseSchema,
  };
}

/** The name of a schema in `components.schemas`. */
export type WireSchemaName = keyof ReturnType<typeof wireSchemas>;
