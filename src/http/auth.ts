/**
 * Bearer-token access (docs/api.md §6): with a token configured, every route but `/healthz` needs it.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ProcessApiError } from "../core/errors.ts";

const encoder = new TextEncoder();

/**
 * Compares two strings in time that depends only on their lengths, never on where they differ.
 * @example
 * ```ts
 * constantTimeEqual("a", "a"); // true
 * ```
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i % (x.length || 1)] ?? 0) ^ (y[i % (y.length || 1)] ?? 0);
  return diff === 0;
}

/**
 * Middleware that answers 401 `unauthorized` unless the request carries `Authorization: Bearer <token>`.
 * @example
 * ```ts
 * app.use("*", requireToken("s3cret"));
 * ```
 */
export function requireToken(token: string): MiddlewareHandler {
  const expected = `Bearer ${token}`;
  return async (c, next) => {
    const given = c.req.header("authorization") ?? "";
    if (!constantTimeEqual(given, expected)) {
      // The message never echoes what was sent: a wrong token is a secret too.
      throw new ProcessApiError("unauthorized", "A valid bearer token is required.");
    }
    await next();
  };
}
