// Closed to strangers, on a real server over raw TCP (docs/api.md §6, issue 12): the requests a web page can make
// without asking (a text/plain or form POST from another origin, a DNS-rebound Host), exactly as a browser sends
// them, run nothing; the origins and hosts an operator allows do work, with CORS; strict input answers 400, never
// 500; an empty token refuses to start. A real Chromium page on another origin: test/e2e/browser-page.test.ts.
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { rawRequest } from "../support/raw-http.ts";
import { testRuntime } from "../support/runtime.ts";
import { launch, startServer, type TestServer } from "../support/server.ts";
import { serverCommand } from "../support/runtime.ts";

const T = { timeout: 60_000 };
const BASE = "/api/v0/processes";

/** A command that leaves a trace on disk, so "ran nothing" is checked on the machine, not in the API's records. */
function marking(): { command: string; ran: () => boolean } {
  const file = join(tmpdir(), `edgeproc-browser-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return { command: `touch ${file}`, ran: () => existsSync(file) && (rmSync(file), true) };
}

describe(`browsers on ${testRuntime()}`, () => {
  let server: TestServer;
  let host: string;

  before(async () => {
    server = await startServer(["--quiet"]);
    host = new URL(server.url).host;
  });

  after(async () => {
    await server?.stop();
  });

  const post = (path: string, headers: Record<string, string>, body: string) =>
    rawRequest(server.url, "POST", BASE + path, { Host: host, ...headers }, body);

  it("runs nothing for a cross-site text/plain or form POST, with its Origin or without", T, async () => {
    const { command, ran } = marking();
    const json = JSON.stringify({ command });
    const cases: [Record<string, string>, string, number, string][] = [
      [{ Origin: "http://evil.example", "Content-Type": "text/plain;charset=UTF-8" }, json, 403, "forbidden_origin"],
      [{ Origin: "null", "Content-Type": "text/plain;charset=UTF-8" }, json, 403, "forbidden_origin"],
      [{ Origin: "http://evil.example", "Content-Type": "application/json" }, json, 403, "forbidden_origin"],
      [{ "Content-Type": "text/plain;charset=UTF-8" }, json, 415, "unsupported_media_type"],
      [{ "Content-Type": "application/x-www-form-urlencoded" }, `${json}=`, 415, "unsupported_media_type"],
      [{ "Content-Type": "multipart/form-data; boundary=x" }, `--x\r\n\r\n${json}\r\n--x--`, 415, "unsupported_media_type"],
      [{}, json, 415, "unsupported_media_type"],
    ];
    for (const route of ["/start", "/run"]) {
      for (const [headers, body, status, code] of cases) {
        const reply = await post(route, headers, body);
        assert.equal(reply.status, status, `${route} ${JSON.stringify(headers)}: ${reply.text}`);
        assert.equal(reply.json?.code, code);
        assert.equal(reply.headers["access-control-allow-origin"], undefined, "no CORS header without allowed origins");
      }
    }
    const preflight = await rawRequest(server.url, "OPTIONS", `${BASE}/start`, {
      Host: host,
      Origin: "http://evil.example",
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "content-type",
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers["access-control-allow-origin"], undefined);
    assert.equal(ran(), false, "nothing ran");
    const list = await rawRequest(server.url, "GET", `${BASE}/list`, { Host: host });
    assert.deepEqual(list.json, { processes: [] });
  });

  it("refuses a Host that does not name this server (DNS rebinding), on every route but /healthz", T, async () => {
    const { command, ran } = marking();
    const port = new URL(server.url).port;
    for (const evil of [`rebound.evil.example:${port}`, "rebound.evil.example", `localhost.evil.example:${port}`, `10.1.2.3:${port}`]) {
      const reply = await post("/start", { Host: evil, "Content-Type": "application/json" }, JSON.stringify({ command }));
      assert.equal(reply.status, 403, reply.text);
      assert.equal(reply.json?.code, "forbidden_host");
      const read = await rawRequest(server.url, "GET", `${BASE}/list`, { Host: evil });
      assert.equal(read.status, 403, "a rebound page cannot read answers either");
      const health = await rawRequest(server.url, "GET", "/healthz", { Host: evil });
      assert.equal(health.status, 200, "probes reach /healthz by any name");
    }
    assert.equal(ran(), false);
    for (const good of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`, `app.localhost:${port}`]) {
      assert.equal((await rawRequest(server.url, "GET", `${BASE}/list`, { Host: good })).status, 200, good);
    }
  });

  it("serves an HTTP/1.0 request without a Host header on the right route", T, async () => {
    const reply = await rawRequest(server.url, "GET", `${BASE}/list`, {}, undefined, "1.0");
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json, { processes: [] });
  });

  it("answers strict-input mistakes 400 naming the field, never 500, never echoing a value", T, async () => {
    const { command, ran } = marking();
    const bodies: [object, string][] = [
      [{ command, env: { "CODER_CHAT_ID=forged": "x" } }, "env.CODER_CHAT_ID=forged"],
      [{ command, env: { SECRET: "s3cret\u0000x" } }, "env.SECRET"],
      [{ command, env: { CODER_CHAT_ID: "11111111-1111-4111-8111-111111111111" } }, "env.CODER_CHAT_ID"],
      [{ command: `${command}\u0000` }, "command"],
    ];
    for (const [body, field] of bodies) {
      const reply = await post("/start", { "Content-Type": "application/json" }, JSON.stringify(body));
      assert.equal(reply.status, 400, reply.text);
      assert.equal(reply.json.code, "invalid_request");
      assert.ok(reply.json.validations.some((v: { field: string }) => v.field === field), reply.text);
      assert.ok(!reply.text.includes("s3cret"));
    }
    const proto = await post("/start", { "Content-Type": "application/json" }, `{"command":"true","env":{"__proto__":"x"}}`);
    assert.equal(proto.status, 400, proto.text);
    assert.equal(ran(), false);
  });
});

describe(`allowed origins and hosts on ${testRuntime()}`, () => {
  let server: TestServer;
  let port: string;
  const APP = "https://app.example.com";

  before(async () => {
    server = await startServer(["--quiet", "--allowed-origins", APP, "--allowed-hosts", "box.internal,.dev.example"]);
    port = new URL(server.url).port;
  });

  after(async () => {
    await server?.stop();
  });

  it("answers a preflight from an allowed origin, then serves it with CORS headers, errors included", T, async () => {
    const preflight = await rawRequest(server.url, "OPTIONS", `${BASE}/run`, {
      Host: `127.0.0.1:${port}`,
      Origin: APP,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "content-type, authorization",
    });
    assert.equal(preflight.status, 204, preflight.text);
    assert.equal(preflight.headers["access-control-allow-origin"], APP);
    assert.match(preflight.headers["access-control-allow-methods"] ?? "", /POST/);
    assert.match(preflight.headers["access-control-allow-headers"] ?? "", /content-type/);
    const run = await rawRequest(
      server.url,
      "POST",
      `${BASE}/run`,
      { Host: `127.0.0.1:${port}`, Origin: APP, "Content-Type": "application/json" },
      JSON.stringify({ command: "echo hi" }),
    );
    assert.equal(run.status, 200, run.text);
    assert.equal(run.json.output, "hi\n");
    assert.equal(run.headers["access-control-allow-origin"], APP);
    assert.match(run.headers.vary ?? "", /Origin/i);
    const missing = await rawRequest(server.url, "GET", `${BASE}/nope`, { Host: `127.0.0.1:${port}`, Origin: APP });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers["access-control-allow-origin"], APP, "the page can read the error too");
    const other = await rawRequest(server.url, "GET", `${BASE}/list`, { Host: `127.0.0.1:${port}`, Origin: "https://app.example.com.evil" });
    assert.equal(other.status, 403);
  });

  it("serves the names of --allowed-hosts, subdomains of a .suffix, and nothing else", T, async () => {
    for (const [name, status] of [["box.internal", 200], ["a.dev.example", 200], ["dev.example", 200], ["evil.example", 403]] as const) {
      const reply = await rawRequest(server.url, "GET", `${BASE}/list`, { Host: `${name}:${port}` });
      assert.equal(reply.status, status, name);
    }
  });
});

describe(`a wildcard bind on ${testRuntime()}`, () => {
  it("serves requests naming it by any IP address, and refuses a name that is not allowed", T, async () => {
    const server = await startServer(["--quiet", "--host", "0.0.0.0", "--token", "tok-wildcard"]);
    try {
      const port = new URL(server.url).port;
      const asked = (host: string) => rawRequest(server.url, "GET", `${BASE}/list`, { Host: host });
      // Past the Host check an IP address meets the token (401); a name is stopped before it (403).
      assert.equal((await asked(`172.17.0.2:${port}`)).status, 401);
      assert.equal((await asked(`[fd00::2]:${port}`)).status, 401);
      const named = await asked(`edgeproc:${port}`);
      assert.equal(named.status, 403);
      assert.equal(named.json?.code, "forbidden_host");
    } finally {
      await server.stop();
    }
  });
});

describe(`an IPv6 bind on ${testRuntime()}`, () => {
  it("prints its URL with the address in brackets, and serves requests naming it", T, async () => {
    const server = await startServer(["--quiet", "--host", "::1"]);
    try {
      assert.match(server.url, /^http:\/\/\[::1\]:\d+$/);
      const reply = await fetch(`${server.url}/api/v0/processes/list`);
      assert.equal(reply.status, 200, await reply.clone().text());
      assert.deepEqual(await reply.json(), { processes: [] });
    } finally {
      await server.stop();
    }
  });
});

describe(`token strictness on ${testRuntime()}`, () => {
  it("refuses to start with an empty or blank token, by flag or variable, with exit 2 and a clear message", T, async () => {
    for (const [args, env] of [
      [["--token", ""], {}],
      [["--token", "  "], {}],
      [[], { EDGEPROC_TOKEN: "" }],
    ] as [string[], Record<string, string>][]) {
      const [cmd, argv] = serverCommand(testRuntime(), ["--port", "0", ...args]);
      const started = launch(cmd, argv, env);
      const outcome = await started.then(
        async (s) => (await s.stop(), "listened"),
        (err: Error) => err.message,
      );
      assert.match(outcome, /token/i, `${JSON.stringify(args)} ${JSON.stringify(env)}: ${outcome}`);
      assert.match(outcome, /exited \(2\) before listening/, outcome);
    }
  });
});
