/**
 * Serving a fetch handler on Node through `@hono/node-server`.
 * @module
 */
import { type Http2Bindings, type HttpBindings, serve } from "@hono/node-server";
import type { Server, ServerOptions } from "node:http";
import { setBodySource } from "../../http/body-source.ts";
import { httpUrl, type ListenOptions, type Listening } from "../listen-options.ts";

/**
 * Listens on `node:http`: headers must arrive within the request timeout, and a request in flight is never cut,
 * so long waits and streams last as long as they need.
 * @example
 * ```ts
 * const { url, stop } = await listen(api.fetch, { hostname: "127.0.0.1", port: 0, requestTimeoutMs: 30_000 });
 * ```
 */
export function listen(fetch: (request: Request) => Promise<Response>, options: ListenOptions): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        // The body is read from the incoming message itself: `request.body` would build a web Request (body-source.ts).
        fetch: (request: Request, env: HttpBindings | Http2Bindings) => {
          if (request.method !== "GET" && request.method !== "HEAD") setBodySource(request, env.incoming);
          return fetch(request);
        },
        hostname: options.hostname,
        port: options.port,
        // Keep the runtime's own Request/Response: the default swaps the globals for its own classes.
        overrideGlobalObjects: false,
        serverOptions: nodeTimeouts(options.requestTimeoutMs ?? 0),
      },
      (info) => {
        const stop = () => {
          // close() waits for open connections; idle keep-alive ones would hold it forever, busy ones finish.
          const closed = new Promise<void>((done) => server.close(() => done()));
          (server as Server).closeIdleConnections?.();
          return closed;
        };
        server.off("error", reject);
        resolve({ url: httpUrl(options.hostname, info.port), stop });
      },
    );
    // A port in use (EADDRINUSE) or an address not ours: without a listener, node:http throws it uncaught.
    server.once("error", reject);
  });
}

/**
 * node:http's timeouts for a request timeout of `ms`. They only ever apply until a request has fully arrived
 * (https://nodejs.org/api/http.html#serverrequesttimeout), so responses are not cut: checked by test/e2e/slow-clients.
 */
function nodeTimeouts(ms: number): ServerOptions {
  if (ms <= 0) return { headersTimeout: 0, requestTimeout: 0 };
  return {
    headersTimeout: ms,
    // The handler answers a late body itself, with the contract's 408, `ms` after the headers; node's bare 408 is
    // the backstop for a body no route reads, so it must come after both.
    requestTimeout: 2 * ms + 1000,
    // Node looks for expired requests on this interval (default 30 s, which would let a 1 s limit run 31 s).
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(ms / 4))),
  };
}
