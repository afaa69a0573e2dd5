/**
 * Serving a fetch handler on `Deno.serve`.
 * @module
 */
import { httpUrl, type ListenOptions, type Listening } from "../listen-options.ts";

/** The part of `Deno.serve` used here (tsc runs without Deno's types). */
interface DenoServe {
  serve(
    options: { hostname: string; port: number; onListen(addr: { hostname: string; port: number }): void },
    handler: (request: Request) => Promise<Response>,
  ): { shutdown(): Promise<void> };
}

/**
 * Listens on `Deno.serve`, which has no idle or request timeout to cut a long wait or a stream (and none for slow
 * headers either: docs/api.md §6). Without `no-legacy-abort`, Deno aborts `request.signal` after every response;
 * the API stops listening to it before it answers, so that reaches nobody (Deno prints one warning).
 * @throws {Error} when not running on Deno.
 * @example
 * ```ts
 * const { url, stop } = await listen(api.fetch, { hostname: "127.0.0.1", port: 0 });
 * ```
 */
export function listen(fetch: (request: Request) => Promise<Response>, options: ListenOptions): Promise<Listening> {
  const deno = (globalThis as unknown as { Deno?: DenoServe }).Deno;
  if (!deno) throw new Error("listen() of src/runtimes/deno needs the Deno runtime");
  return new Promise((resolve) => {
    const server = deno.serve(
      {
        hostname: options.hostname,
        port: options.port,
        onListen: ({ port }) => resolve({ url: httpUrl(options.hostname, port), stop: () => server.shutdown() }),
      },
      fetch,
    );
  });
}
