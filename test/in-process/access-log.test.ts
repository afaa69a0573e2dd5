// The access log in process through `api.fetch`: one line per request with the fields an operator needs, and
// nothing a request carried in its body or its Authorization header. The server entry's log is test/e2e/access-log.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { AccessLogLine } from "../../src/http/access-log.ts";
import { createProcessApi, type ProcessApi } from "../../src/index.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";
import { caller, CHAT_A } from "../support/http.ts";
import { assertLogLine, assertNoSecrets, ENV_VALUE, STDIN_DATA, TOKEN } from "../support/access-log.ts";

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
    for (const line of lines) assertLogLine(line);
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
    // The access log is the one middleware on every path that only an API with a sink has.
    const everyPath = (api: typeof quiet) => api.app.routes.filter((r) => r.path === "/*").length;
    assert.equal(everyPath(broken), everyPath(quiet) + 1);
    const reply = await broken.fetch(new Request("http://edgeproc.test/healthz"));
    assert.equal(reply.status, 200);
  });
});
