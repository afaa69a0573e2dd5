/**
 * What every server entry does around its runtime's `serve`: `--help`, config errors, the listening line, the
 * loopback warning, and shutdown on SIGTERM, SIGINT, SIGHUP or SIGQUIT that leaves no process of ours behind.
 * @module
 */
import process from "node:process";
import { createProcessApi, type ProcessApi, VERSION } from "../create-process-api.ts";
import type { AccessLogLine } from "../http/access-log.ts";
import { delay } from "../core/wait.ts";
import { httpUrl, type ListenOptions, type Listening } from "../runtimes/listen-options.ts";
import { ConfigError, helpText, parseServerConfig, type ServerConfig } from "./server-config.ts";

/**
 * Reads the config from `argv`/`env` and builds the API; prints help (followed by `moreHelp`, the bin's
 * subcommands), the version or a config error and exits when needed.
 * @example
 * ```ts
 * const { config, api } = prepareServer("bun run src/cli/bun.ts");
 * ```
 */
export function prepareServer(
  command: string,
  argv: string[] = process.argv.slice(2),
  moreHelp = "",
): { config: ServerConfig; api: ProcessApi } {
  let config: ServerConfig;
  try {
    config = parseServerConfig(argv, process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`edgeproc: ${err.message}`);
    process.exit(2);
  }
  if (config.help) {
    console.log(helpText(command) + moreHelp);
    process.exit(0);
  }
  if (config.version) {
    console.log(VERSION);
    process.exit(0);
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/.test(config.host);
  if (!loopback && !config.api.token) {
    console.error(`edgeproc: warning: listening on ${config.host} without a token; anyone who can reach it runs commands.`);
  }
  // Only the fields of AccessLogLine are printed: never a body, a header value or the token.
  // Written to stderr as is: console.error would format the string again (~2 µs a line on Node, ~7 on Deno).
  const accessLog = config.quiet
    ? undefined
    : (line: AccessLogLine) => void process.stderr.write(`${JSON.stringify(line)}\n`);
  // Children inherit the server's environment; the token must not be in it, where any `env` would print it.
  const { EDGEPROC_TOKEN: _token, ...env } = process.env;
  // The bound address is a name requests may use (docs/api.md §6); a wildcard bind allows every IP address.
  return { config, api: createProcessApi({ env, ...config.api, listenAddress: config.host, accessLog }) };
}

/**
 * Prints the URL and installs the shutdown: on SIGTERM, SIGINT, SIGHUP or SIGQUIT, refuse new starts, end every process group
 * (TERM, KILL after the grace), wait, stop listening, exit 0. On any exit, SIGKILL what is left.
 * @example
 * ```ts
 * serveLifecycle(api, `http://127.0.0.1:${server.port}`, () => server.stop());
 * ```
 */
export function serveLifecycle(api: ProcessApi, url: string, stopListening: () => unknown): void {
  console.log(`edgeproc listening on ${url}`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`edgeproc: ${signal} received; ending every process group`);
    await api.close();
    // Waiters were answered when their processes exited; give the responses a moment to leave.
    await Promise.race([Promise.resolve(stopListening()), delay(1000)]);
    console.error("edgeproc: stopped");
    process.exit(0);
  };
  // SIGHUP (a closed terminal) and SIGQUIT would otherwise end the server with no cleanup at all.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"] as const) process.on(signal, () => void shutdown(signal));
  process.on("exit", () => api.manager.killAllNow());
}

/** A runtime's `listen` (`src/runtimes/node/serve.ts`, `src/runtimes/bun/serve.ts`). */
export type Listen = (fetch: (request: Request) => Promise<Response>, options: ListenOptions) => Promise<Listening>;

/** What the `edgeproc` bin passes besides the command: the flags after `serve`, and the help of its subcommands. */
export interface ServeOptions {
  argv?: string[];
  moreHelp?: string;
}

/**
 * The whole server of an entry that listens itself: config and API from `argv`/`env`, `listen`, then the lifecycle.
 * @example
 * ```ts
 * import { listen } from "../runtimes/node/serve.ts";
 * await listenAndServe("npm run start:node --", listen);
 * ```
 */
export async function listenAndServe(command: string, listen: Listen, options: ServeOptions = {}): Promise<void> {
  const { config, api } = prepareServer(command, options.argv, options.moreHelp);
  const { requestTimeoutMs } = api.manager.limits;
  let server: Listening;
  try {
    server = await listen(api.fetch, { hostname: config.host, port: config.port, requestTimeoutMs });
  } catch (err) {
    // A port in use or an address not ours: one line, not a stack trace.
    console.error(`edgeproc: cannot listen on ${httpUrl(config.host, config.port)}: ${(err as Error).message}`);
    await api.close();
    process.exit(1);
  }
  serveLifecycle(api, server.url, server.stop);
}
