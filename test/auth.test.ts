// Access (docs/api.md §6): with a token, every route but /healthz needs `Authorization: Bearer <token>`, compared in
// constant time; the token never shows in a response or the server's log; a non-loopback bind without a token
// warns. In process with a fake spawner, plus real servers for the log and the warning.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import fc from "fast-check";
import { createProcessApi, type ProcessApi } from "../src/create-process-api.ts";
import { constantTimeEqual } from "../src/http/auth.ts";
import { FakeSpawner } from "./support/fake-spawner.ts";
import { caller } from "./support/http.ts";
import { startServer, testRuntime } from "./support/server.ts";

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
  assert.equal(reply.status, 401, `${what}: ${JSON.stringify(reply.body)}`);
  assert.deepEqual(Object.keys(reply.body).sort(), ["code", "message"], what);
  assert.equal(reply.body.code, "unauthorized");
  assert.equal(typeof reply.body.message, "string");
  assert.ok(!JSON.stringify(reply.body).includes(TOKEN), `${what}: the token leaked`);
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

describe("constantTimeEqual", () => {
  it("is true exactly for equal strings", () => {
    const cases: [string, string, boolean][] = [
      ["", "", true],
      ["a", "a", true],
      [TOKEN, TOKEN, true],
      ["é🙂", "é🙂", true],
      ["", "a", false],
      ["a", "", false],
      ["a", "b", false],
      ["ab", "abab", false],
      ["abab", "ab", false],
      ["abc", "abd", false],
      ["xbc", "abc", false],
      ["é", "e", false],
      ["\u0000", "", false],
      ["a\u0000", "a", false],
    ];
    for (const [a, b, equal] of cases) assert.equal(constantTimeEqual(a, b), equal, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  });

  it("agrees with === on random strings, including near misses", () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary-ascii" }));
    fc.assert(fc.property(text, text, (a, b) => constantTimeEqual(a, b) === (a === b)), { numRuns: 500 });
    fc.assert(
      fc.property(text, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (a, at, ch) => {
        // One character replaced, inserted or removed anywhere.
        const i = a.length === 0 ? 0 : at % a.length;
        for (const b of [a.slice(0, i) + ch + a.slice(i + 1), a.slice(0, i) + ch + a.slice(i), a.slice(0, i) + a.slice(i + 1)]) {
          if (constantTimeEqual(a, b) !== (a === b)) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});

describe(`token on a real server (${testRuntime()})`, () => {
  it("needs the token over HTTP and never prints it", { timeout: 60_000 }, async () => {
    const server = await startServer(["--token", TOKEN, "--kill-grace-ms", "300"]);
    try {
      const call = caller(`${server.url}${BASE}`);
      const denied = [
        await call("GET", "/list"),
        await call("GET", "/list", { headers: { authorization: "Bearer nope" } }),
        await call("POST", "/start", { body: { command: "true" }, headers: { authorization: `Bearer ${TOKEN}!` } }),
      ];
      for (const reply of denied) assertUnauthorized(reply, "over HTTP");
      const started = await call("POST", "/run", { body: { command: "echo hi" }, headers: GOOD });
      assert.equal(started.status, 200);
      assert.equal(started.body.output, "hi\n");
      assert.ok(!JSON.stringify(started.body).includes(TOKEN));
      const health = await caller(server.url)("GET", "/healthz");
      assert.equal(health.status, 200);
      assert.ok(!JSON.stringify(health.body).includes(TOKEN));
    } finally {
      await server.stop();
    }
    assert.match(server.log(), /edgeproc listening on/);
    assert.ok(!server.log().includes(TOKEN), `the token is in the server log:\n${server.log()}`);
  });

  it("takes the token from EDGEPROC_TOKEN", { timeout: 60_000 }, async () => {
    const server = await startServer([], { EDGEPROC_TOKEN: TOKEN });
    try {
      const call = caller(`${server.url}${BASE}`);
      assertUnauthorized(await call("GET", "/list"), "env token");
      assert.equal((await call("GET", "/list", { headers: GOOD })).status, 200);
      // Children inherit the server's environment, but not the token.
      const env = await call("POST", "/run", { body: { command: "env" }, headers: GOOD });
      assert.equal(env.body.exit_code, 0);
      assert.match(env.body.output, /^PATH=/m);
      assert.ok(!env.body.output.includes(TOKEN), "a child can read the token from its environment");
    } finally {
      await server.stop();
    }
    assert.ok(!server.log().includes(TOKEN));
  });

  it("warns when bound beyond loopback without a token, not with one", { timeout: 60_000 }, async () => {
    // Only the listening line is awaited: no request goes to the non-loopback address.
    const open = await startServer(["--host", "0.0.0.0"]);
    await open.stop();
    assert.match(open.log(), /warning: listening on 0\.0\.0\.0 without a token/);
    const guarded = await startServer(["--host", "0.0.0.0", "--token", TOKEN]);
    await guarded.stop();
    assert.doesNotMatch(guarded.log(), /warning/);
    assert.ok(!guarded.log().includes(TOKEN));
    const local = await startServer([]);
    await local.stop();
    assert.doesNotMatch(local.log(), /warning/);
  });
});
