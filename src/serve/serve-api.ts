/**
 * What `edgeproc/node` and `edgeproc/bun` share: build the API, listen with the runtime's settings (no timeout that
 * cuts a long wait or a stream; `--request-timeout-ms` for requests), and end every process group on shutdown.
 * @module
 */
import process from "node:process";
import { createProcessApi, type ProcessApi, type ProcessApiOptions } from "../create-process-api.ts";
import { httpUrl, type ListenOptions, type Listening } from "../runtimes/listen-options.ts";

/** How to serve: the API's options plus where to listen. */
export interface ServeOptions extends ProcessApiOptions {
  /** Default `127.0.0.1`: loopback only. */
  hostname?: string;
  /** Default 7070; 0 picks a free port. */
  port?: number;
  /**
   * On SIGTERM, SIGINT, SIGHUP or SIGQUIT: close (every process group TERMed, KILLed after the grace), then exit
   * 0; on any exit, SIGKILL what is left. Default true; false leaves signals to the caller.
   */
  handleSignals?: boolean;
}

/** A served API. */
export interface Served {
  /** e.g. `http://127.0.0.1:7070`, with the port actually bound. */
  url: string;
  api: ProcessApi;
  /** Refuses new starts, ends every process group, waits for them, then stops listening. Idempotent. */
  close(): Promise<void>;
}

/** A runtime's `listen`. */
export type Listen = (fetch: (request: Request) => Promise<Response>, options: ListenOptions) => Promise<Listening>;

/**
 * Serves the API with `listen`.
 * @example
 * ```ts
 * const { url, close } = await serveApi(listen, { port: 0 });
 * ```
 */
export async function serveApi(listen: Listen, options: ServeOptions = {}): Promise<Served> {
  const { hostname = "127.0.0.1", port = 7070, handleSignals = true, ...apiOptions } = options;
  const api = createProcessApi({ listenAddress: hostname, ...apiOptions });
  const { requestTimeoutMs } = api.manager.limits;
  let server: Listening;
  try {
    server = await listen(api.fetch, { hostname, port, requestTimeoutMs });
  } catch (err) {
    await api.close();
    throw new Error(`edgeproc: cannot listen on ${httpUrl(hostname, port)}: ${(err as Error).message}`, { cause: err });
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await api.close();
      await server.stop();
    })());
  if (handleSignals) onShutdown(api, close);
  return { url: server.url, api, close };
}

/**
 * On SIGTERM, SIGINT, SIGHUP or SIGQUIT: `close` (which ends every process group), then exit 0; on any exit,
 * SIGKILL what is left.
 * @example
 * ```ts
 * onShutdown(api, () => api.close());
 * ```
 */
export function onShutdown(api: ProcessApi, close: () => Promise<void>): void {
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"] as const) {
    process.once(signal, () => void close().then(() => process.exit(0)));
  }
  process.once("exit", () => api.manager.killAllNow());
}
