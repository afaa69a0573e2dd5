// When the server itself dies by SIGKILL (no handler runs), its watchdog ends every group it started, the one that
// ignores SIGTERM too (SIGKILL after the grace), and then exits itself: nothing is left under pid 1. The OS is
// checked with ps, independently of the server's own /proc reader.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IGNORES_TERM, SLEEPER } from "../support/fixtures.ts";
import { caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { alive, childrenMarked, eventually, liveGroup, startServer } from "../support/server.ts";

const watchdogsOf = (ppid: number) => childrenMarked(ppid, "edgeproc-watchdog");

describe(`watchdog on ${testRuntime()}`, () => {
  it("ends every group when the server is SIGKILLed, then exits itself", { timeout: 60_000 }, async () => {
    const server = await startServer(["--pipe-grace-ms", "200", "--quiet"]);
    try {
      const call = caller(`${server.url}/api/v0/processes`);
      const pids: number[] = [];
      for (const command of [IGNORES_TERM, SLEEPER, "sleep 300 >/dev/null 2>&1 & echo bg"]) {
        const { body } = await call("POST", "/start", { body: { command } });
        pids.push((await call("GET", `/${body.id}`)).body.pid);
      }
      assert.ok(await eventually(async () => (await liveGroup(pids[2]!)).length === 1), "the background sleep runs");
      const [watchdog] = await watchdogsOf(server.pid);
      assert.ok(watchdog, "the server has a watchdog");
      server.child.kill("SIGKILL");
      await server.exited;
      // TERM at once, KILL after the watchdog's 5 s grace for the group that ignores TERM.
      for (const pgid of pids) {
        assert.ok(await eventually(async () => (await liveGroup(pgid)).length === 0, 15_000), `group ${pgid} outlived the server`);
      }
      assert.ok(await eventually(async () => !alive(watchdog!), 5000), "the watchdog outlived its work");
    } finally {
      await server.stop();
    }
  });
});
