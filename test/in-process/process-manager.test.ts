// The manager's own logic with a fake spawner and a fake clock: ordering, retention, timeouts, close.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ProcessManager } from "../../src/core/process-manager.ts";
import type { StartOptions } from "../../src/core/start-params.ts";
import { processInfo, signalResponse } from "../../src/http/process-view.ts";
import { posixHost } from "../../src/runtimes/posix/host.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";

const NO_CHAT = { chatId: null, ancestorIds: [] };
let spawner: FakeSpawner;
let manager: ProcessManager;
let clock = 1_700_000_000_000;

function setup(limits: ConstructorParameters<typeof ProcessManager>[0]["limits"] = {}) {
  spawner = new FakeSpawner();
  clock = 1_700_000_000_000;
  manager = new ProcessManager({ spawner, host: posixHost, limits, env: { HOME: "/tmp" }, now: () => clock });
}

afterEach(async () => {
  for (const p of spawner.processes) p.die("SIGKILL");
  await manager.close();
});

async function run(command: string, extra: Partial<StartOptions> = {}) {
  return (await manager.start({ command, ...extra }, NO_CHAT)).process;
}

describe("ProcessManager", () => {
  it("orders running first, then by start time, ties by start order", async () => {
    setup();
    const a = await run("a");
    const b = await run("b");
    clock += 1000;
    const c = await run("c");
    spawner.processes[2]!.finish();
    await c.exited;
    assert.deepEqual(manager.list(NO_CHAT).map((p) => p.id), [b.id, a.id, c.id]);
    assert.deepEqual(manager.list(NO_CHAT, { running: false }).map((p) => p.id), [c.id]);
    assert.deepEqual(manager.list(NO_CHAT, { limit: 1 }).map((p) => p.id), [b.id]);
  });

  it("keeps exited records for the retention time, then reaps them", async () => {
    setup({ retentionMs: 60_000 });
    const p = await run("x");
    spawner.last.finish();
    await p.exited;
    clock += 60_000;
    assert.equal(manager.list(NO_CHAT).length, 1);
    clock += 1;
    assert.equal(manager.list(NO_CHAT).length, 0);
    assert.throws(() => manager.get(p.id, NO_CHAT), { code: "not_found" });
  });

  it("keeps at most maxExitedRecords exited records, dropping the oldest exit first", async () => {
    setup({ maxExitedRecords: 3 });
    const procs = [];
    for (let i = 0; i < 5; i++) procs.push(await run(`p${i}`));
    for (const i of [4, 0, 3, 1, 2]) {
      spawner.processes[i]!.finish();
      await procs[i]!.exited;
    }
    const kept = manager.list(NO_CHAT).map((p) => p.params.command).sort();
    assert.deepEqual(kept, ["p1", "p2", "p3"]);
  });

  it("times out: SIGTERM to the group, SIGKILL after the grace, timed_out set", async () => {
    setup();
    spawner.onSignal = (proc, signal) => {
      if (signal === "SIGKILL") proc.die(signal);
    };
    const p = await run("trap '' TERM; sleep 9", { timeoutMs: 10, killGraceMs: 10 });
    await p.exited;
    assert.deepEqual(spawner.last.signals, ["SIGTERM", "SIGKILL"]);
    const info = processInfo(p);
    assert.equal(info.timed_out, true);
    assert.equal(info.signal, "SIGKILL");
    assert.equal(info.exit_code, -1);
  });

  it("close() TERMs every group, KILLs after the grace, and refuses later starts", async () => {
    setup();
    spawner.onSignal = (proc, signal) => {
      if (signal === "SIGKILL") proc.die(signal);
    };
    const p = await run("stubborn");
    await manager.close(10);
    assert.deepEqual(spawner.last.signals, ["SIGTERM", "SIGKILL"]);
    assert.equal(p.running, false);
    await assert.rejects(run("late"), { code: "shutting_down" });
  });

  it("close() waits for a spawn under way and ends the process it started", async () => {
    setup();
    let called!: () => void;
    const spawnCalled = new Promise<void>((resolve) => (called = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const spawn = spawner.spawn.bind(spawner);
    spawner.spawn = async (request) => {
      called();
      await gate;
      return spawn(request);
    };
    const starting = run("racing close");
    await spawnCalled;
    const closing = manager.close(10);
    open();
    const proc = await starting;
    await closing;
    assert.deepEqual(spawner.last.signals, ["SIGTERM"]);
    assert.equal(proc.running, false);
  });

  it("signal with wait_ms reports survivors read from the spawner", async () => {
    setup();
    spawner.onSignal = (proc) => {
      proc.survivors = [4242];
      proc.exit(null, "SIGTERM");
      proc.closePipe();
    };
    const p = await run("x");
    const reply = signalResponse(await manager.signal(p.id, NO_CHAT, "SIGTERM", 50), "terminate");
    assert.equal(reply.exited, false);
    assert.deepEqual(reply.survivors, [4242]);
    assert.equal(reply.signal, "SIGTERM");
    // The shell is gone but a member lives: still signalable.
    spawner.last.onSignal = (proc) => void (proc.survivors = []);
    const again = signalResponse(await manager.signal(p.id, NO_CHAT, "SIGKILL", 50), "kill");
    assert.equal(again.exited, true);
    assert.deepEqual(again.survivors, []);
    await assert.rejects(manager.signal(p.id, NO_CHAT, "SIGKILL"), { code: "not_running" });
  });

  it("wakes an until=output waiter on new bytes, not before", async () => {
    setup();
    const p = await run("x");
    let woke = false;
    const waiting = manager.waitForOutput(p, 0, 10_000).then((r) => (woke = r));
    await Promise.resolve();
    assert.equal(woke, false);
    spawner.last.write("a");
    assert.equal(await waiting, true);
  });
});
