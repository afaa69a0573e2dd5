/**
 * Serving a fetch handler on Node through `@hono/node-server`.
 * @module
 */
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import { httpUrl, type ListenOptions, type Listening } from "../listen-options.ts";

/**
 * Listens on `node:http` with no request timeout, so long waits are never cut.
 * @example
 * ```ts
 * const { url, stop } = await listen(api.fetch, { hostname: "127.0.0.1", port: 0 });
 * ```
 */
export function listen(fetch: (request: Request) => Promise<Response>, options: ListenOptions): Promise<Listening> {
  return new Promise((resolve) => {
    const server = serve(
      {
        fetch,
        hostname: options.hostname,
        port: options.port,
        // Keep the runtime's own Request/Response: the default swaps the globals for its own classes.
        overrideGlobalObjects: false,
        serverOptions: { requestTimeout: 0 },
      },
      (info) => {
        const stop = () => {
          // close() waits for open connections; idle keep-alive ones would hold it forever, busy ones finish.
          const closed = new Promise<void>((done) => server.close(() => done()));
          (server as Server).closeIdleConnections?.();
          return closed;
        };
        resolve({ url: httpUrl(options.hostname, info.port), stop });
      },
    );
  });
}
