// The access log: one line per request with the fields an operator needs, and nothing a request carried in its
// body or its Authorization header. In process through `api.fetch`, then once through a real server entry.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { AccessLogLine } from "../src/http/access-log.ts";
import { createProcessApi, type ProcessApi } from "../src/index.ts";
import { FakeSpawner } from "./support/fake-spawner.ts";
import { caller, CHAT_A } from "./support/http.ts";
import { startServer, type TestServer } from "./support/server.ts";

const TOKEN = "tok-3f9c1e7a-never-logged";
const ENV_VALUE = "env-value-5b2d-never-logged";
const STDIN_DATA = "stdin-data-8e41-never-logged";
const FIELDS = ["time", "method", "path", "status", "duration_ms", "chat_id", "process_id"];

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function build(): { api: ProcessApi; spawner: FakeSpawner; lines: AccessLogLine[] } {
  const spawner = new FakeSpawner();
  const lines: AccessLogLine[] = [];
  const api = createProcessApi({ spawner, env: { PATH: "/usr/bin:/bin" }, token: TOKEN, accessLog: (l) => lines.push(l) });
  cleanups.push(async () => {
    for (const p of spawner.processes) p.die("SIGKILL");
    await api.close();
  });
  return { api, spawner, lines };
}

function assertShape(line: AccessLogLine) {
  for (const key of Object.keys(line)) assert.ok(FIELDS.includes(key), `unexpected field ${key}`);
  assert.equal(typeof line.time, "string");
  assert.ok(!Number.isNaN(Date.parse(line.time)));
  assert.equal(typeof line.duration_ms, "number");
  assert.ok(line.duration_ms >= 0);
}

function assertNoSecrets(text: string) {
  for (const secret of [TOKEN, ENV_VALUE, STDIN_DATA, "Bearer"]) assert.ok(!text.includes(secret), `log shows ${secret}`);
}

describe("access log in process", () => {
  it("writes one line per request with method, path, status, duration, chat and process id", async () => {
    const { api, spawner, lines } = build();
    const auth = { authorization: `Bearer ${TOKEN}`, "coder-chat-id": CHAT_A };
    const call = caller("http://edgeproc.test/api/v0/processes", api.fetch);
    const start = await call("POST", "/start", {
      headers: auth,
      body: { command: "cat", env: { SECRET: ENV_VALUE }, stdin: true },
    });
    assert.equal(start.status, 200);
    const id: string = start.body.id;
    const stdin = await call("POST", `/${id}/stdin`, { headers: auth, body: { data: STDIN_DATA } });
    assert.equal(stdin.status, 200);
    spawner.last.write(STDIN_DATA);
    spawner.last.finish();
    assert.equal((await call("GET", `/${id}/output?wait=true`, { headers: auth })).status, 200);
    assert.equal((await call("GET", "/list")).status, 401);
    assert.equal((await call("POST", "/start", { headers: auth, raw: `{"env":{"A":"${ENV_VALUE}"` })).status, 400);
    assert.equal((await api.fetch(new Request("http://edgeproc.test/healthz"))).status, 200);
    assert.equal((await call("GET", "/nope/nothing", { headers: auth })).status, 404);

    const summary = lines.map((l) => [l.method, l.path, l.status, l.chat_id, l.process_id]);
    const base = "/api/v0/processes";
    assert.deepEqual(summary, [
      ["POST", `${base}/start`, 200, CHAT_A, undefined],
      ["POST", `${base}/${id}/stdin`, 200, CHAT_A, id],
      ["GET", `${base}/${id}/output`, 200, CHAT_A, id],
      ["GET", `${base}/list`, 401, null, undefined],
      ["POST", `${base}/start`, 400, CHAT_A, undefined],
      ["GET", "/healthz", 200, null, undefined],
      ["GET", `${base}/nope/nothing`, 404, CHAT_A, "nope"],
    ]);
    for (const line of lines) assertShape(line);
    assertNoSecrets(JSON.stringify(lines));
  });

  it("is off unless asked for, and a failing sink does not fail the request", async () => {
    const spawner = new FakeSpawner();
    const quiet = createProcessApi({ spawner });
    const broken = createProcessApi({
      spawner,
      accessLog: () => {
        throw new Error("disk full");
      },
    });
    cleanups.push(() => quiet.close(), () => broken.close());
    assert.deepEqual(quiet.app.routes.filter((r) => r.path === "/*"), []);
    const reply = await broken.fetch(new Request("http://edgeproc.test/healthz"));
    assert.equal(reply.status, 200);
  });
});

/** Resolves once `server`'s output satisfies `done`, checking on each chunk it prints. */
function waitForLog(server: TestServer, done: (log: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done(server.log())) return;
      server.child.stderr!.off("data", check);
      resolve();
    };
    server.child.stderr!.on("data", check);
    void server.exited.then(() => reject(new Error(`server exited:\n${server.log()}`)));
    check();
  });
}

function accessLines(log: string): AccessLogLine[] {
  return log
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as AccessLogLine);
}

describe("access log of a server entry", () => {
  it("prints JSON lines on stderr without token, env or stdin; --quiet prints none", { timeout: 60_000 }, async () => {
    for (const quiet of [false, true]) {
      const server = await startServer(["--token", TOKEN, ...(quiet ? ["--quiet"] : [])]);
      cleanups.push(() => server.stop());
      const headers = { authorization: `Bearer ${TOKEN}` };
      const call = caller(`${server.url}/api/v0/processes`);
      const body = { command: "cat", env: { SECRET: ENV_VALUE }, stdin: true };
      const start = await call("POST", "/start", { headers, body });
      assert.equal(start.status, 200);
      const id: string = start.body.id;
      assert.equal((await call("POST", `/${id}/stdin`, { headers, body: { data: STDIN_DATA, eof: true } })).status, 200);
      assert.equal((await call("GET", `/${id}/output?wait=true`, { headers })).body.output, STDIN_DATA);
      if (quiet) {
        await server.stop();
        assert.deepEqual(accessLines(server.log()), []);
        continue;
      }
      await waitForLog(server, (log) => accessLines(log).length >= 3);
      const lines = accessLines(server.log());
      assert.deepEqual(lines.map((l) => [l.method, l.status, l.process_id]), [
        ["POST", 200, undefined],
        ["POST", 200, id],
        ["GET", 200, id],
      ]);
      for (const line of lines) assertShape(line);
      assertNoSecrets(server.log());
      await server.stop();
    }
  });
});
