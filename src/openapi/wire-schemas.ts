/**
 * The named valibot schemas the OpenAPI document publishes as `components.schemas`: the very schemas the routes
 * validate with (built with the API's own limits) and the response schemas the server's types come from.
 * @module
 */
import type { Limits } from "../core/limits.ts";
import {
  ErrorBodySchema,
  HealthResponseSchema,
  ListResponseSchema,
  OutputResponseSchema,
  ProcessInfoSchema,
  SignalResponseSchema,
  StartResponseSchema,
  TruncationSchema,
  RunResponseSchema,
  DeleteResponseSchema,
  StdinResponseSchema,
  ResizeResponseSchema,
} from "../wire/response-schemas.ts";
import {
  runRequestSchema,
  type RunRequestSchema,
  SignalRequestSchema,
  startRequestSchema,
  type StartRequestSchema,
  StdinRequestSchema,
  ResizeRequestSchema,
} from "../wire/request-schemas.ts";

// A type, not an interface: the document reads it as a `Record` of schemas, which an interface does not fit.
/** The schemas of `components.schemas` by name (request schemas built with the API's limits). */
export type WireSchemas = {
  StartRequest: typeof StartRequestSchema;
  RunRequest: typeof RunRequestSchema;
  SignalRequest: typeof SignalRequestSchema;
  StdinRequest: typeof StdinRequestSchema;
  ResizeRequest: typeof ResizeRequestSchema;
  ErrorBody: typeof ErrorBodySchema;
  ProcessInfo: typeof ProcessInfoSchema;
  Truncation: typeof TruncationSchema;
  StartResponse: typeof StartResponseSchema;
  RunResponse: typeof RunResponseSchema;
  ListResponse: typeof ListResponseSchema;
  OutputResponse: typeof OutputResponseSchema;
  SignalResponse: typeof SignalResponseSchema;
  StdinResponse: typeof StdinResponseSchema;
  ResizeResponse: typeof ResizeResponseSchema;
  DeleteResponse: typeof DeleteResponseSchema;
  HealthResponse: typeof HealthResponseSchema;
};

/**
 * Every schema of the document by its component name; request schemas carry `limits` as the routes do.
 * @example
 * ```ts
 * const schemas = wireSchemas(manager.limits);
 * v.safeParse(schemas.StartRequest, body);
 * ```
 */
export function wireSchemas(limits: Limits): WireSchemas {
  return {
    StartRequest: startRequestSchema(limits),
    RunRequest: runRequestSchema(limits),
    SignalRequest: SignalRequestSchema,
    StdinRequest: StdinRequestSchema,
    ResizeRequest: ResizeRequestSchema,
    ErrorBody: ErrorBodySchema,
    ProcessInfo: ProcessInfoSchema,
    Truncation: TruncationSchema,
    StartResponse: StartResponseSchema,
    RunResponse: RunResponseSchema,
    ListResponse: ListResponseSchema,
    OutputResponse: OutputResponseSchema,
    SignalResponse: SignalResponseSchema,
    StdinResponse: StdinResponseSchema,
    ResizeResponse: ResizeResponseSchema,
    DeleteResponse: DeleteResponseSchema,
    HealthResponse: HealthResponseSchema,
  };
}

/** The name of a schema in `components.schemas`. */
export type WireSchemaName = keyof WireSchemas;
