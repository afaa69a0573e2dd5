/**
 * `createClient`: a typed client of the edgeproc HTTP API, over any `fetch` (the network, or `api.fetch` in
 * process).
 * @module
 */
import type {
  HealthResponse,
  ListResponse,
  OutputResponse,
  ProcessInfo,
  SignalResponse,
  StartResponse,
} from "../wire/response-schemas.ts";
import type { WireSignal } from "../wire/signals.ts";
import { normaliseBasePath } from "../wire/base-path.ts";
import { EdgeprocError } from "./client-error.ts";
import type {
  CallOptions,
  ListOptions,
  DeleteResponse,
  OutputOptions,
  ResizeResponse,
  RunInput,
  RunResponse,
} from "./client-types.ts";
import type { SignalOptions, StartInput, StdinInput, StdinResponse, StreamOptions } from "./client-types.ts";
import { type StreamEvent, streamEvents } from "./sse-events.ts";

/** Anything that answers a `Request`: the global `fetch`, or `api.fetch` of an embedded API. */
export type FetchFunction = (request: Request) => Promise<Response>;

/** Where the API is and who is asking: a `baseUrl`, or a `fetch` of its own (then `baseUrl` may be left out). */
export type ClientOptions = ClientSettings & ({ baseUrl: string } | { baseUrl?: string; fetch: FetchFunction });

/** The root URL of requests to an embedded API's own `fetch` when no `baseUrl` is given. */
export const IN_PROCESS_BASE_URL = "http://localhost";

/** What a client sends besides its URL. */
export interface ClientSettings {
  /** The server's root URL, e.g. `http://127.0.0.1:7070` (default with `fetch`: `http://localhost`). */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as `Coder-Chat-Id`: the client then sees only this chat's processes (docs/api.md §2). */
  chatId?: string;
  /** Sent as `Coder-Ancestor-Chat-Ids`, a JSON array. */
  ancestorChatIds?: string[];
  /** How requests go out (default: the global `fetch`). */
  fetch?: FetchFunction;
  /** Where the process routes live (default `/api/v0/processes`). */
  basePath?: string;
}

/** The calls of the API. Every non-2xx answer throws an {@link EdgeprocError}. */
export interface EdgeprocClient {
  /** `POST /start`: spawns and answers at once. */
  start(request: StartInput, options?: CallOptions): Promise<StartResponse>;
  /** `POST /run`: spawns, waits (`wait_ms`), answers the id and the output snapshot. */
  run(request: RunInput, options?: CallOptions): Promise<RunResponse>;
  /** `GET /list`: running first, then newest. */
  list(options?: ListOptions): Promise<ListResponse>;
  /** `GET /{id}`: one process. */
  get(id: string, options?: CallOptions): Promise<ProcessInfo>;
  /** `GET /{id}/output`: a snapshot, a blocking wait, or an incremental read from a cursor. */
  output(id: string, options?: OutputOptions): Promise<OutputResponse>;
  /** `POST /{id}/signal` to the process group, optionally waiting for it to be gone. */
  signal(id: string, signal: WireSignal, options?: SignalOptions): Promise<SignalResponse>;
  /** `POST /{id}/stdin`: writes data, and with `eof` closes stdin. */
  stdin(id: string, request: StdinInput, options?: CallOptions): Promise<StdinResponse>;
  /**
   * `GET /{id}/stream` as typed events, ending after `exit`. The request goes out on the first `next()`, so an
   * unknown id throws there. Breaking out of the loop closes the stream on the server.
   */
  stream(id: string, options?: StreamOptions): AsyncGenerator<StreamEvent, void, undefined>;
  /** `POST /{id}/resize`: a `tty: true` process's new terminal size (docs/api.md §4.11). */
  resize(id: string, size: { cols: number; rows: number }, options?: CallOptions): Promise<ResizeResponse>;
  /** `DELETE /{id}`: forgets an exited process. */
  delete(id: string, options?: CallOptions): Promise<DeleteResponse>;
  /** `GET /healthz`. */
  health(options?: CallOptions): Promise<HealthResponse>;
}

type Query = Record<string, string | number | boolean | undefined>;

/**
 * Builds a client.
 * @example
 * ```ts
 * const client = createClient({ baseUrl: "http://127.0.0.1:7070", token: "s3cret" });
 * const { id } = await client.start({ command: "npm test" });
 * const result = await client.output(id, { wait: true });
 * console.log(result.exit_code, result.output);
 * ```
 */
export function createClient(options: ClientOptions): EdgeprocClient {
  if (options.baseUrl === undefined && !options.fetch) {
    throw new TypeError("createClient needs a baseUrl, or a fetch of its own (such as api.fetch).");
  }
  const root = (options.baseUrl ?? IN_PROCESS_BASE_URL).replace(/\/+$/, "");
  const base = root + normaliseBasePath(options.basePath);
  const send: FetchFunction = options.fetch ?? ((request) => fetch(request));
  const path = (id: string, tail = "") => `${base}/${encodeURIComponent(id)}${tail}`;

  async function call(
    method: string,
    url: string,
    req: { body?: unknown; query?: Query; signal?: AbortSignal; accept?: string },
  ) {
    const headers = new Headers({ accept: req.accept ?? "application/json" });
    if (options.token) headers.set("authorization", `Bearer ${options.token}`);
    if (options.chatId) headers.set("coder-chat-id", options.chatId);
    if (options.ancestorChatIds) headers.set("coder-ancestor-chat-ids", JSON.stringify(options.ancestorChatIds));
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) search.set(key, String(value));
    const init: RequestInit = { method, headers, signal: req.signal };
    if (req.body !== undefined) {
      headers.set("content-type", "application/json");
      init.body = JSON.stringify(req.body);
    }
    const query = search.toString();
    const response = await send(new Request(query ? `${url}?${query}` : url, init));
    if (!response.ok) throw await EdgeprocError.fromResponse(response);
    return response;
  }

  async function json<T>(method: string, url: string, req: { body?: unknown; query?: Query; signal?: AbortSignal }) {
    return (await (await call(method, url, req)).json()) as T;
  }

  return {
    start: (body, o = {}) => json<StartResponse>("POST", `${base}/start`, { body, signal: o.signal }),
    run: (body, o = {}) => json<RunResponse>("POST", `${base}/run`, { body, signal: o.signal }),
    list: (o = {}) =>
      json<ListResponse>("GET", `${base}/list`, {
        query: { limit: o.limit, running: o.running, stats: o.stats || undefined },
        signal: o.signal,
      }),
    get: (id, o = {}) => json<ProcessInfo>("GET", path(id), { signal: o.signal }),
    output: (id, o = {}) => {
      const { wait, waitMs: wait_ms, cursor, limit, until, pattern, flags, port } = o;
      const strip_ansi = o.stripAnsi || undefined;
      const query = { wait: wait || undefined, wait_ms, cursor, limit, until, pattern, flags, port, strip_ansi };
      return json<OutputResponse>("GET", path(id, "/output"), { query, signal: o.signal });
    },
    signal: (id, signal, o = {}) =>
      json<SignalResponse>("POST", path(id, "/signal"), { body: { signal, wait_ms: o.waitMs }, signal: o.signal }),
    stdin: (id, body, o = {}) => json<StdinResponse>("POST", path(id, "/stdin"), { body, signal: o.signal }),
    async *stream(id, o = {}) {
      const query = { cursor: o.cursor };
      const response = await call("GET", path(id, "/stream"), { query, signal: o.signal, accept: "text/event-stream" });
      if (!response.body) return;
      yield* streamEvents(response.body, o.signal);
    },
    resize: (id, size, o = {}) => json<ResizeResponse>("POST", path(id, "/resize"), { body: size, signal: o.signal }),
    delete: (id, o = {}) => json<DeleteResponse>("DELETE", path(id), { signal: o.signal }),
    health: (o = {}) => json<HealthResponse>("GET", `${root}/healthz`, { signal: o.signal }),
  };
}
