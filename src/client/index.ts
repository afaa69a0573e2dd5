/**
 * `edgeproc/client`: a typed client of the edgeproc HTTP API, for any runtime with `fetch`.
 * @example
 * ```ts
 * import { createClient, EdgeprocError } from "edgeproc/client";
 * const client = createClient({ baseUrl: "http://127.0.0.1:7070" });
 * const result = await client.run({ command: "echo hi" });
 * console.log(result.output); // "hi\n"
 * ```
 * @module
 */
export {
  type ClientOptions,
  type ClientSettings,
  createClient,
  type EdgeprocClient,
  type FetchFunction,
  IN_PROCESS_BASE_URL,
} from "./create-client.ts";
export { EdgeprocError } from "./client-error.ts";
export * from "./client-types.ts";
export * from "./sse-events.ts";
