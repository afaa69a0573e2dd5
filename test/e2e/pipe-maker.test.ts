// The pipe maker of Bun (and of Node without Perl, docs/api.md §6): the small `sh` that makes the real pipes of §3.1. Killed from
// outside, it is replaced at the next batch and starts go on working; when the server dies by SIGKILL it exits
// too, since it reads its orders from a pipe of the server's. Deno uses its own pipes and has no pipe maker.
// The OS is checked with ps, independently of the server's own /proc reader.
import assert from "node:assert/strict";
import process from "node:process";
import { describe, it } from "node:test";
import { caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { alive, childrenMarked, eventually, startServer } from "../support/server.ts";

const SKIP: Record<string, string | false> = {
  bun: false,
  deno: "Deno gives real pipes itself: no pipe maker",
  node: "the Node server's fork helper makes the pipes (test/e2e/fork-helper.test.ts)",
};
const T = { timeout: 60_000, skip: SKIP[testRuntime()] ?? false };

const makersOf = (ppid: number) => childrenMarked(ppid, "edgeproc-pipe-maker");

describe(`pipe maker on ${testRuntime()}`, () => {
  it("is replaced when killed from outside, and every start still gets its pipes", T, async () => {
    const server = await startServer(["--quiet"]);
    try {
      const call = caller(`${server.url}/api/v0/processes`);
      const run = async () => (await call("POST", "/run", { body: { command: "echo ok > /dev/stderr" } })).body;
      assert.equal((await run()).output, "ok\n");
      const [first] = await makersOf(server.pid);
      assert.ok(first, "the server has a pipe maker");
      process.kill(first, "SIGKILL");
      assert.ok(await eventually(async () => !alive(first)), "the pipe maker was killed");
      // More starts than one batch holds (7), so the server must make pipes again.
      for (let i = 0; i < 20; i++) {
        const body = await run();
        assert.deepEqual([body.exit_code, body.output], [0, "ok\n"], `start ${i} after the kill`);
      }
      const now = await makersOf(server.pid);
      assert.equal(now.length, 1, `one pipe maker: ${now}`);
      assert.notEqual(now[0], first);
    } finally {
      await server.stop();
    }
  });

  it("exits when the server is SIGKILLed", T, async () => {
    const server = await startServer(["--quiet"]);
    try {
      const call = caller(`${server.url}/api/v0/processes`);
      assert.equal((await call("POST", "/run", { body: { command: "true" } })).status, 200);
      const [maker] = await makersOf(server.pid);
      assert.ok(maker, "the server has a pipe maker");
      server.child.kill("SIGKILL");
      await server.exited;
      assert.ok(await eventually(async () => !alive(maker), 5000), "the pipe maker outlived the server");
    } finally {
      await server.stop();
    }
  });
});
