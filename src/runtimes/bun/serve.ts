/**
 * Serving a fetch handler on `Bun.serve`.
 * @module
 */
import { bunGlobal } from "./bun-api.ts";
import { httpUrl, type ListenOptions, type Listening } from "../listen-options.ts";

/**
 * Listens on `Bun.serve` with the idle timeout off: Bun closes idle connections after 10 s by default, which
 * would cut every long wait.
 * @example
 * ```ts
 * const { url, stop } = await listen(api.fetch, { hostname: "127.0.0.1", port: 0 });
 * ```
 */
export async function listen(fetch: (request: Request) => Promise<Response>, options: ListenOptions): Promise<Listening> {
  let base = "";
  // Without a Host header (HTTP/1.0) Bun hands over a relative URL, which routers read as a wrong path.
  const routed = (request: Request) => (request.url.startsWith("/") ? fetch(new Request(base + request.url, request)) : fetch(request));
  const server = bunGlobal("listen()").serve({ fetch: routed, hostname: options.hostname, port: options.port, idleTimeout: 0 });
  base = httpUrl(options.hostname, server.port);
  return { url: base, stop: async () => void (await server.stop()) };
}
