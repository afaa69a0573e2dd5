// The body deadline of docs/api.md §5 (`--request-timeout-ms`) in the handler, which every runtime runs: a body
// not in by the deadline answers 408 `request_timeout` and runs nothing, and the handler stops waiting on it
// without cancelling it (the runtime frees it with the connection). How each runtime treats the connection, and
// headers that never end: test/e2e/slow-clients.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { createProcessApi, type ProcessApi } from "../../src/create-process-api.ts";
import type { Limits } from "../../src/core/limits.ts";
import { assertError } from "../support/assert.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";
import { caller } from "../support/http.ts";
import { MCP_POST_HEADERS } from "../support/mcp.ts";

const ORIGIN = "http://edgeproc.test";
const BASE = `${ORIGIN}/api/v0/processes`;
const encode = (text: string) => new TextEncoder().encode(text);

let api: ProcessApi | null = null;
let spawner: FakeSpawner;

function setup(limits: Partial<Limits>) {
  spawner = new FakeSpawner();
  api = createProcessApi({ spawner, env: { PATH: "/usr/bin:/bin" }, limits });
  return api;
}

afterEach(async () => {
  for (const p of spawner?.processes ?? []) p.die("SIGKILL");
  await api?.close();
  api = null;
});

/** A body that sends `first` and then nothing, and says whether its reader cancelled it. */
function stalledBody(first: string) {
  const state = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(encode(first)),
    cancel: () => void (state.cancelled = true),
  });
  return { stream, state };
}

/** A body that sends one more byte every few milliseconds, forever (until its reader cancels it). */
function tricklingBody(first: string) {
  return new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(encode(first)),
    pull: (controller) => new Promise((resolve) => setTimeout(resolve, 5)).then(() => controller.enqueue(encode(" "))),
  });
}

/** A body that sends `first`, and `rest` after `ms`. */
function lateBody(first: string, rest: string, ms: number) {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(encode(first)),
    async pull(controller) {
      if (sent) return controller.close();
      sent = true;
      await new Promise((resolve) => setTimeout(resolve, ms));
      controller.enqueue(encode(rest));
    },
  });
}

async function post(url: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const init = { method: "POST", body, headers: { "content-type": "application/json", ...headers }, duplex: "half" };
  const response = await api!.fetch(new Request(url, init as RequestInit));
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe("request body deadline", () => {
  it("answers 408 request_timeout to a body that stops, runs nothing, and leaves the body to the runtime", async () => {
    setup({ requestTimeoutMs: 50 });
    const { stream, state } = stalledBody('{"command":"touch /tmp/never');
    const reply = await post(`${BASE}/start`, stream);
    assertError(reply, 408, "request_timeout", /^Request body did not arrive within 50 ms\.$/);
    assert.equal(reply.body.detail, "28 bytes arrived in time; nothing was run. The limit is --request-timeout-ms.");
    // The rest of the body may still come, so the connection cannot carry another request: the runtime closes it,
    // and frees the body with it. Cancelling the pending read instead would leak its buffer on Deno.
    assert.equal(reply.headers.get("connection"), "close");
    assert.equal(state.cancelled, false);
    assert.equal(spawner.processes.length, 0);
    assert.equal(api!.manager.counts().total, 0);
  });

  it("holds on every route that reads a body, /mcp included", async () => {
    setup({ requestTimeoutMs: 50 });
    const call = caller(BASE, api!.fetch);
    const started = await call("POST", "/start", { body: { command: "sleep", stdin: true } });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const id = started.body.id;
    const urls = [`${BASE}/run`, `${BASE}/${id}/signal`, `${BASE}/${id}/stdin`];
    for (const url of urls) {
      assertError(await post(url, stalledBody('{"signal":"kill","data":"x').stream), 408, "request_timeout");
    }
    const { stream } = stalledBody('{"jsonrpc":"2.0","id":1,');
    assertError(await post(`${ORIGIN}/mcp`, stream, MCP_POST_HEADERS), 408, "request_timeout");
    assert.equal(spawner.processes.length, 1, "only the first start ran");
    assert.equal(spawner.last.signals.length, 0, "the signal whose body was late was not sent");
  });

  it("counts from the request's arrival, so a body that keeps trickling is cut too", async () => {
    setup({ requestTimeoutMs: 50 });
    const reply = await post(`${BASE}/run`, tricklingBody('{"command":"true"'));
    assertError(reply, 408, "request_timeout");
    assert.match(reply.body.detail, /^\d+ bytes arrived in time/);
    assert.equal(spawner.processes.length, 0);
  });

  it("waits for a late body when the limit is 0, or longer than a timer can wait", async () => {
    setup({ requestTimeoutMs: 20 });
    assertError(await post(`${BASE}/start`, lateBody('{"command":', '"true"}', 100)), 408, "request_timeout");
    for (const requestTimeoutMs of [0, 3_000_000_000]) {
      await api!.close();
      setup({ requestTimeoutMs });
      const reply = await post(`${BASE}/start`, lateBody('{"command":', '"true"}', 100));
      assert.equal(reply.status, 200, `${requestTimeoutMs}: ${JSON.stringify(reply.body)}`);
      assert.equal(spawner.processes.length, 1);
    }
  });

  it("keeps a 413 already decided: the drain of an oversized body that stops ends at the deadline", async () => {
    setup({ requestTimeoutMs: 50, maxBodyBytes: 100 });
    const oversized = stalledBody(`{"command":"${"x".repeat(200)}`).stream;
    assertError(await post(`${BASE}/start`, oversized), 413, "body_too_large");
    assert.equal(spawner.processes.length, 0);
  });

  it("adds nothing to a body that arrives in time, and closes no connection", async () => {
    setup({ requestTimeoutMs: 50 });
    const reply = await post(`${BASE}/start`, lateBody('{"command":', '"true"}', 0));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.headers.get("connection"), null);
  });
});
