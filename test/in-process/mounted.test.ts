// The API mounted in a host Hono app (issue 13): edgeproc's token, Host/Origin rules and JSON rule guard its own
// routes only, wherever it is mounted, and its OpenAPI document names the mount in `servers`.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Hono } from "hono";
import { createProcessApi, type ProcessApi } from "../../src/index.ts";

const TOKEN = "mounted-token";
const apis: ProcessApi[] = [];
after(async () => {
  for (const api of apis) await api.close();
});

/** A host app with routes before and after edgeproc, mounted at `prefix`. */
function hostApp(prefix: string) {
  const api = createProcessApi({ token: TOKEN });
  apis.push(api);
  const host = new Hono();
  host.get("/before", (c) => c.text("before"));
  host.route(prefix, api.app);
  host.get("/after", (c) => c.text("after"));
  host.post("/form", async (c) => c.text(`form ${await c.req.text()}`));
  return async (path: string, init: RequestInit = {}) => {
    const response = await host.fetch(new Request(`http://localhost${path}`, init));
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) };
  };
}

const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, "content-type": "application/json" };

for (const prefix of ["/", "/tools/edgeproc"]) {
  const at = prefix === "/" ? "" : prefix;
  describe(`edgeproc mounted at ${prefix}`, () => {
    it("leaves the host app's routes, before and after the mount, to the host app", async () => {
      const call = hostApp(prefix);
      assert.deepEqual([(await call("/before")).status, (await call("/before")).text], [200, "before"]);
      assert.deepEqual([(await call("/after")).status, (await call("/after")).text], [200, "after"]);
      const evil = await call("/after", { headers: { origin: "https://evil.example" } });
      assert.equal(evil.status, 200, "edgeproc's Origin rule is not the host app's");
      const form = await call("/form", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=b",
      });
      assert.deepEqual([form.status, form.text], [200, "form a=b"]);
    });

    it("guards its own routes: token, Origin, JSON", async () => {
      const call = hostApp(prefix);
      assert.equal((await call(`${at}/api/v0/processes/list`)).status, 401);
      assert.equal((await call(`${at}/openapi.json`)).status, 401);
      assert.equal((await call(`${at}/mcp`, { method: "POST" })).status, 401);
      const origin = await call(`${at}/api/v0/processes/list`, { headers: { ...auth, origin: "https://evil.example" } });
      assert.equal(origin.json().code, "forbidden_origin");
      const form = await call(`${at}/api/v0/processes/run`, {
        method: "POST",
        headers: { ...auth, "content-type": "text/plain" },
        body: JSON.stringify({ command: "echo no" }),
      });
      assert.equal(form.json().code, "unsupported_media_type");
      assert.equal((await call(`${at}/healthz`)).status, 200, "/healthz needs no token");
    });

    it("serves a command under the mount", async () => {
      const call = hostApp(prefix);
      const ran = await call(`${at}/api/v0/processes/run`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ command: "echo mounted" }),
      });
      assert.equal(ran.status, 200, ran.text);
      assert.equal(ran.json().output, "mounted\n");
    });

    it("names the mount in the OpenAPI document's servers", async () => {
      const call = hostApp(prefix);
      const doc = (await call(`${at}/openapi.json`, { headers: auth })).json();
      assert.ok(doc.paths["/api/v0/processes/start"], "paths stay relative to the mount");
      assert.deepEqual(doc.servers?.map((s: { url: string }) => s.url), at ? [at] : undefined);
    });
  });
}
