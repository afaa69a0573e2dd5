// Every limit of docs/api.md §5 at its edge, in process with a fake spawner: exactly at the limit passes, one
// past it is refused (or cut). Their flags and variables: test/unit/server-config; on a real server: test/e2e/limits.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { createProcessApi, type ProcessApi } from "../../src/create-process-api.ts";
import type { Limits } from "../../src/core/limits.ts";
import { ProcessManager } from "../../src/core/process-manager.ts";
import { FakeSpawner, type FakeProcess } from "../support/fake-spawner.ts";
import { assertError } from "../support/assert.ts";
import { bodyOfSize, caller, type Caller, utf8Length as bytes } from "../support/http.ts";
import { eventually } from "../support/server.ts";
import { posixHost } from "../../src/runtimes/posix/host.ts";

let api: ProcessApi | null = null;
let spawner: FakeSpawner;
let call: Caller;

function setup(limits: Partial<Limits>) {
  spawner = new FakeSpawner();
  api = createProcessApi({ spawner, env: { PATH: "/usr/bin:/bin" }, limits });
  call = caller("http://edgeproc.test/api/v0/processes", api.fetch);
  return api;
}

afterEach(async () => {
  for (const p of spawner?.processes ?? []) p.die("SIGKILL");
  await api?.close();
  api = null;
});

type Started = { id: string; fake: FakeProcess };

async function startRunning(command = "sleep", extra: Record<string, unknown> = {}): Promise<Started> {
  const reply = await call("POST", "/start", { body: { command, ...extra } });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return { id: reply.body.id, fake: spawner.last };
}

describe("request body limit", () => {
  it("takes a body of exactly maxBodyBytes on every route with a body, and refuses one byte more", async () => {
    setup({ maxBodyBytes: 200 });
    spawner.onSignal = () => {};
    const { id, fake } = await startRunning();
    await call("POST", `/${id}/signal`, { body: { signal: "hangup" } });
    const routes: [string, Record<string, unknown>, number][] = [
      ["/start", { command: "true" }, 200],
      ["/run", { command: "true", wait_ms: 0 }, 200],
      [`/${id}/stdin`, { data: "" }, 409],
      [`/${id}/signal`, { signal: "interrupt" }, 200],
    ];
    for (const [path, fields, status] of routes) {
      for (const unit of ["x", "é"]) {
        for (const withLength of [false, true]) {
          const exact = bodyOfSize(200, fields, unit);
          const over = bodyOfSize(201, fields, unit);
          // Without Content-Length the limit is counted while reading; with it, from the header.
          const headers = (body: string): Record<string, string> => (withLength ? { "content-length": String(bytes(body)) } : {});
          const ok = await call("POST", path, { raw: exact, headers: headers(exact) });
          assert.equal(ok.status, status, `${path} at the limit (${unit}, length ${withLength}): ${JSON.stringify(ok.body)}`);
          assertError(await call("POST", path, { raw: over, headers: headers(over) }), 413, "body_too_large");
        }
      }
    }
    // The refused signals never reached the process.
    assert.deepEqual(fake.signals, ["SIGHUP", "SIGINT", "SIGINT", "SIGINT", "SIGINT"]);
  });
});

describe("start request limits", () => {
  it("takes a command of exactly maxCommandBytes bytes, not one more", async () => {
    setup({ maxCommandBytes: 12 });
    for (const command of ["x".repeat(12), "é".repeat(6), "🙂".repeat(3)]) {
      assert.equal((await call("POST", "/start", { body: { command } })).status, 200, command);
    }
    for (const command of ["x".repeat(13), "é".repeat(6) + "x", "🙂".repeat(3) + "x"]) {
      assertError(await call("POST", "/start", { body: { command } }), 400, "invalid_request", "command");
      assertError(await call("POST", "/run", { body: { command } }), 400, "invalid_request", "command");
    }
    assert.equal(spawner.processes.length, 3);
  });

  it("takes exactly maxEnvEntries env entries, not one more", async () => {
    setup({ maxEnvEntries: 3 });
    const env = { A: "1", B: "2", C: "3" };
    assert.equal((await call("POST", "/start", { body: { command: "true", env } })).status, 200);
    assert.equal(spawner.last.request.env.C, "3");
    const more = { ...env, D: "4" };
    assertError(await call("POST", "/start", { body: { command: "true", env: more } }), 400, "invalid_request", "env");
    assertError(await call("POST", "/run", { body: { command: "true", env: more } }), 400, "invalid_request", "env");
    assert.equal(spawner.processes.length, 1);
  });
});

describe("running process limit", () => {
  it("starts exactly maxProcesses, answers 429 to the next, and starts again once one exits", async () => {
    setup({ maxRunning: 3 });
    const running = [await startRunning(), await startRunning(), await startRunning()];
    assertError(await call("POST", "/start", { body: { command: "one more" } }), 429, "too_many_processes");
    assertError(await call("POST", "/run", { body: { command: "one more" } }), 429, "too_many_processes");
    assert.equal(spawner.processes.length, 3);
    running[0]!.fake.finish(0);
    await call("GET", `/${running[0]!.id}/output?wait=true`);
    assert.equal((await call("POST", "/start", { body: { command: "again" } })).status, 200);
    assertError(await call("POST", "/start", { body: { command: "and more" } }), 429, "too_many_processes");
  });

  it("lets exactly maxProcesses of many concurrent starts through", async () => {
    setup({ maxRunning: 3 });
    const replies = await Promise.all(Array.from({ length: 9 }, () => call("POST", "/start", { body: { command: "c" } })));
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, 200, 200, 429, 429, 429, 429, 429, 429]);
    assert.equal(api!.manager.counts().running, 3);
  });

  it("attaches a repeated client_token at the limit: an attach is not a start", async () => {
    setup({ maxRunning: 1 });
    const first = await call("POST", "/start", { body: { command: "c", client_token: "t" } });
    const again = await call("POST", "/start", { body: { command: "c", client_token: "t" } });
    assert.equal(again.status, 200);
    assert.deepEqual([again.body.id, again.body.started], [first.body.id, false]);
    assertError(await call("POST", "/start", { body: { command: "c", client_token: "u" } }), 429, "too_many_processes");
  });

  it("starts nothing with maxProcesses 0", async () => {
    setup({ maxRunning: 0 });
    assertError(await call("POST", "/start", { body: { command: "c" } }), 429, "too_many_processes");
  });
});

describe("blocking wait limit", () => {
  it("accepts wait_ms up to maxWaitMs, refuses one more, and caps wait=true", async () => {
    const { manager } = setup({ maxWaitMs: 40 });
    const { id } = await startRunning();
    for (const query of ["wait=true", "wait_ms=40", "wait_ms=40&until=output"]) {
      const reply = await call("GET", `/${id}/output?${query}`);
      assert.equal(reply.status, 200, query);
      assert.equal(reply.body.running, true, query);
    }
    assertError(await call("GET", `/${id}/output?wait_ms=41`), 400, "invalid_request", "wait_ms");
    assertError(await call("POST", "/run", { body: { command: "c", wait_ms: 41 } }), 400, "invalid_request", "wait_ms");
    const run = await call("POST", "/run", { body: { command: "c" } });
    assert.equal(run.status, 200);
    assert.equal(run.body.running, true);
    assert.deepEqual([manager.activity.waiters, manager.activity.streams], [0, 0]);
  });

  it("does not cap a stream's heartbeat wait (a cap of 0 would spin)", async () => {
    const { manager } = setup({ maxWaitMs: 0 });
    const { id, fake } = await startRunning();
    const response = await api!.fetch(new Request(`http://edgeproc.test/api/v0/processes/${id}/stream`));
    const reader = response.body!.getReader();
    const first = reader.read();
    // Nothing was written: no event may come before the next heartbeat, which is seconds away, not a loop turn.
    const quiet = await Promise.race([first.then(() => false), new Promise<true>((r) => setTimeout(() => r(true), 300))]);
    assert.ok(quiet, "the stream sent something while the process was silent");
    fake.write("hi");
    const chunk = new TextDecoder().decode((await first).value);
    assert.match(chunk, /event: output/);
    await reader.cancel();
    assert.ok(await eventually(async () => manager.activity.streams === 0, 2000));
  });

  it("forgets a timed-out output wait: an idle process polled many times holds no waiter", async () => {
    const { manager } = setup({ maxWaitMs: 5 });
    const { id } = await startRunning();
    for (let i = 0; i < 50; i++) await call("GET", `/${id}/output?until=output&wait_ms=1`);
    const proc = manager.get(id, { chatId: null, ancestorIds: [] });
    assert.equal(proc.outputWaiterCount, 0);
  });
});

describe("output sizes", () => {
  it("keeps head and tail of the configured sizes in snapshots", async () => {
    setup({ headBytes: 8, tailBytes: 8, windowBytes: 32 });
    const snapshotAfter = async (text: string) => {
      const { id, fake } = await startRunning();
      fake.write(text);
      fake.finish(0);
      return (await call("GET", `/${id}/output?wait=true`)).body;
    };
    const head = await snapshotAfter("abcdefgh");
    assert.equal(head.output, "abcdefgh");
    assert.equal(head.truncated, undefined);
    const both = await snapshotAfter("abcdefgh12345678");
    assert.equal(both.output, "abcdefgh12345678");
    assert.equal(both.truncated.omitted_bytes, 0);
    const over = await snapshotAfter("abcdefgh_12345678");
    assert.equal(over.output, "abcdefgh\n\n... [omitted 1 bytes] ...\n\n12345678");
    assert.deepEqual(over.truncated, {
      original_bytes: 17,
      retained_bytes: bytes(over.output),
      omitted_bytes: 1,
      strategy: "head_tail",
    });
  });

  it("serves cursor reads from the head and the window, with gap_bytes past the window and limit per read", async () => {
    setup({ headBytes: 8, tailBytes: 8, windowBytes: 32 });
    const { id, fake } = await startRunning();
    const text = Array.from({ length: 60 }, (_, i) => String.fromCharCode(65 + (i % 26))).join("");
    fake.write(text);
    const read = async (query: string) => (await call("GET", `/${id}/output?${query}`)).body;
    assert.deepEqual(pickRead(await read("cursor=0")), { output: text.slice(0, 8), cursor: 0, next_cursor: 8, gap_bytes: 0 });
    assert.deepEqual(pickRead(await read("cursor=8")), { output: text.slice(28), cursor: 28, next_cursor: 60, gap_bytes: 20 });
    assert.deepEqual(pickRead(await read("cursor=28")), { output: text.slice(28), cursor: 28, next_cursor: 60, gap_bytes: 0 });
    assert.deepEqual(pickRead(await read("cursor=30&limit=5")), { output: text.slice(30, 35), cursor: 30, next_cursor: 35, gap_bytes: 0 });
    assert.equal((await call("GET", `/${id}/output?cursor=0&limit=1048576`)).status, 200);
    assertError(await call("GET", `/${id}/output?cursor=0&limit=1048577`), 400, "invalid_request", "limit");
    assertError(await call("GET", `/${id}/output?cursor=0&limit=0`), 400, "invalid_request", "limit");
    // The stream serves the same window: a gap, then the retained bytes.
    const response = await api!.fetch(new Request(`http://edgeproc.test/api/v0/processes/${id}/stream?cursor=8`));
    fake.finish(0);
    const events = await response.text();
    assert.match(events, /event: gap\ndata: \{"gap_bytes":20\}/);
    assert.ok(events.includes(JSON.stringify({ data: text.slice(28), cursor: 28, next_cursor: 60 })), events);
    assert.match(events, /event: exit/);
  });
});

function pickRead(body: { output: string; cursor: number; next_cursor: number; gap_bytes: number }) {
  return { output: body.output, cursor: body.cursor, next_cursor: body.next_cursor, gap_bytes: body.gap_bytes };
}

describe("exited records", () => {
  it("keeps an exited record for exactly retentionMs", async () => {
    let now = 1_000_000;
    const fakes = new FakeSpawner();
    const manager = new ProcessManager({ spawner: fakes, host: posixHost, limits: { retentionMs: 1000 }, now: () => now });
    const scope = { chatId: null, ancestorIds: [] };
    try {
      const { process: proc } = await manager.start({ command: "c" }, scope);
      fakes.last.finish(0);
      await proc.exited;
      now += 1000;
      assert.deepEqual(manager.list(scope).map((p) => p.id), [proc.id]);
      now += 1;
      assert.deepEqual(manager.list(scope), []);
      assert.throws(() => manager.get(proc.id, scope), { code: "not_found" });
    } finally {
      await manager.close();
    }
  });

  it("reaps expired records on a timer, without any request", async () => {
    setup({ retentionMs: 1 });
    const { id, fake } = await startRunning();
    fake.finish(0);
    await call("GET", `/${id}/output?wait=true`);
    const health = caller("http://edgeproc.test", api!.fetch);
    // /healthz counts without reaping, so only the timer can make the total drop.
    assert.ok(await eventually(async () => (await health("GET", "/healthz")).body.processes.total === 0, 5000));
  });

  it("keeps at most maxExitedRecords exited records, dropping the oldest exit first, never a running one", async () => {
    setup({ maxExitedRecords: 2 });
    const [a, b, c, d] = [await startRunning(), await startRunning(), await startRunning(), await startRunning()];
    for (const p of [b, c, a]) {
      p.fake.finish(0);
      await call("GET", `/${p.id}/output?wait=true`);
    }
    assert.equal((await call("GET", `/${b.id}`)).status, 404);
    assert.equal((await call("GET", `/${c.id}`)).status, 200);
    assert.equal((await call("GET", `/${a.id}`)).status, 200);
    assert.equal((await call("GET", `/${d.id}`)).body.running, true);
    setup({ maxExitedRecords: 0 });
    const e = await startRunning();
    e.fake.finish(0);
    await call("GET", `/${e.id}/output?wait=true`);
    assert.equal((await call("GET", `/${e.id}`)).status, 404);
  });
});

describe("stdin limit", () => {
  it("takes exactly maxStdinBytes decoded bytes per write, not one more", async () => {
    setup({ maxStdinBytes: 4 });
    const { id, fake } = await startRunning("cat", { stdin: true });
    const writes: [Record<string, unknown>, number][] = [
      [{ data: "abcd" }, 4],
      [{ data: "éé" }, 4],
      [{ data: btoa("\u0000\u0001\u0002\u0003"), encoding: "base64" }, 4],
    ];
    for (const [body, written] of writes) {
      const ok = await call("POST", `/${id}/stdin`, { body });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.written, written);
    }
    for (const body of [{ data: "abcde" }, { data: "ééx" }, { data: btoa("12345"), encoding: "base64" }]) {
      assertError(await call("POST", `/${id}/stdin`, { body }), 413, "body_too_large");
    }
    assert.equal(fake.stdinChunks.reduce((n, c) => n + c.byteLength, 0), 12);
  });
});

describe("stdin queue limit", () => {
  it("queues exactly maxStdinQueueBytes of waiting writes, answers the next one 429 at once", async () => {
    setup({ maxStdinQueueBytes: 10 });
    const { id, fake } = await startRunning("cat", { stdin: true });
    fake.holdStdin();
    const first = call("POST", `/${id}/stdin`, { body: { data: "aaaaaa" } });
    assert.ok(await eventually(async () => fake.stdinChunks.length === 1), "the first write reached the child");
    const second = call("POST", `/${id}/stdin`, { body: { data: "bbbb" } }); // 6 + 4 = 10, at the limit
    const pending = new Set<string>();
    void first.then(() => pending.add("first"));
    void second.then(() => pending.add("second"));
    const busy = await call("POST", `/${id}/stdin`, { body: { data: "c" } }); // 11
    assertError(busy, 429, "stdin_busy", /too much stdin waiting/);
    assert.match(busy.body.detail, /^10 bytes wait .* write of 1 would pass the limit of 10 /);
    assert.deepEqual([...pending], [], "the queued writes still wait");
    fake.releaseStdin();
    assert.deepEqual([(await first).body, (await second).body], [{ written: 6 }, { written: 4 }]);
    // A write into an empty queue always goes, however large.
    const big = await call("POST", `/${id}/stdin`, { body: { data: "x".repeat(20) } });
    assert.deepEqual([big.status, big.body], [200, { written: 20 }]);
    assert.equal(Buffer.concat(fake.stdinChunks).toString(), "aaaaaabbbb" + "x".repeat(20));
  });
});

describe("graces", () => {
  it("ends capture pipeGraceMs after the shell exits while the pipe is held", async () => {
    setup({ pipeGraceMs: 30 });
    const { id, fake } = await startRunning();
    fake.write("out");
    fake.exit(0);
    const done = await call("GET", `/${id}/output?wait=true`);
    assert.deepEqual([done.body.running, done.body.exit_code, done.body.output], [false, 0, "out"]);
    // Capture ended, yet the pipe is still drained, so the descendant is not killed by SIGPIPE.
    fake.write("late");
    assert.equal((await call("GET", `/${id}/output`)).body.output, "out");
    assert.equal(fake.cancelled, false);
  });

  it("keeps the record running while the pipe is held within pipeGraceMs", async () => {
    setup({ pipeGraceMs: 60_000 });
    const { id, fake } = await startRunning();
    fake.exit(0);
    const held = await call("GET", `/${id}/output?wait_ms=50`);
    assert.equal(held.body.running, true);
    fake.closePipe();
    assert.equal((await call("GET", `/${id}/output?wait=true`)).body.running, false);
    assert.equal(fake.cancelled, false);
  });

  it("SIGKILLs killGraceMs after a timeout's SIGTERM, and per request with kill_grace_ms", async () => {
    setup({ killGraceMs: 20 });
    spawner.onSignal = (p, s) => void (s === "SIGKILL" && p.die(s));
    for (const extra of [{}, { kill_grace_ms: 0 }]) {
      const reply = await call("POST", "/start", { body: { command: "stubborn", timeout_ms: 10, ...extra } });
      const done = (await call("GET", `/${reply.body.id}/output?wait=true`)).body;
      assert.deepEqual([done.timed_out, done.exit_code, done.signal], [true, -1, "SIGKILL"]);
      assert.deepEqual(spawner.last.signals, ["SIGTERM", "SIGKILL"]);
    }
  });

  it("keeps times past a timer's range (2^31-1 ms) long instead of firing them at once", async () => {
    const huge = 2 ** 31 + 1000;
    setup({ pipeGraceMs: huge, killGraceMs: huge });
    spawner.onSignal = () => {};
    const timed = await call("POST", "/start", { body: { command: "c", timeout_ms: Number.MAX_SAFE_INTEGER } });
    const stubborn = await call("POST", "/start", { body: { command: "c", timeout_ms: 1 } });
    const stubbornFake = spawner.last;
    const held = await startRunning();
    held.fake.exit(0);
    for (const id of [timed.body.id, stubborn.body.id, held.id]) {
      assert.equal((await call("GET", `/${id}/output?wait_ms=50`)).body.running, true, id);
    }
    assert.deepEqual(spawner.processes[0]!.signals, [], "timeout_ms fired early");
    assert.deepEqual(stubbornFake.signals, ["SIGTERM"], "the kill grace ended early");
    assert.equal(held.fake.cancelled, false, "the pipe grace ended early");
  });

  it("SIGKILLs killGraceMs after close()'s SIGTERM", async () => {
    const embedded = setup({ killGraceMs: 20 });
    spawner.onSignal = (p, s) => void (s === "SIGKILL" && p.die(s));
    const { id, fake } = await startRunning();
    await embedded.close();
    assert.deepEqual(fake.signals, ["SIGTERM", "SIGKILL"]);
    assert.equal((await call("GET", `/${id}`)).body.signal, "SIGKILL");
  });
});
