/**
 * `createProcessApi`: the whole service as one fetch handler, mountable anywhere that speaks `Request`/`Response`.
 * @module
 */
import { Hono } from "hono";
import pkg from "../package.json" with { type: "json" };
import { ProcessApiError } from "./core/errors.ts";
import type { Limits } from "./core/limits.ts";
import { ProcessManager, type EnvHook } from "./core/process-manager.ts";
import type { Spawner } from "./core/spawner.ts";
import { accessLog, type AccessLogLine } from "./http/access-log.ts";
import { requireToken } from "./http/auth.ts";
import { browserGuard, requireJson, type BrowserPolicy } from "./http/browser-guard.ts";
import { errorResponse, type ErrorLogger } from "./http/error-response.ts";
import { processRoutes } from "./http/process-routes.ts";
import { readBody } from "./http/read-body.ts";
import { bodyDeadline, startBodyClock } from "./http/request-deadline.ts";
import { addDashboard, DASHBOARD_PATHS } from "./http/ui/dashboard-routes.ts";
import { openApiDocument, type OpenApiDocument } from "./openapi/openapi-document.ts";
import { createSpawner, detectRuntime } from "./runtimes/create-spawner.ts";
import { posixHost, serverEnvironment } from "./runtimes/posix/host.ts";
import { DEFAULT_BASE_PATH, normaliseBasePath } from "./wire/base-path.ts";
import type { HealthResponse } from "./wire/response-schemas.ts";

/**
 * How to build the API; every field is optional. Browsers are kept out by default (docs/api.md §6): `Host` must be a
 * loopback name or address (or `listenAddress`, or one of `allowedHosts`), a request with an `Origin` needs it in
 * `allowedOrigins`, and a POST must carry JSON.
 */
export interface ProcessApiOptions extends BrowserPolicy {
  /** Where the process routes live (default `/api/v0/processes`). */
  basePath?: string;
  /** Default working directory of processes (else `$HOME`, else the server's cwd). */
  workdir?: string;
  /** Base environment of every child (default: the server's environment). */
  env?: Record<string, string | undefined>;
  /** Rewrites the base environment before each start (coder's `updateEnv`). */
  updateEnv?: EnvHook;
  /** How processes are spawned (default: the current runtime's own spawner). */
  spawner?: Spawner;
  /** Limits of docs/api.md §5. */
  limits?: Partial<Limits>;
  /** When set, every route but `/healthz` needs `Authorization: Bearer <token>`; empty or blank throws. */
  token?: string;
  /** Receives one line per request (off by default; the server entries print it to stderr). */
  accessLog?: (line: AccessLogLine) => void;
  /** Milliseconds between heartbeat comments on an idle output stream (default 10000; docs/api.md §4.7 says ≤ 15 s). */
  streamHeartbeatMs?: number;
  /** Receives each unexpected error, once, before it is answered as a bare 500 (default: `console.error`). */
  logError?: ErrorLogger;
}

/** The API: a fetch handler, the Hono app behind it, its process manager, and a way to shut it down. */
export interface ProcessApi {
  fetch(request: Request): Promise<Response>;
  app: Hono;
  manager: ProcessManager;
  /** Refuses new starts, ends every process group (TERM, then KILL after the grace), and waits for them. */
  close(): Promise<void>;
}

/** The package version, reported by `/healthz`. */
export const VERSION: string = pkg.version;

/**
 * Builds the process API.
 * @example
 * ```ts
 * const api = createProcessApi({ workdir: "/workspace" });
 * export default { fetch: api.fetch }; // deno serve; on Bun pass idleTimeout: 0 to its serve
 * ```
 */
export function createProcessApi(options: ProcessApiOptions = {}): ProcessApi {
  if (options.token !== undefined && options.token.trim() === "") {
    throw new TypeError("createProcessApi: token must not be empty or blank; leave it out for no token.");
  }
  const spawner = options.spawner ?? createSpawner();
  const manager = new ProcessManager({
    spawner,
    host: posixHost,
    limits: options.limits,
    workdir: options.workdir,
    env: options.env ?? serverEnvironment(),
    updateEnv: options.updateEnv,
  });
  const basePath = normaliseBasePath(options.basePath ?? DEFAULT_BASE_PATH);
  const runtime = detectRuntime();
  const logError = options.logError ?? ((err: unknown) => console.error("edgeproc: unexpected error:", err));
  const app = new Hono();
  const { requestTimeoutMs } = manager.limits;
  if (requestTimeoutMs > 0) app.use("*", startBodyClock(requestTimeoutMs));
  app.onError((err) => errorResponse(err, logError));
  if (options.accessLog) app.use("*", accessLog(options.accessLog, basePath));
  app.get("/healthz", (c) => {
    const body: HealthResponse = {
      status: manager.closed ? "shutting_down" : "ok",
      runtime,
      version: VERSION,
      processes: manager.counts(),
      activity: { ...manager.activity },
      output: { retained_bytes: manager.outputBudget.retainedBytes, budget_bytes: manager.outputBudget.limit },
    };
    return c.json(body, manager.closed ? 503 : 200);
  });
  // After /healthz, which probes reach by any name; preflights are answered before the token is asked for. Only on
  // edgeproc's own routes: mounted in a host app, the app's other routes are not ours to guard.
  const guards = [browserGuard(options), ...(options.token ? [requireToken(options.token)] : []), requireJson()];
  for (const path of ["/openapi.json", "/mcp", `${basePath}/*`]) app.use(path, ...guards);
  // The dashboard's static page and files: Host and Origin rules, no token (a navigation cannot send one).
  for (const path of DASHBOARD_PATHS) app.use(path, guards[0]!);
  // Served on its own (never when mounted: the host app answers its 404s), no route needs the guards' pass first.
  app.notFound(async (c) => {
    for (const guard of guards) await guard(c, async () => {});
    return errorResponse(new ProcessApiError("not_found", `No route for ${c.req.method} ${c.req.path}.`), logError);
  });
  // Behind the token like every route but /healthz (docs/api.md §6); built on first request, as few clients ask.
  // Mounted by a host app at a prefix, the route is that prefix + /openapi.json, and the document says so.
  const openApi = new Map<string, OpenApiDocument>();
  app.get("/openapi.json", (c) => {
    const mountPath = c.req.routePath.slice(0, -"/openapi.json".length);
    let doc = openApi.get(mountPath);
    if (!doc) {
      doc = openApiDocument({ basePath, limits: manager.limits, auth: Boolean(options.token), mountPath });
      openApi.set(mountPath, doc);
    }
    return c.json(doc);
  });
  // The MCP tools call this same app in process, as the caller (token and chat headers passed on).
  // The MCP SDK is loaded on the first /mcp request: at startup it costs ~100 ms of cold start and ~25 MiB of
  // process size, which every Node fork pays again (docs/performance.md). It is an optional peer dependency (96
  // of the 102 packages an install would pull): without it, /mcp answers 501 `mcp_unavailable`.
  let mcp: Promise<(request: Request) => Promise<Response>> | undefined;
  app.all("/mcp", async (c) => {
    const loading = (mcp ??= loadMcp(async (request) => app.fetch(request), basePath));
    // Installed later, the SDK is found on a later request. This also handles the rejection, which this request
    // only awaits once its body is read: an unhandled one in between would end the process.
    loading.catch(() => {
      if (mcp === loading) mcp = undefined;
    });
    // The SDK reads up to 4 MiB whatever the limit: the body is read here first, within it (413 past it).
    // A new Request, not `new Request(raw, init)`: Node's server hands over a request whose body cannot be replaced.
    const raw = c.req.raw;
    if (!raw.body) return (await loading)(raw);
    const body = await readBody(raw, manager.limits.maxBodyBytes, bodyDeadline(raw));
    const copy = new Request(raw.url, { method: raw.method, headers: raw.headers, body, signal: raw.signal });
    return (await loading)(copy);
  });
  addDashboard(app, basePath);
  app.route(basePath || "/", processRoutes(manager, { heartbeatMs: options.streamHeartbeatMs }));
  return {
    fetch: async (request) => app.fetch(request),
    app,
    manager,
    close: () => manager.close(),
  };
}

/** The MCP endpoint, or `mcp_unavailable` when the SDK (an optional peer dependency) is not installed. */
async function loadMcp(api: (request: Request) => Promise<Response>, basePath: string) {
  try {
    const { createMcpHandler } = await import("./mcp/mcp-handler.ts");
    return createMcpHandler(api, { basePath, version: VERSION });
  } catch (err) {
    // Node: ERR_MODULE_NOT_FOUND; Bun and Deno say "Cannot find" and name the package.
    if (!String((err as Error)?.message ?? err).includes("@modelcontextprotocol/sdk")) throw err;
    throw new ProcessApiError(
      "mcp_unavailable",
      "MCP is not available: @modelcontextprotocol/sdk is not installed.",
      "Install it next to edgeproc (npm i @modelcontextprotocol/sdk) to serve /mcp.",
    );
  }
}
