/**
 * `edgeproc/node`: the API served on Node's `node:http` (through `@hono/node-server`), with shutdown.
 * @example
 * ```ts
 * import { serve } from "edgeproc/node";
 * const { url } = await serve({ port: 7070, workdir: "/workspace" });
 * ```
 * @module
 */
import { listen } from "../runtimes/node/serve.ts";
import { serveApi, type Served, type ServeOptions } from "./serve-api.ts";

export type { Served, ServeOptions } from "./serve-api.ts";

/**
 * Serves edgeproc on Node: no timeout cuts a long wait or a stream; SIGTERM ends every process group, then exits.
 * @example
 * ```ts
 * const { url, close } = await serve({ port: 0, handleSignals: false });
 * ```
 */
export function serve(options: ServeOptions = {}): Promise<Served> {
  return serveApi(listen, options);
}
