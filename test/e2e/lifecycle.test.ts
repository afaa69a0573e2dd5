// End to end: what only a whole server shows. A wait longer than Bun's 10 s idle timeout, and shutdown on
// SIGTERM/SIGINT leaving no process behind while waiters get their answer and new starts get 503.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IGNORES_TERM, SLEEPER, STUBBORN_GROUP } from "../support/fixtures.ts";
import { caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, liveGroup, startServer, type TestServer } from "../support/server.ts";

// `deno serve` closes its listener and open connections itself on SIGTERM/SIGINT (denoland/deno#32862); our handler
// still ends every group, but a waiter may see its connection cut and a late start a refused connection.
const runtimeCutsConnections = testRuntime() === "deno";

describe(`e2e lifecycle on ${testRuntime()}`, () => {
  it("completes a blocking wait longer than 15 s", { timeout: 90_000 }, async () => {
    const server = await startServer();
    try {
      const call = caller(`${server.url}/api/v0/processes`);
      const { body } = await call("POST", "/start", { body: { command: "sleep 16; echo done" } });
      const reply = await call("GET", `/${body.id}/output?wait=true`);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.running, false);
      assert.equal(reply.body.output, "done\n");
    } finally {
      await server.stop();
    }
  });

  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"] as const) {
    it(`shuts down on ${signal}: every group dies, waiters answered, nothing left`, { timeout: 60_000 }, async () => {
      const server = await startServer(["--kill-grace-ms", "500"]);
      try {
        await shutdownScenario(server, signal);
      } finally {
        await server.stop();
      }
    });
  }

  it("answers 503 to a start during shutdown", { timeout: 60_000, skip: runtimeCutsConnections }, async () => {
    const server = await startServer(["--kill-grace-ms", "3000"]);
    try {
      const call = caller(`${server.url}/api/v0/processes`);
      const { body } = await call("POST", "/start", { body: { command: IGNORES_TERM } });
      const { pid } = (await call("GET", `/${body.id}`)).body;
      server.child.kill("SIGTERM");
      // During the grace the server still answers, and refuses new work (a start racing the signal may pass).
      let refused = await call("POST", "/start", { body: { command: "true" } });
      for (let i = 0; i < 50 && refused.status === 200; i++) {
        refused = await call("POST", "/start", { body: { command: "true" } });
      }
      assert.equal(refused.status, 503);
      assert.equal(refused.body.code, "shutting_down");
      const health = await caller(server.url)("GET", "/healthz");
      assert.deepEqual([health.status, health.body.status], [503, "shutting_down"]);
      await server.exited;
      assert.deepEqual(await liveGroup(pid), []);
    } finally {
      await server.stop();
    }
  });
});

async function shutdownScenario(server: TestServer, signal: NodeJS.Signals) {
  const call = caller(`${server.url}/api/v0/processes`);
  const ids: string[] = [];
  for (const command of [STUBBORN_GROUP, SLEEPER, "sleep 300 & echo bg"]) {
    const reply = await call("POST", "/start", { body: { command } });
    assert.equal(reply.status, 200);
    ids.push(reply.body.id);
  }
  const pids: number[] = [];
  for (const id of ids) pids.push((await call("GET", `/${id}`)).body.pid);
  assert.ok(await eventually(async () => (await liveGroup(pids[0]!)).length >= 3));
  const waiter = call("GET", `/${ids[0]}/output?wait=true`);
  // Shutdown keeps serving through the grace, so this waiter is answered whether it lands before or after.
  server.child.kill(signal);
  const answered = await waiter.catch((err: unknown) => {
    if (runtimeCutsConnections) return null;
    throw err;
  });
  if (answered) {
    assert.equal(answered.status, 200);
    assert.equal(answered.body.running, false);
  }
  const exit = await server.exited;
  assert.match(server.log(), /edgeproc: stopped\n/);
  // Deno's node:child_process reports the signal it sent as the child's exit, whatever the child did.
  if (!(globalThis as { Deno?: unknown }).Deno) assert.equal(exit.code, 0, `${JSON.stringify(exit)} ${server.log()}`);
  for (const pgid of pids) assert.deepEqual(await liveGroup(pgid), [], `group ${pgid} outlived the server`);
}
