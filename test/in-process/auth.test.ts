// Access (docs/api.md §6) in process with a fake spawner: with a token, every route but /healthz needs
// `Authorization: Bearer <token>`, and the token never shows in a response. The comparison itself is in
// test/unit/constant-time-equal; the server's log and its non-loopback warning in test/e2e/auth.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { createProcessApi, type ProcessApi } from "../../src/create-process-api.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";
import { assertUnauthorized as unauthorized } from "../support/assert.ts";
import { caller } from "../support/http.ts";

const TOKEN = "tok-3f9a1c7e5b2d4086a1";
const GOOD = { authorization: `Bearer ${TOKEN}` };
const BASE = "/api/v0/processes";

let api: ProcessApi | null = null;
let spawner: FakeSpawner;

function setup(token: string | null = TOKEN) {
  spawner = new FakeSpawner();
  api = createProcessApi({ spawner, env: { PATH: "/usr/bin:/bin" }, token: token ?? undefined });
  return caller("http://edgeproc.test", api.fetch);
}

afterEach(async () => {
  for (const p of spawner?.processes ?? []) p.die("SIGKILL");
  await api?.close();
  api = null;
});

/** Every route of the contract, plus paths that match no route, with a body where the route reads one. */
function routes(id: string): [string, string, unknown?][] {
  return [
    ["POST", `${BASE}/start`, { command: "true" }],
    ["POST", `${BASE}/run`, { command: "true", wait_ms: 0 }],
    ["GET", `${BASE}/list`],
    ["GET", `${BASE}/${id}`],
    ["GET", `${BASE}/${id}/output`],
    ["GET", `${BASE}/${id}/output?wait=true`],
    ["GET", `${BASE}/${id}/stream`],
    ["POST", `${BASE}/${id}/signal`, { signal: "kill" }],
    ["POST", `${BASE}/${id}/stdin`, { data: "x" }],
    ["DELETE", `${BASE}/${id}`],
    ["GET", "/openapi.json"],
    ["POST", "/mcp", { jsonrpc: "2.0", id: 1, method: "tools/list" }],
    ["GET", "/mcp"],
    ["GET", "/no/such/route"],
    ["POST", "/healthz"],
    ["GET", `${BASE}/unknown-id/output`],
  ];
}

function assertUnauthorized(reply: { status: number; body: any }, what: string) {
  unauthorized(reply, what, TOKEN);
}

describe("bearer token", () => {
  it("guards every route but /healthz, without changing any process", async () => {
    const call = setup();
    const started = await call("POST", `${BASE}/start`, { body: { command: "sleep 300" }, headers: GOOD });
    assert.equal(started.status, 200);
    const id: string = started.body.id;
    for (const [method, path, body] of routes(id)) {
      assertUnauthorized(await call(method, path, { body }), `${method} ${path} without a header`);
    }
    // Nothing the refused requests asked for happened: one process, still running, never signalled.
    assert.equal(spawner.processes.length, 1);
    assert.deepEqual(spawner.last.signals, []);
    assert.equal((await call("GET", `${BASE}/${id}`, { headers: GOOD })).body.running, true);
    const health = await call("GET", "/healthz");
    assert.equal(health.status, 200);
    assert.equal(health.body.status, "ok");
  });

  it("refuses wrong, missing and malformed headers", async () => {
    const call = setup();
    const bad = [
      `Bearer wrong`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN.toUpperCase()}`,
      TOKEN,
      `Basic ${btoa(`user:${TOKEN}`)}`,
      `Token ${TOKEN}`,
      `Bearer`,
      `Bearer${TOKEN}`,
      `Bearer  ${TOKEN}`,
      `Bearer ${TOKEN} extra`,
      `Bearer ${TOKEN},Bearer ${TOKEN}`,
      ``,
    ];
    for (const authorization of bad) {
      const reply = await call("GET", `${BASE}/list`, { headers: { authorization } });
      assertUnauthorized(reply, JSON.stringify(authorization));
    }
    assertUnauthorized(await call("GET", `${BASE}/list`), "no header");
    assertUnauthorized(await call("POST", `${BASE}/start`, { raw: "{", headers: { authorization: "Bearer x" } }), "bad body");
    assert.equal(spawner.processes.length, 0);
  });

  it("lets the right token through on every route", async () => {
    const call = setup();
    const started = await call("POST", `${BASE}/start`, { body: { command: "cat" }, headers: GOOD });
    assert.equal(started.status, 200);
    const id: string = started.body.id;
    assert.equal((await call("GET", `${BASE}/list`, { headers: GOOD })).body.processes[0].id, id);
    assert.equal((await call("GET", `${BASE}/${id}/output`, { headers: GOOD })).status, 200);
    assert.equal((await call("POST", `${BASE}/${id}/signal`, { body: { signal: "kill" }, headers: GOOD })).status, 200);
    assert.equal((await call("DELETE", `${BASE}/${id}`, { headers: GOOD })).status, 200);
    // Surrounding whitespace is not part of a header value (Fetch strips it), so it is still the token.
    assert.equal((await call("GET", `${BASE}/list`, { headers: { authorization: ` Bearer ${TOKEN}  ` } })).status, 200);
  });

  it("asks nothing without a token configured", async () => {
    const call = setup(null);
    assert.equal((await call("GET", `${BASE}/list`)).status, 200);
    assert.equal((await call("GET", `${BASE}/list`, { headers: { authorization: "Bearer whatever" } })).status, 200);
  });
});
