// The typed client (`edgeproc/client`) against the real API with the current runtime's spawner, through
// `api.fetch`: every method, the error class, headers, and the SSE stream (to exit, and cancelled by a break).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient, type EdgeprocClient, EdgeprocError, type StreamEvent } from "../../src/client/index.ts";
import { createProcessApi, type ProcessApi } from "../../src/index.ts";
import { SLEEPER } from "../support/fixtures.ts";
import { CHAT_A, CHAT_B } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually } from "../support/server.ts";

const T = { timeout: 60_000 };
const BASE = "http://edgeproc.test";
let api: ProcessApi;
let client: EdgeprocClient;
const extraApis: ProcessApi[] = [];

before(() => {
  api = createProcessApi();
  client = createClient({ baseUrl: BASE, fetch: api.fetch });
});

after(async () => {
  await api.close();
  for (const other of extraApis) await other.close();
});

/** The error `promise` rejects with, checked to be an EdgeprocError. */
async function failure(promise: Promise<unknown>): Promise<EdgeprocError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof EdgeprocError, `not an EdgeprocError: ${err}`);
    return err;
  }
  assert.fail("expected a rejection");
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe(`client on ${testRuntime()}`, () => {
  it("health", T, async () => {
    const health = await client.health();
    assert.equal(health.status, "ok");
    assert.equal(health.runtime, testRuntime());
    assert.equal(typeof health.processes.running, "number");
  });

  it("start, output with wait, get", T, async () => {
    const started = await client.start({ command: "echo hi", background: true });
    assert.equal(started.started, true);
    const out = await client.output(started.id, { wait: true });
    assert.equal(out.output, "hi\n");
    assert.equal(out.running, false);
    assert.equal(out.exit_code, 0);
    const info = await client.get(started.id);
    assert.equal(info.id, started.id);
    assert.equal(info.command, "echo hi");
    assert.equal(info.background, true);
    assert.equal(info.exit_code, 0);
  });

  it("run answers the id and the output in one call", T, async () => {
    const result = await client.run({ command: "printf abc; exit 3", env: { X: "1" } });
    assert.equal(result.started, true);
    assert.equal(typeof result.id, "string");
    assert.equal(result.output, "abc");
    assert.equal(result.running, false);
    assert.equal(result.exit_code, 3);
  });

  it("output: incremental reads with cursor and limit, and waitMs on a running process", T, async () => {
    const { id } = await client.run({ command: "printf abcdef" });
    const part = await client.output(id, { cursor: 2, limit: 2 });
    assert.equal(part.output, "cd");
    assert.equal(part.cursor, 2);
    assert.equal(part.next_cursor, 4);
    const { id: sleeper } = await client.start({ command: SLEEPER });
    const snapshot = await client.output(sleeper, { waitMs: 10, until: "exit" });
    assert.equal(snapshot.running, true);
    await client.signal(sleeper, "kill", { waitMs: 10_000 });
  });

  it("list with limit and running filters", T, async () => {
    const { id } = await client.start({ command: SLEEPER });
    await client.run({ command: "true" });
    const running = await client.list({ running: true });
    assert.ok(running.processes.some((p) => p.id === id));
    assert.ok(running.processes.every((p) => p.running));
    const exited = await client.list({ running: false });
    assert.ok(exited.processes.every((p) => !p.running));
    assert.equal((await client.list({ limit: 1 })).processes.length, 1);
    const signalled = await client.signal(id, "kill", { waitMs: 10_000 });
    assert.match(signalled.message, /Signal "kill" sent/);
    assert.equal(signalled.exited, true);
    assert.equal(signalled.signal, "SIGKILL");
  });

  it("stdin writes, closes, and the process sees it", T, async () => {
    const { id } = await client.start({ command: "cat", stdin: true });
    assert.deepEqual(await client.stdin(id, { data: "hello " }), { written: 6 });
    assert.deepEqual(await client.stdin(id, { data: btoa("world"), encoding: "base64", eof: true }), { written: 5 });
    const out = await client.output(id, { wait: true });
    assert.equal(out.output, "hello world");
    assert.equal(out.exit_code, 0);
  });

  it("delete removes an exited process", T, async () => {
    const { id } = await client.run({ command: "true" });
    const deleted = await client.delete(id);
    assert.equal(typeof deleted.message, "string");
    const gone = await failure(client.get(id));
    assert.equal(gone.status, 404);
  });

  it("throws EdgeprocError with status, code and the contract body", T, async () => {
    const missing = await failure(client.get("nope"));
    assert.equal(missing.status, 404);
    assert.equal(missing.code, "not_found");
    assert.equal(missing.message, 'Process "nope" not found.');
    assert.equal(missing.body.message, missing.message);
    assert.equal(missing.name, "EdgeprocError");

    const invalid = await failure(client.start({ command: "" }));
    assert.equal(invalid.status, 400);
    assert.equal(invalid.code, "invalid_request");
    assert.equal(invalid.body.validations?.[0]?.field, "command");

    const { id } = await client.start({ command: SLEEPER });
    const busy = await failure(client.delete(id));
    assert.equal(busy.status, 409);
    assert.equal(busy.code, "still_running");
    const closed = await failure(client.stdin(id, { data: "x" }));
    assert.equal(closed.code, "stdin_closed");
    await client.signal(id, "kill", { waitMs: 10_000 });
    await client.output(id, { wait: true });
    const notRunning = await failure(client.signal(id, "terminate"));
    assert.equal(notRunning.status, 409);
    assert.equal(notRunning.code, "not_running");
  });

  it("turns a non-contract error body into an EdgeprocError too", T, async () => {
    const proxy = createClient({
      baseUrl: BASE,
      fetch: async () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    });
    const err = await failure(proxy.health());
    assert.equal(err.status, 502);
    assert.equal(err.code, "http_502");
    assert.equal(err.message, "HTTP 502 Bad Gateway.");
    assert.equal(err.body.detail, "<html>bad gateway</html>");
  });

  it("path-escapes ids", T, async () => {
    const seen: string[] = [];
    const spy = createClient({ baseUrl: BASE, fetch: (request) => (seen.push(request.url), api.fetch(request)) });
    const err = await failure(spy.get("a/b c?d"));
    assert.equal(err.status, 404);
    assert.equal(err.message, 'Process "a/b c?d" not found.');
    assert.equal(seen[0], `${BASE}/api/v0/processes/a%2Fb%20c%3Fd`);
  });

  it("sends the token and the chat headers", T, async () => {
    const guarded = createProcessApi({ token: "s3cret" });
    extraApis.push(guarded);
    const anonymous = createClient({ baseUrl: BASE, fetch: guarded.fetch });
    const denied = await failure(anonymous.list());
    assert.equal(denied.status, 401);
    assert.equal(denied.code, "unauthorized");

    const headers: Headers[] = [];
    const chatA = createClient({
      baseUrl: BASE,
      token: "s3cret",
      chatId: CHAT_A,
      ancestorChatIds: [CHAT_B],
      fetch: (request) => (headers.push(request.headers), guarded.fetch(request)),
    });
    const { id } = await chatA.run({ command: 'printf "$CODER_CHAT_ID"' });
    assert.equal((await chatA.output(id)).output, CHAT_A);
    assert.equal(headers[0]!.get("authorization"), "Bearer s3cret");
    assert.equal(headers[0]!.get("coder-chat-id"), CHAT_A);
    assert.deepEqual(JSON.parse(headers[0]!.get("coder-ancestor-chat-ids")!), [CHAT_B]);

    const chatB = createClient({ baseUrl: BASE, token: "s3cret", chatId: CHAT_B, fetch: guarded.fetch });
    assert.equal((await failure(chatB.get(id))).code, "not_found");
    const operator = createClient({ baseUrl: BASE, token: "s3cret", fetch: guarded.fetch });
    assert.equal((await operator.get(id)).id, id);
  });

  it("honours a base path", T, async () => {
    const mounted = createProcessApi({ basePath: "/edge/v1" });
    extraApis.push(mounted);
    const other = createClient({ baseUrl: `${BASE}/`, basePath: "edge/v1/", fetch: mounted.fetch });
    assert.equal((await other.run({ command: "echo ok" })).output, "ok\n");
    assert.equal((await other.health()).status, "ok");
  });
});

describe(`client stream on ${testRuntime()}`, () => {
  it("yields typed output events and ends with exit", T, async () => {
    const { id } = await client.start({ command: "printf one; printf two; exit 4" });
    const events = await collect(client.stream(id));
    const last = events.at(-1)!;
    assert.equal(last.type, "exit");
    assert.equal(last.type === "exit" && last.exit_code, 4);
    assert.equal(last.type === "exit" && last.timed_out, false);
    const text = events.map((e) => (e.type === "output" ? e.data : "")).join("");
    assert.equal(text, "onetwo");
    const first = events.find((e) => e.type === "output");
    assert.ok(first?.type === "output");
    assert.equal(first.cursor, 0);
    assert.equal(first.id, String(first.next_cursor));
  });

  it("starts from a cursor", T, async () => {
    const { id } = await client.run({ command: "printf abcdef" });
    const events = await collect(client.stream(id, { cursor: 3 }));
    const text = events.map((e) => (e.type === "output" ? e.data : "")).join("");
    assert.equal(text, "def");
  });

  it("throws EdgeprocError on the first next() for an unknown id", T, async () => {
    const err = await failure(collect(client.stream("nope")));
    assert.equal(err.code, "not_found");
  });

  it("closes the stream on the server when the consumer breaks", T, async () => {
    const { id } = await client.start({ command: "echo start; sleep 30" });
    let seen = "";
    for await (const event of client.stream(id)) {
      assert.equal(api.manager.activity.streams, 1);
      if (event.type === "output") seen += event.data;
      if (seen.includes("start")) break;
    }
    assert.equal(seen, "start\n");
    assert.ok(await eventually(async () => api.manager.activity.streams === 0), "the server still holds the stream");
    assert.equal((await client.get(id)).running, true);
    await client.signal(id, "kill", { waitMs: 10_000 });
  });

  it("stops with the abort reason when its signal aborts", T, async () => {
    const { id } = await client.start({ command: "echo start; sleep 30" });
    const controller = new AbortController();
    const reason = new Error("enough");
    const err = await collect(
      (async function* () {
        for await (const event of client.stream(id, { signal: controller.signal })) {
          if (event.type === "output") controller.abort(reason);
          yield event;
        }
      })(),
    ).catch((e: unknown) => e);
    assert.equal(err, reason);
    assert.ok(await eventually(async () => api.manager.activity.streams === 0), "the server still holds the stream");
    await client.signal(id, "kill", { waitMs: 10_000 });
  });
});

describe("a client of an embedded API without a baseUrl", () => {
  it("runs a command through api.fetch alone, as the README shows", T, async () => {
    const bare = createClient({ fetch: api.fetch });
    const result = await bare.run({ command: "echo in-process" });
    assert.deepEqual([result.exit_code, result.output], [0, "in-process\n"]);
  });

  it("refuses options with neither a baseUrl nor a fetch, with a clear message", () => {
    assert.throws(() => createClient({} as never), (err) => err instanceof TypeError && /baseUrl/.test(err.message));
  });
});
