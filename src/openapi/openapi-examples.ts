/**
 * The examples of the OpenAPI document: one per request body and response. `test/in-process/openapi.test.ts` checks each
 * one against the valibot schema it illustrates, so an example that drifts from the contract fails the tests.
 * @module
 */
import type { ErrorCode } from "../core/errors.ts";
import type {
  ErrorBody,
  HealthResponse,
  OutputResponse,
  ProcessInfo,
  SignalResponse,
  StartResponse,
} from "../wire/response-schemas.ts";

const ID = "V1StGXR8_Z5jdHi6B-myT";
const STARTED_MS = 1_767_225_600_000;

const processInfo: ProcessInfo = {
  id: ID,
  command: "npm test",
  workdir: "/workspace",
  background: false,
  running: false,
  exit_code: 0,
  started_at_unix: STARTED_MS / 1000,
  exited_at_unix: STARTED_MS / 1000 + 12,
  pid: 4242,
  timed_out: false,
  started_at_ms: STARTED_MS,
  exited_at_ms: STARTED_MS + 12_480,
  total_bytes: 52,
  last_output_at_ms: STARTED_MS + 12_470,
  stdin_open: false,
  group_alive: false,
  tty: false,
};

const output: OutputResponse = {
  output: "> edgeproc@0.1.0 test\n> node --test\n\n# pass 42\n",
  running: false,
  exit_code: 0,
  timed_out: false,
  pid: 4242,
  started_at_ms: STARTED_MS,
  exited_at_ms: STARTED_MS + 12_480,
  total_bytes: 52,
  last_output_at_ms: STARTED_MS + 12_470,
  stdin_open: false,
  group_alive: false,
  tty: false,
};

const started: StartResponse = { id: ID, started: true };

const health: HealthResponse = {
  status: "ok",
  runtime: "bun",
  version: "0.1.0",
  processes: { running: 1, total: 3 },
  activity: { waiters: 0, streams: 1, stdin_writes: 0 },
  output: { retained_bytes: 1_114_112, budget_bytes: 134_217_728 },
};

const signalled: SignalResponse = {
  message: `Signal "terminate" sent to process "${ID}".`,
  exited: true,
  exit_code: -1,
  signal: "SIGTERM",
  survivors: [],
};

/**
 * An example body for each error code, worded as the server words it. Typed by `ErrorCode`, so a new code
 * cannot ship without one.
 * @example
 * ```ts
 * ERROR_EXAMPLES.not_found.message; // 'Process "V1StGXR8_Z5jdHi6B-myT" not found.'
 * ```
 */
export const ERROR_EXAMPLES: Record<ErrorCode, ErrorBody> = {
  invalid_json: {
    message: "Request body must be valid JSON.",
    detail: "Unexpected token 'n', \"not json\" is not valid JSON",
    code: "invalid_json",
  },
  invalid_request: {
    message: "Command is required.",
    code: "invalid_request",
    validations: [{ field: "command", detail: "Command is required." }],
  },
  invalid_workdir: {
    message: 'Workdir "/nope" does not exist or is not a directory.',
    code: "invalid_workdir",
    validations: [{ field: "workdir", detail: "not an existing directory" }],
  },
  unauthorized: { message: "A valid bearer token is required.", code: "unauthorized" },
  forbidden_origin: {
    message: 'Origin "https://evil.example" is not allowed.',
    detail: "Web pages may call this server only from its own origin or one listed in --allowed-origins.",
    code: "forbidden_origin",
  },
  forbidden_host: {
    message: 'Host "rebound.evil.example:7070" is not allowed.',
    detail:
      "Requests must name this server by a loopback name or address, the address it listens on, or one of " +
      "--allowed-hosts (DNS rebinding protection).",
    code: "forbidden_host",
  },
  unsupported_media_type: {
    message: "Request body must be JSON (Content-Type: application/json).",
    detail: 'Got "text/plain;charset=UTF-8".',
    code: "unsupported_media_type",
  },
  not_found: { message: `Process "${ID}" not found.`, code: "not_found" },
  not_running: { message: `Process "${ID}" is not running.`, code: "not_running" },
  stdin_closed: { message: `Process "${ID}" has no open stdin.`, code: "stdin_closed" },
  stdin_busy: {
    message: `Process "${ID}" has too much stdin waiting.`,
    detail:
      "2097152 bytes wait for the process to read them; this write of 1048576 would pass the limit of 2097152 " +
      "(--max-stdin-queue-bytes). Retry once it reads.",
    code: "stdin_busy",
  },
  token_conflict: {
    message: "Client token was already used to start a process with different parameters.",
    code: "token_conflict",
  },
  still_running: { message: `Process "${ID}" is still running.`, code: "still_running" },
  body_too_large: { message: "Request body is larger than 1048576 bytes.", code: "body_too_large" },
  request_timeout: {
    message: "Request body did not arrive within 30000 ms.",
    detail: "12 bytes of the 80 its Content-Length announced arrived in time; nothing was run. The limit is " +
      "--request-timeout-ms.",
    code: "request_timeout",
  },
  too_many_processes: { message: "At most 256 processes may run at once.", code: "too_many_processes" },
  start_failed: { message: "Failed to start process.", detail: "spawn sh ENOENT", code: "start_failed" },
  shutting_down: { message: "The server is shutting down; no new process starts.", code: "shutting_down" },
  mcp_unavailable: {
    message: "MCP is not available: @modelcontextprotocol/sdk is not installed.",
    code: "mcp_unavailable",
    detail: "Install it next to edgeproc (npm i @modelcontextprotocol/sdk) to serve /mcp.",
  },
  tty_unavailable: {
    message: "This server cannot run a process on a terminal.",
    detail: "No terminal on this machine: script(1) from util-linux is not installed (Debian and Ubuntu: bsdutils).",
    code: "tty_unavailable",
  },
  not_a_tty: {
    message: `Process "${ID}" does not run on a terminal.`,
    detail: "Start it with tty: true.",
    code: "not_a_tty",
  },
  internal_error: { message: "Internal server error.", code: "internal_error" },
};

/**
 * The example of every request body, query and success response, by what it illustrates.
 * @example
 * ```ts
 * const media = { "application/json": { example: EXAMPLES.startRequest } };
 * ```
 */
export const EXAMPLES = {
  id: ID,
  chatId: "11111111-1111-4111-8111-111111111111",
  startRequest: {
    command: "npm test",
    workdir: "/workspace",
    env: { CI: "1" },
    timeout_ms: 600_000,
    client_token: "run-tests-1",
  },
  startResponse: started,
  runRequest: { command: "npm run dev", workdir: "/workspace", wait_ms: 60_000, until: "match", pattern: "ready in" },
  runResponse: { ...started, ...output },
  listQuery: { limit: "20", running: "true" },
  listResponse: { processes: [processInfo] },
  processInfo,
  outputQuery: { wait_ms: "30000", until: "match", pattern: "Listening on", flags: "i", cursor: "0", limit: "65536" },
  outputResponse: output,
  streamQuery: { cursor: "0" },
  stream:
    'event: output\nid: 38\ndata: {"data":"> edgeproc@0.1.0 test\\n> node --test\\n\\n","cursor":0,"next_cursor":38}\n\n' +
    'event: output\nid: 52\ndata: {"data":"# pass 42\\n","cursor":38,"next_cursor":52}\n\n' +
    'event: exit\ndata: {"exit_code":0,"timed_out":false}\n\n',
  signalRequest: { signal: "terminate", wait_ms: 5000 },
  signalResponse: signalled,
  stdinRequest: { data: "yes\n", encoding: "utf8", eof: false },
  stdinResponse: { written: 4 },
  resizeRequest: { cols: 120, rows: 40 },
  resizeResponse: { cols: 120, rows: 40 },
  deleteResponse: { message: `Process "${ID}" deleted.` },
  health,
  openapi: { openapi: "3.1.0", info: { title: "edgeproc", version: "0.1.0" }, paths: {} },
  mcpRequest: { jsonrpc: "2.0", id: 1, method: "tools/list" },
  mcpResponse: {
    jsonrpc: "2.0",
    id: 1,
    result: { tools: [{ name: "execute", description: "Run a shell command.", inputSchema: { type: "object" } }] },
  },
};
