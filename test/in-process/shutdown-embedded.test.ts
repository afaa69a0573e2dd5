// Shutdown when embedded (docs/api.md §6): `close()` on an in-process API with the real spawner refuses new starts
// (503), SIGTERMs every group, SIGKILLs what ignores it after the grace, answers every waiter and stream, and
// leaves no process behind. The server's SIGTERM/SIGINT cases are in test/e2e/lifecycle.test.ts.
import assert from "node:assert/strict";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, it } from "node:test";
import { createProcessApi, type ProcessApi } from "../../src/create-process-api.ts";
import { STUBBORN_GROUP } from "../support/fixtures.ts";
import { caller, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, liveGroup } from "../support/server.ts";

const T = { timeout: 60_000 };
const BASE = "http://edgeproc.embedded/api/v0/processes";

async function embedded(killGraceMs: number): Promise<{ api: ProcessApi; call: Caller; cleanup: () => Promise<void> }> {
  const workdir = await realpath(await mkdtemp(join(tmpdir(), "edgeproc-embedded-")));
  const api = createProcessApi({ workdir, limits: { killGraceMs } });
  const pgids: number[] = [];
  const call = caller(BASE, api.fetch);
  return {
    api,
    call: async (method, path, options) => {
      const reply = await call(method, path, options);
      if (path === "/start" && reply.status === 200) pgids.push((await call("GET", `/${reply.body.id}`)).body.pid);
      return reply;
    },
    cleanup: async () => {
      await api.close();
      // Whatever a failed assertion left behind still goes.
      for (const pgid of pgids) {
        try {
          process.kill(-pgid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await rm(workdir, { recursive: true, force: true });
    },
  };
}

async function pidOf(call: Caller, id: string): Promise<number> {
  return (await call("GET", `/${id}`)).body.pid;
}

describe(`close() when embedded (${testRuntime()})`, () => {
  it("ends groups that ignore SIGTERM, answers waiters and streams, refuses starts, leaves nothing", T, async () => {
    const { api, call, cleanup } = await embedded(300);
    try {
      const commands = {
        stubborn: STUBBORN_GROUP,
        plain: "echo plain; sleep 300",
        holder: "sleep 300 & echo parent-left",
      };
      const ids: Record<string, string> = {};
      for (const [name, command] of Object.entries(commands)) {
        const reply = await call("POST", "/start", { body: { command } });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        ids[name] = reply.body.id;
      }
      const pgids = await Promise.all(Object.values(ids).map((id) => pidOf(call, id)));
      assert.ok(await eventually(async () => (await liveGroup(pgids[0]!)).length === 3), "the stubborn group never had 3 members");
      assert.ok(await eventually(async () => (await call("GET", `/${ids.plain}/output`)).body.output === "plain\n"));

      const waiter = call("GET", `/${ids.stubborn}/output?wait=true`);
      const stream = api.fetch(new Request(`${BASE}/${ids.plain}/stream`)).then((r) => r.text());
      assert.ok(await eventually(async () => api.manager.activity.waiters >= 1 && api.manager.activity.streams === 1));

      const closing = api.close();
      const refused = await call("POST", "/start", { body: { command: "echo too late" } });
      assert.equal(refused.status, 503);
      assert.equal(refused.body.code, "shutting_down");
      assert.equal(typeof refused.body.message, "string");
      await closing;
      assert.equal(api.close(), closing, "close() is idempotent");

      const answered = await waiter;
      assert.equal(answered.status, 200);
      assert.deepEqual([answered.body.running, answered.body.exit_code, answered.body.signal], [false, -1, "SIGKILL"]);
      assert.equal(answered.body.output, "up\n");
      const events = await stream;
      assert.match(events, /event: output\n/);
      assert.match(events, /event: exit\ndata: \{"exit_code":-1,"timed_out":false,"signal":"SIGTERM"\}/);
      const plain = (await call("GET", `/${ids.plain}`)).body;
      assert.deepEqual([plain.running, plain.signal], [false, "SIGTERM"]);

      for (const pgid of pgids) {
        assert.ok(await eventually(async () => (await liveGroup(pgid)).length === 0, 2000), `group ${pgid} outlived close()`);
      }
      assert.deepEqual([api.manager.activity.waiters, api.manager.activity.streams], [0, 0]);
      assert.equal(api.manager.counts().running, 0);
    } finally {
      await cleanup();
    }
  });

  it("lets a process that handles SIGTERM finish its own way within the grace", T, async () => {
    const { api, call, cleanup } = await embedded(10_000);
    try {
      const reply = await call("POST", "/start", {
        body: { command: "trap 'echo bye; exit 3' TERM; echo ready; while :; do sleep 0.05; done" },
      });
      const id: string = reply.body.id;
      assert.ok(await eventually(async () => (await call("GET", `/${id}/output`)).body.output === "ready\n"));
      const pgid = await pidOf(call, id);
      await api.close();
      const done = (await call("GET", `/${id}/output`)).body;
      assert.deepEqual([done.running, done.exit_code, done.signal], [false, 3, undefined]);
      // dash may report the killed `sleep` ("Terminated") before its trap runs.
      assert.match(done.output, /^ready\n(Terminated\n)?bye\n$/);
      assert.ok(await eventually(async () => (await liveGroup(pgid)).length === 0, 2000));
    } finally {
      await cleanup();
    }
  });

  it("closes at once with nothing running, and refuses starts after", T, async () => {
    const { api, call, cleanup } = await embedded(300);
    try {
      const done = await call("POST", "/run", { body: { command: "echo once" } });
      assert.equal(done.body.output, "once\n");
      await api.close();
      const refused = await call("POST", "/run", { body: { command: "echo again" } });
      assert.equal(refused.status, 503);
      assert.equal(refused.body.code, "shutting_down");
      // Records stay readable after close.
      assert.equal((await call("GET", `/${done.body.id}/output`)).body.output, "once\n");
    } finally {
      await cleanup();
    }
  });
});
