/**
 * The fuzz property shared by `test/in-process/fuzz.test.ts` (a few hundred cases) and `scripts/fuzz.ts` (thousands):
 * random and malformed requests (methods, paths, ids, query strings, chat and auth headers, bodies) at every
 * route of an in-process API on a fake spawner, interleaved with fake process events. Whatever arrives, the API
 * answers with a status of the contract, a JSON error body of the contract for every non-2xx, never a 5xx but
 * `start_failed`, never an unhandled rejection, never the token, and leaves no waiter or stream behind.
 * @module
 */
import fc from "fast-check";
import process from "node:process";
import { createProcessApi, type ProcessApi } from "../../src/create-process-api.ts";
import { FakeSpawner } from "./fake-spawner.ts";
import { fuzzCaseArb, type FakeEvent, type FuzzConfig, type FuzzRequest, type Step } from "./fuzz-arbitraries.ts";
import { CHAT_A } from "./http.ts";

const ORIGIN = "http://edgeproc.fuzz";

/** The status of each contract code (docs/api.md §1), restated here so the test checks the contract, not the map. */
const CONTRACT: Record<string, number> = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_workdir: 400,
  unauthorized: 401,
  forbidden_origin: 403,
  forbidden_host: 403,
  not_found: 404,
  not_running: 409,
  stdin_closed: 409,
  token_conflict: 409,
  still_running: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  request_timeout: 408,
  too_many_processes: 429,
  stdin_busy: 429,
  shutting_down: 503,
  mcp_unavailable: 501,
  start_failed: 500,
};

const rejections: unknown[] = [];
let listening = false;
function watchRejections(): void {
  if (listening) return;
  listening = true;
  process.on("unhandledRejection", (reason) => void rejections.push(reason));
}

class Harness {
  readonly spawner = new FakeSpawner();
  readonly api: ProcessApi;
  readonly config: FuzzConfig;

  constructor(config: FuzzConfig) {
    this.config = config;
    this.api = createProcessApi({
      spawner: this.spawner,
      env: { PATH: "/usr/bin:/bin" },
      token: config.token ?? undefined,
      // A descendant holding the pipe past the shell is a fake event here; keep its grace short.
      limits: { pipeGraceMs: 5, ...config.limits },
    });
  }

  /** Seeds records of every kind: running, exited with output, chat A's with stdin, exited with a survivor. */
  async seed(): Promise<void> {
    const none = { chatId: null, ancestorIds: [] };
    const chatA = { chatId: CHAT_A, ancestorIds: [] };
    const plain = { command: "seed" };
    const m = this.api.manager;
    const starts = [
      () => m.start(plain, none),
      () => m.start({ ...plain, clientToken: "t1" }, none),
      () => m.start({ ...plain, stdin: true }, chatA),
    ];
    for (const start of starts) await start().catch(() => undefined);
    const [first, second] = this.spawner.processes;
    second?.write(new Uint8Array([0x68, 0x69, 0xff, 0x0a, 0xe2, 0x82]));
    second?.finish(3);
    if (first) first.write("line\n".repeat(20));
  }

  resolvePath(path: string): string {
    return path.replace(/\u0001(\d+)/, (_, n: string) => {
      const ids = this.api.manager.list({ chatId: null, ancestorIds: [] }, { limit: 1000 }).map((p) => p.id);
      return ids.length === 0 ? "none" : ids[Number(n) % ids.length]!;
    });
  }

  event(event: FakeEvent): void {
    const procs = this.spawner.processes;
    if (procs.length === 0) return;
    const proc = procs[event.index % procs.length]!;
    if (proc.cancelled) return;
    switch (event.kind) {
      case "write":
        // A real pipe cannot carry bytes after it closed; the fake throws, so such events are skipped.
        try {
          proc.write(event.bytes);
        } catch {
          // closed already
        }
        return;
      case "finish":
        proc.finish(event.code);
        return;
      case "exit-open":
        if (event.survivor) proc.survivors = [proc.pid + 100_000];
        proc.exit(0);
        return;
      case "close-pipe":
        proc.closePipe();
        return;
    }
  }

  async close(): Promise<void> {
    for (const p of this.spawner.processes) p.die("SIGKILL");
    await this.api.close();
  }
}

function build(harness: Harness, r: FuzzRequest): { request: Request; abort: AbortController } | null {
  const abort = new AbortController();
  const url = `${ORIGIN}${harness.resolvePath(r.path)}${r.query ? `?${r.query}` : ""}`;
  try {
    const bodyAllowed = r.method !== "GET" && r.method !== "HEAD";
    const request = new Request(url, {
      method: r.method,
      headers: r.headers,
      body: bodyAllowed && r.body !== null ? r.body : undefined,
      signal: abort.signal,
    });
    return { request, abort };
  } catch {
    // The runtime refuses this request (a method, a header or a URL it will not build): nothing to send.
    return null;
  }
}

/** Thrown with the request and the response, so a failing case says what was sent and what came back. */
class ContractViolation extends Error {
  override name = "ContractViolation";
}

async function send(harness: Harness, r: FuzzRequest): Promise<void> {
  const built = build(harness, r);
  if (!built) return;
  const { request, abort } = built;
  const timer = setTimeout(() => abort.abort(), r.abortAfterMs);
  let response: Response;
  try {
    response = await harness.api.fetch(request);
  } finally {
    clearTimeout(timer);
  }
  await checkResponse(harness, request, response);
}

/** Responses seen, by status and code: what `scripts/fuzz.ts` prints to show the cases reached every answer. */
export const fuzzStats = new Map<string, number>();

function count(status: number, code: string): void {
  const key = `${status} ${code}`;
  fuzzStats.set(key, (fuzzStats.get(key) ?? 0) + 1);
}

async function checkResponse(harness: Harness, request: Request, response: Response): Promise<void> {
  const where = `${request.method} ${request.url} [${[...request.headers].map(([k, v]) => `${k}: ${v}`).join("; ")}]`;
  const fail = (why: string, body = ""): never => {
    throw new ContractViolation(`${why}\n  request: ${where}\n  response: ${response.status} ${body.slice(0, 400)}`);
  };
  const status = response.status;
  const contentType = response.headers.get("content-type") ?? "";
  if (status >= 200 && status < 300 && contentType.startsWith("text/event-stream")) {
    // A stream: the client goes away at once, and the stream must free what it held (checked after the case).
    count(status, "stream");
    await response.body?.cancel();
    return;
  }
  const text = request.method === "HEAD" ? "" : await response.text();
  if (text.includes(harness.config.token ?? "\u0000never")) fail("the token appears in a response", text);
  const path = new URL(request.url).pathname;
  const isHealth = path === "/healthz" && (request.method === "GET" || request.method === "HEAD");
  const authorized = request.headers.get("authorization") === `Bearer ${harness.config.token}`;
  // Browsers first: a foreign Host (DNS rebinding) and any other Origin (none is configured here) are 403 before the
  // token.
  const host = request.headers.get("host");
  const rebound = host !== null && !/^(localhost|[\w.-]+\.localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  const hostRefused = status === 403 && (request.method === "HEAD" || text.includes("forbidden_host"));
  if (rebound && !isHealth && !hostRefused) fail("a foreign Host passed", text);
  // A page's own origin (http(s):// and exactly an allowed Host: the /ui dashboard's requests) is let in.
  const origin = request.headers.get("origin")?.trim().toLowerCase();
  const ownOrigin = !rebound && host !== null && (origin === `http://${host}` || origin === `https://${host}`);
  const fromPage = ((origin !== undefined && !ownOrigin) || rebound) && !isHealth;
  if (fromPage && status !== 403) fail("a request with an Origin passed", text);
  if (harness.config.token && !isHealth && !fromPage && !authorized && status !== 401) {
    fail("a request without the token passed", text);
  }
  // Written here, not imported: the property must not share the guard's own reading of a media type.
  const json = /^\s*application\/([\w.-]+\+)?json\s*(;|$)/i.test(request.headers.get("content-type") ?? "");
  const admitted = !fromPage && (authorized || !harness.config.token);
  if (request.method === "POST" && !json && admitted && status !== 415) fail("a POST without JSON was not 415", text);
  if (status >= 200 && status < 300) {
    count(status, request.method === "HEAD" ? "head" : "ok");
    if (request.method === "HEAD") return;
    try {
      JSON.parse(text);
    } catch {
      fail("a 2xx body is not JSON", text);
    }
    return;
  }
  if (!(status in statusesOf)) fail(`status ${status} is not in the contract`, text);
  if (request.method === "HEAD") return;
  if (!contentType.includes("application/json")) fail(`content-type ${contentType} for an error`, text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    fail("an error body is not JSON", text);
  }
  const problem = errorShapeProblem(body);
  if (problem) fail(problem, text);
  const { code, message } = body as { code: string; message: string };
  count(status, code);
  if (CONTRACT[code] !== status) fail(`code ${code} with status ${status}`, text);
  if (status === 500 && message !== "Failed to start process.") fail("a 500 other than start_failed", text);
}

const statusesOf: Record<number, true> = Object.fromEntries(Object.values(CONTRACT).map((s) => [s, true]));

/** Why `body` is not the contract's error body (docs/api.md §1), or `null` when it is. */
export function errorShapeProblem(body: unknown): string | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "the error body is not an object";
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!["message", "code", "detail", "validations"].includes(key)) return `unexpected field ${key}`;
  }
  if (typeof b.message !== "string") return "message is not a string";
  if (typeof b.code !== "string") return "code is not a string";
  if (b.detail !== undefined && typeof b.detail !== "string") return "detail is not a string";
  if (b.validations !== undefined) {
    if (!Array.isArray(b.validations)) return "validations is not an array";
    for (const v of b.validations as unknown[]) {
      const entry = v as Record<string, unknown> | null;
      if (typeof entry !== "object" || entry === null) return "a validation is not an object";
      if (typeof entry.field !== "string" || typeof entry.detail !== "string") return "a validation lacks field/detail";
      if (Object.keys(entry).some((k) => k !== "field" && k !== "detail")) return "a validation has extra fields";
    }
  }
  return null;
}

async function settled(harness: Harness): Promise<boolean> {
  // Aborted waits and cancelled streams let go within a few turns of the event loop; allow a generous bound.
  const end = performance.now() + 2000;
  const a = harness.api.manager.activity;
  while (a.waiters !== 0 || a.streams !== 0) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 1));
  }
  return true;
}

/** Runs one case: a fresh API, seeded, then the steps; checks every response and the state after. */
export async function runCase(config: FuzzConfig, steps: Step[]): Promise<void> {
  watchRejections();
  const harness = new Harness(config);
  if (config.failSpawn) harness.spawner.failWith = "Cannot start \"sh\": permission denied";
  try {
    await harness.seed();
    for (const step of steps) {
      if (step.kind === "requests") await Promise.all(step.requests.map((r) => send(harness, r)));
      else harness.event(step);
    }
    const health = await harness.api.fetch(new Request(`${ORIGIN}/healthz`));
    if (health.status !== 200) throw new ContractViolation(`/healthz answered ${health.status}`);
    await health.body?.cancel();
  } finally {
    await harness.close();
  }
  if (!(await settled(harness))) {
    throw new ContractViolation(`activity left behind: ${JSON.stringify(harness.api.manager.activity)}`);
  }
  // Let rejections of this case surface before judging it.
  await new Promise((r) => setTimeout(r, 0));
  if (rejections.length > 0) {
    const reason = rejections.splice(0).map(String).join("; ");
    throw new ContractViolation(`unhandled rejection: ${reason}`);
  }
}

/** The property, for `fc.assert`. */
export const fuzzProperty = fc.asyncProperty(fuzzCaseArb, ({ config, steps }) => runCase(config, steps));

/**
 * Runs the property `numRuns` times; throws fast-check's report (seed and shrunk case) on a failure.
 * @example
 * ```ts
 * await runFuzz(300);
 * ```
 */
export async function runFuzz(numRuns: number, seed?: number): Promise<void> {
  await fc.assert(fuzzProperty, { numRuns, seed, includeErrorInReport: true });
}
