/**
 * `edgeproc/deno`: the API served on Deno's own HTTP server, with shutdown; and the default export of a module
 * that `deno serve` runs.
 * @example
 * ```ts
 * import { serve } from "edgeproc/deno";
 * const { url } = await serve({ port: 7070, workdir: "/workspace" });
 * ```
 * @module
 */
import { createProcessApi, type ProcessApi, type ProcessApiOptions } from "../create-process-api.ts";
import { httpUrl } from "../runtimes/listen-options.ts";
import { listen } from "../runtimes/deno/serve.ts";
import { onShutdown, serveApi, type Served, type ServeOptions } from "./serve-api.ts";

export type { Served, ServeOptions } from "./serve-api.ts";

/**
 * Serves edgeproc on Deno's own HTTP server: no timeout cuts a long wait or a stream, and the project needs no
 * `deno.json` setting; SIGTERM ends every process group, then exits.
 * @example
 * ```ts
 * const { url, close } = await serve({ port: 0, handleSignals: false });
 * ```
 */
export function serve(options: ServeOptions = {}): Promise<Served> {
  return serveApi(listen, options);
}

/** What `deno serve` wants as a module's default export, with the API behind it once it listens. */
export interface DenoServeModule {
  fetch(request: Request): Promise<Response>;
  onListen(addr: { hostname: string; port: number }): void;
  /** The API; built when `deno serve` listens, so that the address it bound is a `Host` requests may use. */
  readonly api: ProcessApi;
}

/**
 * The default export of a module run by `deno serve` (`export default serveDefault({ workdir: "/workspace" })`):
 * prints the URL, and on SIGTERM, SIGINT, SIGHUP or SIGQUIT ends every process group before exiting. `deno serve`
 * binds 0.0.0.0 unless told `--host`: requests may then name any IP address of the machine in `Host`.
 * @example
 * ```ts
 * export default serveDefault({ token: process.env.EDGEPROC_TOKEN });
 * ```
 */
export function serveDefault(options: ProcessApiOptions = {}): DenoServeModule {
  let built: ProcessApi | undefined;
  const build = (listenAddress?: string) => {
    if (built) return built;
    built = createProcessApi({ listenAddress, ...options });
    const api = built;
    onShutdown(api, () => api.close());
    return built;
  };
  return {
    fetch: (request) => build().fetch(request),
    onListen({ hostname, port }) {
      build(hostname);
      console.log(`edgeproc listening on ${httpUrl(hostname, port)}`);
    },
    get api() {
      return build();
    },
  };
}
