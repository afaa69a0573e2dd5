/**
 * `edgeproc/bun`: the API served on Bun's own HTTP server, with shutdown.
 * @example
 * ```ts
 * import { serve } from "edgeproc/bun";
 * const { url } = await serve({ port: 7070, workdir: "/workspace" });
 * ```
 * @module
 */
import { listen } from "../runtimes/bun/serve.ts";
import { serveApi, type Served, type ServeOptions } from "./serve-api.ts";

export type { Served, ServeOptions } from "./serve-api.ts";

/**
 * Serves edgeproc on Bun: its idle timeout never cuts a long wait or a stream; SIGTERM ends every process group,
 * then exits.
 * @example
 * ```ts
 * const { url, close } = await serve({ port: 0, handleSignals: false });
 * ```
 */
export function serve(options: ServeOptions = {}): Promise<Served> {
  return serveApi(listen, options);
}
