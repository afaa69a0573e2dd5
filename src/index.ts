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
export { ProcessManager, type Activity, type EnvHook, type ProcessManagerOptions, type SignalOutcome } from "./core/process-manager.ts";
export { ProcessApiError, type ErrorCode } from "./core/errors.ts";
export { DEFAULT_LIMITS, type Limits } from "./core/limits.ts";
export { SpawnError, type Spawner, type SpawnedProcess, type SpawnRequest, type ExitStatus } from "./core/spawner.ts";
export { createSpawner, detectRuntime, loadSpawner, type RuntimeName } from "./runtimes/create-spawner.ts";
export { posixHost } from "./runtimes/posix/host.ts";
export * from "./wire/request-schemas.ts";
export * from "./wire/response-schemas.ts";
export * from "./wire/signals.ts";
export { DEFAULT_BASE_PATH, normaliseBasePath } from "./wire/base-path.ts";
export { openApiDocument, type OpenApiDocument, type OpenApiOptions } from "./openapi/openapi-document.ts";
export type { AccessLogLine } from "./http/access-log.ts";
export { OPERATOR_SCOPE, type ChatScope } from "./core/chat-scope.ts";
export type { StartOptions } from "./core/start-params.ts";
export type { Host } from "./core/host.ts";
