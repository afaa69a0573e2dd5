/**
 * Serving a fetch handler on `Bun.serve`.
 * @module
 */
import { bunGlobal, type BunServer } from "./bun-api.ts";
import { httpUrl, type ListenOptions, type Listening } from "../listen-options.ts";

/** Bun's largest idle timeout, in seconds (https://bun.sh/docs/api/http#idletimeout). */
const MAX_IDLE_S = 255;

/**
 * Listens on `Bun.serve`. Bun's idle timeout (10 s by default) would cut every long wait and quiet stream, so it
 * is off while a request is served; between requests it is the request timeout, which drops a connection left
 * idle, or holding a body no route read. Headers that never complete are Bun's own business: it drops them after
 * 10 s whatever the setting (docs/api.md §6).
 * @example
 * ```ts
 * const { url, stop } = await listen(api.fetch, { hostname: "127.0.0.1", port: 0, requestTimeoutMs: 30_000 });
 * ```
 */
export async function listen(fetch: (request: Request) => Promise<Response>, options: ListenOptions): Promise<Listening> {
  const ms = options.requestTimeoutMs ?? 0;
  const idleS = ms > 0 ? Math.min(MAX_IDLE_S, Math.ceil(ms / 1000)) : 0;
  let base = "";
  // Without a Host header (HTTP/1.0) Bun hands over a relative URL, which routers read as a wrong path.
  const routed = (request: Request) =>
    request.url.startsWith("/") ? fetch(new Request(base + request.url, request)) : fetch(request);
  const server = bunGlobal("listen()").serve({
    fetch: idleS > 0 ? idleOnlyBetweenRequests(routed, idleS) : routed,
    hostname: options.hostname,
    port: options.port,
    idleTimeout: idleS,
  });
  base = httpUrl(options.hostname, server.port);
  return { url: base, stop: async () => void (await server.stop()) };
}

/**
 * `fetch` with the connection's idle timer off from the request's arrival until its response is handed over, or,
 * for an event stream, until the stream ends. Bun keeps a per-request timeout for the connection's later life,
 * so it is put back each time.
 */
function idleOnlyBetweenRequests(fetch: (request: Request) => Promise<Response>, idleS: number) {
  return async (request: Request, server: BunServer): Promise<Response> => {
    server.timeout(request, 0);
    let response: Response | undefined;
    try {
      response = await fetch(request);
    } finally {
      if (!response || !isEventStream(response)) server.timeout(request, idleS);
    }
    if (!isEventStream(response)) return response;
    const restore = new TransformStream<Uint8Array, Uint8Array>({ flush: () => server.timeout(request, idleS) });
    return new Response(response.body!.pipeThrough(restore), response);
  };
}

/** An SSE response with a body (not `HEAD`); read from the headers, as touching a JSON body costs Bun a stream. */
function isEventStream(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").startsWith("text/event-stream") && response.body !== null;
}
