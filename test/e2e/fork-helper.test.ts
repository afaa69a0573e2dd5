// The fork helper of the Node server (docs/api.md §6, docs/performance.md): the small Perl process that forks the
// children so the server does not fork itself. Killed from outside, the groups it was parent of are ended and
// reported as killed (nobody can wait for them any more), and the next start gets a new helper; when the server
// dies by SIGKILL it exits too; without Perl the server forks itself and every guarantee holds. Bun's and Deno's
// servers spawn with their own APIs and have no fork helper (the contract tests run the helper under Bun too).
// The OS is checked with ps, independently of the server's own /proc reader.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, it } from "node:test";
import { SLEEPER } from "../support/fixtures.ts";
import { caller } from "../support/http.ts";
import { ROOT, testRuntime } from "../support/runtime.ts";
import { alive, childrenMarked, eventually, launch, liveGroup, type TestServer } from "../support/server.ts";

const T = {
  timeout: 60_000,
  skip: testRuntime() !== "node" && `the ${testRuntime()} server spawns with its own API: no fork helper`,
};

const helpersOf = (ppid: number) => childrenMarked(ppid, "edgeproc-fork-helper");

type Call = ReturnType<typeof caller>;

/** Runs `body` against a fresh `--quiet` server (with `env` added), stopped afterwards whatever happens. */
async function withServer(body: (call: Call, server: TestServer) => Promise<void>, env?: Record<string, string>) {
  // Node by its own path: a test's PATH may not find it.
  const entry = join(ROOT, "scripts/start-node.mjs");
  const server = await launch(process.execPath, [entry, "--port", "0", "--quiet"], env);
  try {
    await body(caller(`${server.url}/api/v0/processes`), server);
  } finally {
    await server.stop();
  }
}

/** Starts `body` and answers its id and pid (the start's answer carries the id only). */
async function start(call: Call, body: Record<string, unknown>): Promise<[string, number]> {
  const reply = await call("POST", "/start", { body });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return [reply.body.id as string, (await call("GET", `/${reply.body.id}`)).body.pid as number];
}

describe(`fork helper on ${testRuntime()}`, () => {
  it("is the parent of each child, which gets real pipes, its exit code or signal, and EOF on stdin", T, async () => {
    await withServer(async (call, server) => {
      const ran = await call("POST", "/run", { body: { command: "echo out; echo err > /dev/stderr; exit 143" } });
      assert.deepEqual([ran.body.output, ran.body.exit_code, ran.body.signal ?? null], ["out\nerr\n", 143, null]);
      const [helper] = await helpersOf(server.pid);
      assert.ok(helper, "the server has a fork helper");
      const [id, pid] = await start(call, { command: "cat; echo done", stdin: true });
      assert.deepEqual(await childrenMarked(helper, "cat; echo done"), [pid], "the helper is the shell's parent");
      assert.equal((await call("POST", `/${id}/stdin`, { body: { data: "in\n", eof: true } })).status, 200);
      const waited = await call("GET", `/${id}/output?wait=true`);
      assert.deepEqual([waited.body.output, waited.body.exit_code], ["in\ndone\n", 0]);
      const [slept] = await start(call, { command: SLEEPER });
      assert.equal((await call("POST", `/${slept}/signal`, { body: { signal: "terminate" } })).status, 200);
      const killed = await call("GET", `/${slept}/output?wait=true`);
      // Coder's wire: a signal death has exit code -1 and the signal's name.
      assert.deepEqual([killed.body.exit_code, killed.body.signal], [-1, "SIGTERM"]);
    });
  });

  it("killed from outside: its groups are ended and reported SIGKILL, and a new helper serves", T, async () => {
    await withServer(async (call, server) => {
      const [id, pgid] = await start(call, { command: `${SLEEPER} & ${SLEEPER}` });
      assert.ok(await eventually(async () => (await liveGroup(pgid)).length >= 2), "both sleeps run");
      const [first] = await helpersOf(server.pid);
      assert.ok(first, "the server has a fork helper");
      process.kill(first, "SIGKILL");
      assert.ok(await eventually(async () => (await liveGroup(pgid)).length === 0), "the orphaned group was ended");
      const info = await call("GET", `/${id}`);
      assert.deepEqual([info.body.running, info.body.exit_code, info.body.signal], [false, -1, "SIGKILL"]);
      for (let i = 0; i < 5; i++) {
        const body = (await call("POST", "/run", { body: { command: "echo ok > /dev/stderr" } })).body;
        assert.deepEqual([body.exit_code, body.output], [0, "ok\n"], `start ${i} after the kill`);
      }
      const now = await helpersOf(server.pid);
      assert.equal(now.length, 1, `one fork helper: ${now}`);
      assert.notEqual(now[0], first);
    });
  });

  it("exits when the server is SIGKILLed, and the watchdog ends the groups", T, async () => {
    await withServer(async (call, server) => {
      const [, pgid] = await start(call, { command: SLEEPER });
      const [helper] = await helpersOf(server.pid);
      assert.ok(helper, "the server has a fork helper");
      server.child.kill("SIGKILL");
      await server.exited;
      assert.ok(await eventually(async () => !alive(helper), 5000), "the fork helper outlived the server");
      assert.ok(await eventually(async () => (await liveGroup(pgid)).length === 0, 15_000), "the group survived");
    });
  });

  it("without Perl, the server forks itself and the child still gets real pipes", T, async () => {
    // A PATH that has `sh` only: no perl to be found.
    const bin = await mkdtemp(join(tmpdir(), "edgeproc-no-perl-"));
    await symlink("/bin/sh", join(bin, "sh"));
    try {
      await withServer(
        async (call, server) => {
          const body = (await call("POST", "/run", { body: { command: "echo ok > /dev/stderr; exit 7" } })).body;
          assert.deepEqual([body.exit_code, body.output], [7, "ok\n"]);
          assert.deepEqual(await helpersOf(server.pid), [], "no fork helper runs");
          // The server's PATH has no sleep: the request brings its own.
          const [, pgid] = await start(call, { command: SLEEPER, env: { PATH: "/usr/bin:/bin" } });
          const parent = await new Promise<string>((resolve) =>
            execFile("ps", ["-o", "ppid=", "-p", String(pgid)], (_, out) => resolve(String(out).trim())),
          );
          assert.equal(Number(parent), server.pid, "the server is the shell's parent");
        },
        { PATH: bin },
      );
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
