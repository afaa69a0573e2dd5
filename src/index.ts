/**
 * edgeproc: a process API for AI agents as one fetch handler, on Bun, Deno and Node.
 * @example
 * ```ts
 * import { createProcessApi } from "edgeproc";
 * const api = createProcessApi();
 * export default { fetch: api.fetch };
 * ```
 * @module
 */
export { createProcessApi, VERSION, type ProcessApi, type ProcessApiOptions } from "./create-process-api.ts";
export { ProcessManager, type EnvHook, type ProcessManagerOptions } from "./core/process-manager.ts";
export { ProcessApiError, type ErrorCode } from "./core/errors.ts";
export { DEFAULT_LIMITS, type Limits } from "./core/limits.ts";
export { SpawnError, type Spawner, type SpawnedProcess, type SpawnRequest, type ExitStatus } from "./core/spawner.ts";
export { createSpawner, detectRuntime } from "./runtimes/create-spawner.ts";
export * from "./wire/request-schemas.ts";
export * from "./wire/response-schemas.ts";
export { openApiDocument, type OpenApiDocument, type OpenApiOptions } from "./openapi/openapi-document.ts";
export type { AccessLogLine } from "./http/access-log.ts";
export type { ChatScope } from "./http/chat-headers.ts";
