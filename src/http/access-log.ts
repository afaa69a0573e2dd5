/**
 * The access log: one structured line per request, built only from the method, the path, the status, the time
 * taken and the scope headers. Bodies, queries and other headers never reach it, so no token, env value or
 * stdin data can leak into a log.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { normaliseBasePath } from "../wire/base-path.ts";
import { chatScope } from "./chat-headers.ts";

/** One request, as the access log records it. */
export interface AccessLogLine {
  /** When the request arrived (ISO 8601). */
  time: string;
  method: string;
  /** The path without the query string. */
  path: string;
  /** The status answered; for a stream, the status it opened with. */
  status: number;
  /** Until the response (or, for a stream, its head) was ready; to 0.1 ms. */
  duration_ms: number;
  /** The request's chat (canonical UUID), or `null` for the operator's view. */
  chat_id: string | null;
  /** The process the path names, when it names one. */
  process_id?: string;
}

/** First segments that are not a process id: the fixed routes, and the root ones when the base path is `/`. */
const FIXED = new Set(["start", "run", "list", "healthz", "openapi.json", "mcp"]);

/**
 * Middleware that calls `write` once per request, after the response is ready (errors included). Mount it first,
 * so it also sees 401s and `/healthz`.
 * @example
 * ```ts
 * app.use("*", accessLog((line) => console.error(JSON.stringify(line)), "/api/v0/processes"));
 * ```
 */
export function accessLog(write: (line: AccessLogLine) => void, basePath: string): MiddlewareHandler {
  const prefix = `${normaliseBasePath(basePath)}/`;
  return async (c, next) => {
    const time = new Date().toISOString();
    const start = performance.now();
    await next();
    const path = c.req.path;
    const line: AccessLogLine = {
      time,
      method: c.req.method,
      path,
      status: c.res.status,
      duration_ms: Math.round((performance.now() - start) * 10) / 10,
      chat_id: chatScope(c.req.raw.headers).chatId,
    };
    const id = path.startsWith(prefix) ? path.slice(prefix.length).split("/")[0] : undefined;
    if (id && !FIXED.has(id)) line.process_id = id;
    try {
      write(line);
    } catch {
      // A broken log sink must not turn a good answer into a 500.
    }
  };
}
