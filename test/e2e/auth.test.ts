// Access (docs/api.md §6) on a real server: the token guards HTTP and comes from a flag or EDGEPROC_TOKEN, never shows
// in a response, the server's log or a child's environment; a non-loopback bind without a token warns.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertUnauthorized as unauthorized } from "../support/assert.ts";
import { caller } from "../support/http.ts";
import { startServer } from "../support/server.ts";
import { testRuntime } from "../support/runtime.ts";

const TOKEN = "tok-3f9a1c7e5b2d4086a1";
const GOOD = { authorization: `Bearer ${TOKEN}` };
const BASE = "/api/v0/processes";

function assertUnauthorized(reply: { status: number; body: any }, what: string) {
  unauthorized(reply, what, TOKEN);
}

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
