// The dashboard's routes through the handler (docs/api.md §4.10): served without the token with strict headers and
// the base path as inert JSON, under the Host and Origin rules; the page's own origin may call the API, no other.
// In a browser: test/e2e/dashboard.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Hono } from "hono";
import type { ProcessApiOptions } from "../../src/index.ts";
import { htmlSafeJson } from "../../src/http/ui/dashboard-page.ts";
import { fakeApis } from "../support/fake-spawner.ts";

const build = fakeApis();

const HOST = "127.0.0.1:7070";
const get = (api: { fetch(r: Request): Response | Promise<Response> }, path: string, init: RequestInit = {}) =>
  api.fetch(new Request(`http://${HOST}${path}`, { ...init, headers: { host: HOST, ...init.headers } }));

/** The base path the page was given. */
function injectedBase(html: string): string {
  const json = /<script type="application\/json" id="edgeproc-config">([^<]*)<\/script>/.exec(html)?.[1];
  assert.ok(json, "the page carries its config");
  return JSON.parse(json).base;
}

describe("GET /ui", () => {
  it("serves the page, its script and its style without the token, with strict headers", async () => {
    const api = build({ token: "s3cret" });
    for (const [path, type] of [["/ui", "text/html"], ["/ui/app.js", "text/javascript"], ["/ui/app.css", "text/css"]]) {
      const res = await get(api, path!);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type")!, new RegExp(`^${type}`), path);
      const csp = res.headers.get("content-security-policy")!;
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/, "no inline code, no external source");
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("x-frame-options"), "DENY");
      assert.equal(res.headers.get("referrer-policy"), "no-referrer");
      const body = await res.text();
      assert.doesNotMatch(body, /s3cret/, "the page reveals no token");
    }
    assert.equal((await get(api, "/api/v0/processes/list")).status, 401, "the API still needs the token");
  });

  it("is small, and its script is valid JavaScript", async () => {
    const api = build();
    const sizes = await Promise.all(["/ui", "/ui/app.js", "/ui/app.css"].map(async (p) => (await get(api, p)).text()));
    assert.ok(sizes.join("").length < 40_000, `${sizes.join("").length} bytes`);
    assert.doesNotThrow(() => new Function(sizes[1]!));
  });

  it("gives the page the server's base path, as JSON that cannot close its element", async () => {
    assert.equal(injectedBase(await (await get(build(), "/ui")).text()), "/api/v0/processes");
    assert.equal(injectedBase(await (await get(build({ basePath: "/procs/v1" }), "/ui")).text()), "/procs/v1");
    const hostile = "/a</script><script>alert(1)</script>&\u2028";
    assert.equal(htmlSafeJson({ base: hostile }).includes("<"), false);
    assert.deepEqual(JSON.parse(htmlSafeJson({ base: hostile })), { base: hostile });
  });

  it("under a host app's prefix, calls the API under that prefix", async () => {
    const host = new Hono();
    host.route("/tools", build().app);
    const res = await get(host, "/tools/ui");
    assert.equal(res.status, 200);
    assert.equal(injectedBase(await res.text()), "/tools/api/v0/processes");
    assert.equal((await get(host, "/tools/ui/app.js")).status, 200);
  });

  it("answers only GET and HEAD", async () => {
    const api = build();
    assert.equal((await get(api, "/ui", { method: "HEAD" })).status, 200);
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await get(api, "/ui", { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get("allow"), "GET, HEAD");
    }
  });

  it("keeps the Host and Origin rules: a rebound Host or a foreign Origin is 403", async () => {
    const api = build();
    const host = "evil.example:7070";
    const rebound = await api.fetch(new Request(`http://${host}/ui`, { headers: { host } }));
    assert.equal(rebound.status, 403);
    assert.equal(((await rebound.json()) as { code: string }).code, "forbidden_host");
    const foreign = await get(api, "/ui/app.js", { headers: { origin: "http://127.0.0.1:3000" } });
    assert.equal(foreign.status, 403);
    assert.equal(((await foreign.json()) as { code: string }).code, "forbidden_origin");
  });
});

describe("the page's own origin", () => {
  const start = (origin: string, host = HOST, options: ProcessApiOptions = {}) =>
    build(options).fetch(
      new Request(`http://${host}/api/v0/processes/start`, {
        method: "POST",
        headers: { host, origin, "content-type": "application/json" },
        body: JSON.stringify({ command: "true" }),
      }),
    );

  it("may call the API, without CORS headers; another port, scheme or host may not", async () => {
    const own = await start(`http://${HOST}`);
    assert.equal(own.status, 200);
    assert.equal(own.headers.get("access-control-allow-origin"), null);
    for (const origin of ["http://127.0.0.1:7071", "ftp://127.0.0.1:7070", "http://localhost:7070", "null"]) {
      const res = await start(origin);
      assert.equal(res.status, 403, origin);
      assert.equal(((await res.json()) as { code: string }).code, "forbidden_origin", origin);
    }
  });

  it("is no way around the Host check: a rebound page's own origin is still 403 forbidden_host", async () => {
    const res = await start("http://evil.example:7070", "evil.example:7070");
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { code: string }).code, "forbidden_host");
  });

  it("with --allowed-hosts *, trusts no origin for its Host: a rebound page's post is 403", async () => {
    const any = { allowedHosts: ["*"] };
    const rebound = await start("http://evil.example:7070", "evil.example:7070", any);
    assert.equal(rebound.status, 403);
    assert.equal(((await rebound.json()) as { code: string }).code, "forbidden_origin");
    assert.equal((await start(`http://${HOST}`, HOST, any)).status, 200, "a loopback Host is still its own");
    const named = { allowedHosts: ["box.internal"] };
    assert.equal((await start("http://box.internal:7070", "box.internal:7070", named)).status, 200);
  });
});
