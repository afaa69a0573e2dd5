/**
 * The deadline of a request's body (docs/api.md §5, `--request-timeout-ms`): counted from the moment the handler
 * got the request, so it holds wherever the handler is mounted; the runtimes bound the headers before that (§6).
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** By when a request's body must have arrived, in `performance.now()` milliseconds, and the limit it came from. */
export interface BodyDeadline {
  at: number;
  timeoutMs: number;
}

// Keyed by the Request itself: the routes, the /mcp endpoint and an embedder's own mount all see that object.
const deadlines = new WeakMap<Request, BodyDeadline>();

/**
 * Middleware that starts the body clock of every request as it reaches the handler: its body must be in within
 * `timeoutMs` (a positive number).
 * @example
 * ```ts
 * app.use("*", startBodyClock(30_000));
 * ```
 */
export function startBodyClock(timeoutMs: number): MiddlewareHandler {
  return async (c, next) => {
    deadlines.set(c.req.raw, { at: performance.now() + timeoutMs, timeoutMs });
    await next();
  };
}

/**
 * The body deadline of `request`, if its clock was started.
 * @example
 * ```ts
 * const text = await readBody(c.req.raw, limits.maxBodyBytes, bodyDeadline(c.req.raw));
 * ```
 */
export function bodyDeadline(request: Request): BodyDeadline | undefined {
  return deadlines.get(request);
}
