/**
 * Where the process routes live (docs/api.md §6): one normal form for the server, its OpenAPI document, its access
 * log and the client.
 * @module
 */

/** The base path of the process routes unless configured. */
export const DEFAULT_BASE_PATH = "/api/v0/processes";

/**
 * `path` with one leading slash and no trailing one; the root is `""`, so `base + "/start"` is always the route.
 * @example
 * ```ts
 * normaliseBasePath("procs/"); // "/procs"
 * normaliseBasePath("/");      // ""
 * ```
 */
export function normaliseBasePath(path: string = DEFAULT_BASE_PATH): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" || trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}
