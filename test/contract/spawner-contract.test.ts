/**
 * The spawner contract, run against the current runtime's own spawner and against the `node:child_process`
 * fallback. Same file under `node --import tsx --test`, `bun test` and `deno test -A`.
 * @module
 */

import assert from "node:assert/strict";
import { mkdtemp, readdir, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { afterEach, describe, it } from "node:test";
import { type SpawnedProcess, SpawnError, type Spawner, type SpawnRequest } from "../../src/core/spawner.ts";
import { createSpawner, detectRuntime } from "../../src/runtimes/create-spawner.ts";
import { createNodeSpawner } from "../../src/runtimes/node/spawner.ts";
import { spawnFailure } from "../../src/runtimes/posix/spawn-failure.ts";
import { SLEEPER } from "../support/fixtures.ts";
// The OS truth comes from ps, not from the spawner's own /proc reader that these tests check.
import { liveGroup } from "../support/server.ts";

const BASE_ENV = { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" };

/** Reads a stream to its end. */
async function readBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return chunks;
}

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  return (await readBytes(stream)).map((chunk) => decoder.decode(chunk, { stream: true })).join("") + decoder.decode();
}

async function byteCount(stream: ReadableStream<Uint8Array>): Promise<number> {
  return (await readBytes(stream)).reduce((sum, chunk) => sum + chunk.byteLength, 0);
}

/** Whether `promise` settles within `ms`: a bound on waiting for something that must NOT happen. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until `done` holds or `boundMs` passes, and returns the last value for the caller to assert. */
async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, boundMs = 10_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Registers the contract cases for one spawner; with `skip`, every case is skipped with that reason.
 * @example
 * ```ts
 * spawnerContract("node", createNodeSpawner);
 * ```
 */
function spawnerContract(name: string, factory: () => Spawner, skip: string | false = false): void {
  // Each case takes the skip, not the describe: a skipped describe is not reported alike by node, bun and deno.
  const TIMEOUT = { timeout: 30_000, skip };
  describe(`spawner contract: ${name}`, () => {
    const spawner = factory();
    const started: SpawnedProcess[] = [];

    async function start(command: string, options: Partial<SpawnRequest> = {}): Promise<SpawnedProcess> {
      const proc = await spawner.spawn({ command, cwd: tmpdir(), env: BASE_ENV, stdin: false, ...options });
      started.push(proc);
      return proc;
    }

    afterEach(async () => {
      for (const proc of started.splice(0)) {
        void proc.signalGroup("SIGKILL");
        await proc.exited;
        await proc.output.cancel().catch(() => {}); // locked when the test holds a reader
      }
    });

    it("captures output and exit 0", TIMEOUT, async () => {
      const proc = await start("echo hello");
      assert.equal(await readText(proc.output), "hello\n");
      assert.deepEqual(await proc.exited, { exitCode: 0, signal: null });
      assert.equal(proc.stdin, null);
    });

    it("reports a non-zero exit code", TIMEOUT, async () => {
      const proc = await start("exit 42");
      assert.deepEqual(await proc.exited, { exitCode: 42, signal: null });
    });

    it("tells `exit 137` apart from SIGKILL", TIMEOUT, async () => {
      const coded = await start("exit 137");
      const killed = await start("kill -KILL $$");
      assert.deepEqual(await coded.exited, { exitCode: 137, signal: null });
      assert.deepEqual(await killed.exited, { exitCode: null, signal: "SIGKILL" });
    });

    it("normalises SIGTERM to a signal without exit code", TIMEOUT, async () => {
      const proc = await start(SLEEPER);
      assert.equal(await proc.signalGroup("SIGTERM"), true);
      assert.deepEqual(await proc.exited, { exitCode: null, signal: "SIGTERM" });
    });

    it("keeps stdout and stderr in the order written", TIMEOUT, async () => {
      const proc = await start("echo o1; echo e1 >&2; echo o2; echo e2 >&2");
      assert.equal(await readText(proc.output), "o1\ne1\no2\ne2\n");
    });

    it("gives fd 1 and fd 2 one real pipe, reopenable by name", TIMEOUT, async () => {
      const proc = await start(
        '[ -p /dev/stdout ] && [ -p /dev/stderr ] && [ "$(readlink /proc/$$/fd/1)" = "$(readlink /proc/$$/fd/2)" ]' +
          " && echo out > /dev/stdout && echo err > /dev/stderr && echo fd > /proc/self/fd/1",
      );
      assert.equal(await readText(proc.output), "out\nerr\nfd\n");
      assert.deepEqual(await proc.exited, { exitCode: 0, signal: null });
    });

    it("gives stdin on a real pipe that `cat /dev/stdin` reads to EOF", TIMEOUT, async () => {
      const proc = await start("[ -p /dev/stdin ] && cat /dev/stdin", { stdin: true });
      const writer = proc.stdin!.getWriter();
      await writer.write(new TextEncoder().encode("by name\n"));
      await writer.close();
      assert.equal(await readText(proc.output), "by name\n");
      assert.deepEqual(await proc.exited, { exitCode: 0, signal: null });
    });

    it("runs exactly `sh -c command`, and hands the child no fd beyond 0, 1 and 2 of its own", TIMEOUT, async () => {
      // What a child of the test process itself inherits (a harness may leak fds); the spawner must add none.
      const inherited = new Set(
        (await readText((await start("ls /proc/$$/fd")).output)).split("\n").filter((fd) => Number(fd) > 2),
      );
      const proc = await start("tr '\\0' '|' < /proc/$$/cmdline; echo; ls /proc/$$/fd");
      const [cmdline, ...fds] = (await readText(proc.output)).trim().split("\n");
      assert.equal(cmdline, "/bin/sh|-c|tr '\\0' '|' < /proc/$$/cmdline; echo; ls /proc/$$/fd|");
      assert.deepEqual(fds.filter((fd) => Number(fd) > 2 && !inherited.has(fd)), []);
    });

    it("closes its own fds once the output is read and the process is gone", TIMEOUT, async () => {
      // A spawner may keep pipes made ahead for later starts (at most 2 kinds × 7 pipes × 2 fds on Node and
      // Bun), so the count may rise by that much once; a leak of even one fd per start rises with every start.
      const KEPT_AHEAD = 28;
      const STARTS = 40;
      const openFds = () => readdir("/proc/self/fd").then((fds) => fds.length);
      const round = async () => {
        const proc = await start("echo x; cat", { stdin: true });
        await proc.stdin!.close();
        await readText(proc.output);
        await proc.exited;
      };
      await round();
      const before = await openFds();
      for (let i = 0; i < STARTS; i++) await round();
      const after = await eventually(openFds, (count) => count <= before + KEPT_AHEAD, 5_000);
      assert.ok(after <= before + KEPT_AHEAD, `fds open: ${before} before ${STARTS} starts, ${after} after`);
    });

    it("replaces the parent's environment", TIMEOUT, async () => {
      process.env.EDGEPROC_PARENT_ONLY = "leaked";
      try {
        const proc = await start('echo "parent=${EDGEPROC_PARENT_ONLY-unset} request=$EDGEPROC_REQUEST"', {
          env: { ...BASE_ENV, EDGEPROC_REQUEST: "given" },
        });
        assert.equal(await readText(proc.output), "parent=unset request=given\n");
      } finally {
        delete process.env.EDGEPROC_PARENT_ONLY;
      }
    });

    it("runs in the requested cwd", TIMEOUT, async () => {
      const dir = await mkdtemp(join(tmpdir(), "edgeproc-cwd-"));
      try {
        const proc = await start("pwd -P", { cwd: dir });
        assert.equal(await readText(proc.output), `${await realpath(dir)}\n`);
      } finally {
        await rm(dir, { recursive: true });
      }
    });

    it("rejects with SpawnError for a cwd that does not exist", TIMEOUT, async () => {
      const cwd = join(tmpdir(), "edgeproc-no-such-dir", "nested");
      await assert.rejects(start("echo never", { cwd }), (error: unknown) => {
        assert.ok(error instanceof SpawnError);
        assert.equal(error.message, `Cannot start "sh": working directory "${cwd}" does not exist`);
        assert.ok(error.cause !== undefined);
        return true;
      });
    });

    it("rejects with SpawnError a NUL in the command or an env entry, and runs nothing", TIMEOUT, async () => {
      // The wire refuses NUL with a 400 first (docs/api.md §3.1); an embedder calling a spawner directly must not
      // get a shortened command or an extra variable (a NUL ends a C string, and the fork helper's fields).
      const dir = await mkdtemp(join(tmpdir(), "edgeproc-nul-"));
      try {
        const marker = join(dir, "ran");
        const cases: Partial<SpawnRequest>[] = [
          { command: `echo ran > ${marker}\0; false` },
          { command: `echo "$B" > ${marker}`, env: { ...BASE_ENV, A: "x\0B=y" } },
        ];
        for (const request of cases) {
          await assert.rejects(start(request.command!, request), SpawnError, JSON.stringify(request));
        }
        assert.deepEqual(await readdir(dir), [], "a command ran");
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("rejects with SpawnError when cwd is a file", TIMEOUT, async () => {
      const cwd = join(tmpdir(), `edgeproc-file-${process.pid}`);
      await writeFile(cwd, "");
      try {
        await assert.rejects(start("echo never", { cwd }), {
          name: "SpawnError",
          message: `Cannot start "sh": working directory "${cwd}" is not a directory`,
        });
      } finally {
        await rm(cwd);
      }
    });

    it("pipes stdin and sends EOF on close", TIMEOUT, async () => {
      const proc = await start("cat", { stdin: true });
      assert.ok(proc.stdin);
      const writer = proc.stdin.getWriter();
      await writer.write(new TextEncoder().encode("hello\n"));
      await writer.write(new TextEncoder().encode("world\n"));
      await writer.close();
      assert.equal(await readText(proc.output), "hello\nworld\n");
      assert.deepEqual(await proc.exited, { exitCode: 0, signal: null });
    });

    it("sends EOF when stdin is aborted", TIMEOUT, async () => {
      const proc = await start("cat; echo eof", { stdin: true });
      await proc.stdin?.abort();
      assert.equal(await readText(proc.output), "eof\n");
    });

    it("rejects a write to a child that exited instead of crashing", TIMEOUT, async () => {
      const proc = await start("exit 0", { stdin: true });
      await proc.exited;
      const writer = proc.stdin!.getWriter();
      const chunk = new Uint8Array(256 * 1024);
      await assert.rejects((async () => {
        for (let i = 0; i < 8; i++) await writer.write(chunk);
      })());
    });

    it("holds the stdin writer while the child does not read", TIMEOUT, async () => {
      const proc = await start(SLEEPER, { stdin: true });
      const writer = proc.stdin!.getWriter();
      const chunk = new Uint8Array(1024 * 1024);
      const writing = (async () => {
        for (let i = 0; i < 32; i++) await writer.write(chunk);
      })();
      writing.catch(() => {}); // rejects with EPIPE once afterEach kills the reader
      assert.equal(await settlesWithin(writing, 1000), false);
    });

    it("gives /dev/null as stdin when not requested", TIMEOUT, async () => {
      const proc = await start("cat");
      assert.equal(proc.stdin, null);
      assert.equal(await readText(proc.output), "");
      assert.deepEqual(await proc.exited, { exitCode: 0, signal: null });
    });

    it("settles exited while a background grandchild still holds the pipe", TIMEOUT, async () => {
      const proc = await start("sleep 30 & echo started");
      assert.deepEqual(await proc.exited, { exitCode: 0, signal: null });
      assert.notDeepEqual(await liveGroup(proc.pid), []);
      assert.notDeepEqual(await proc.groupMembers(), []);
      assert.equal(proc.groupAlive, true);
    });

    it("lists the live members of the group while running", TIMEOUT, async () => {
      const proc = await start("sleep 100 & sleep 100");
      const members = await eventually(() => proc.groupMembers(), (pids) => pids.length >= 2);
      assert.ok(members.includes(proc.pid), `${proc.pid} in ${members}`);
      assert.ok(members.length >= 2, `${members}`);
      assert.deepEqual(await proc.groupMembers(), await liveGroup(proc.pid), "the spawner and ps agree");
    });

    it("kills grandchildren with a group signal", TIMEOUT, async () => {
      const proc = await start("sleep 100 & sleep 100");
      await eventually(() => liveGroup(proc.pid), (pids) => pids.length >= 2);
      assert.equal(await proc.signalGroup("SIGKILL"), true);
      assert.deepEqual(await proc.exited, { exitCode: null, signal: "SIGKILL" });
      const left = await eventually(() => liveGroup(proc.pid), (pids) => pids.length === 0);
      assert.deepEqual(left, []);
    });

    it("returns false from signalGroup once everything exited, without throwing", TIMEOUT, async () => {
      const proc = await start("exit 0");
      await proc.exited;
      assert.equal(await proc.signalGroup("SIGTERM"), false);
      assert.equal(await proc.signalGroup("SIGKILL"), false);
      assert.deepEqual(await proc.groupMembers(), []);
      assert.equal(proc.groupAlive, false);
      assert.deepEqual(await liveGroup(proc.pid), []);
    });

    it("keeps control of members that outlive the shell, then counts the group gone for good", TIMEOUT, async () => {
      const proc = await start("sleep 300 >/dev/null 2>&1 & echo up");
      assert.equal(await readText(proc.output), "up\n");
      await proc.exited;
      const members = await proc.groupMembers();
      assert.equal(members.length, 1, `${members}`);
      assert.deepEqual(members, await liveGroup(proc.pid));
      assert.equal(proc.groupAlive, true);
      assert.equal(await proc.signalGroup("SIGKILL"), true);
      assert.deepEqual(await eventually(() => liveGroup(proc.pid), (pids) => pids.length === 0), []);
      assert.deepEqual(await proc.groupMembers(), []);
      assert.equal(proc.groupAlive, false);
      assert.equal(await proc.signalGroup("SIGKILL"), false);
    });

    it("ends a lingering group synchronously with signalGroupNow (a server on its way out)", TIMEOUT, async () => {
      const proc = await start("sleep 300 >/dev/null 2>&1 & echo up");
      assert.equal(await readText(proc.output), "up\n");
      await proc.exited;
      assert.equal((await proc.groupMembers()).length, 1);
      proc.signalGroupNow("SIGKILL");
      assert.deepEqual(await eventually(() => liveGroup(proc.pid), (pids) => pids.length === 0), []);
    });

    it("stops capture on cancel without killing the process", TIMEOUT, async () => {
      const proc = await start("echo first; sleep 30");
      const reader = proc.output.getReader();
      assert.equal(new TextDecoder().decode((await reader.read()).value), "first\n");
      await reader.cancel();
      assert.equal((await reader.read()).done, true);
      assert.equal(await settlesWithin(proc.exited, 300), false);
      assert.ok((await liveGroup(proc.pid)).includes(proc.pid));
    });

    it("releases the pipe on cancel: the next write gets SIGPIPE", TIMEOUT, async () => {
      // More than a pipe holds, so the test does not depend on when the runtime closes its end (Bun: a tick later).
      const proc = await start("echo first; read line; exec head -c 1000000 /dev/zero", { stdin: true });
      const reader = proc.output.getReader();
      assert.equal(new TextDecoder().decode((await reader.read()).value), "first\n");
      await reader.cancel();
      await proc.stdin!.close();
      assert.deepEqual(await proc.exited, { exitCode: null, signal: "SIGPIPE" });
    });

    it("applies backpressure: an unread child blocks on the full pipe", TIMEOUT, async () => {
      const size = 50_000_000;
      const proc = await start(`head -c ${size} /dev/zero`);
      assert.equal(await settlesWithin(proc.exited, 1000), false);
      assert.equal(await byteCount(proc.output), size);
      assert.deepEqual(await proc.exited, { exitCode: 0, signal: null });
    });

    it("delivers large output byte-exact", TIMEOUT, async () => {
      const size = 20 * 1024 * 1024 + 7;
      const proc = await start(`head -c ${size} /dev/urandom`);
      assert.equal(await byteCount(proc.output), size);
      assert.deepEqual(await proc.exited, { exitCode: 0, signal: null });
    });
  });
}

describe("createSpawner", () => {
  it("picks the current runtime's own API", () => {
    const versions = process.versions as Record<string, string | undefined>;
    const expected = versions.bun ? "bun" : versions.deno ? "deno" : "node";
    assert.equal(detectRuntime(), expected);
    assert.equal(createSpawner().name, expected);
  });
});

describe("spawnFailure", () => {
  it("names a missing executable when the cwd exists", async () => {
    const cause = Object.assign(new Error("spawn /bin/sh ENOENT"), { code: "ENOENT" });
    const error = await spawnFailure(cause, tmpdir());
    assert.equal(error.message, 'Cannot start "sh": executable not found');
    assert.equal(error.cause, cause);
  });
});

spawnerContract(`${detectRuntime()} (current runtime)`, createSpawner);
// Registered everywhere, so every runtime reports the same tests; on Node the runtime's own spawner already is
// the node:child_process one.
const isNode = detectRuntime() === "node";
spawnerContract("node:child_process (fallback)", createNodeSpawner, isNode && "the current runtime's spawner on Node");
// Its two ways to start a child, each where it is not the default above: forking itself (the default under Bun,
// and on Node without Perl) and through the fork helper (the default on Node). Deno's has no fork helper.
const runtime = detectRuntime();
spawnerContract(
  "node:child_process forking itself (no fork helper)",
  () => createNodeSpawner({ forkHelper: false }),
  runtime !== "node" && "the fallback above already forks itself here",
);
spawnerContract(
  "node:child_process through the fork helper",
  () => createNodeSpawner({ forkHelper: true }),
  runtime === "node" ? "the current runtime's spawner above" : runtime === "deno" && "Deno's has no fork helper",
);
