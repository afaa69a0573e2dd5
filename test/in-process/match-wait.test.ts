// until=match in process with a fake spawner, where the output's timing is the test's (docs/api.md §4.5): waiters
// with the same pattern share one scan, a waiter that gives up frees its scan and its waiter count, the exit ends
// every wait (trying the unended last line), and a later cursor does not see an earlier line.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { createProcessApi, type ProcessApi } from "../../src/create-process-api.ts";
import { linePattern, MatchWatches } from "../../src/core/match-wait.ts";
import type { LinePattern } from "../../src/output/line-pattern.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";
import { caller } from "../support/http.ts";

let api: ProcessApi | null = null;
afterEach(async () => {
  for (const p of spawner?.processes ?? []) p.finish();
  await api?.close();
  api = null;
});

let spawner: FakeSpawner | null = null;
function withFake() {
  spawner = new FakeSpawner();
  api = createProcessApi({ spawner, env: { PATH: "/usr/bin:/bin" } });
  return { fake: spawner, api, call: caller("http://127.0.0.1/api/v0/processes", api.fetch) };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe("until=match in process", () => {
  it("wakes every waiter of one pattern on the line", async () => {
    const { fake, api, call } = withFake();
    const { id } = (await call("POST", "/start", { body: { command: "dev" } })).body;
    fake.last.write("compiling\n");
    await tick();
    const waits = Array.from({ length: 20 }, () => call("GET", `/${id}/output?until=match&pattern=ready&wait_ms=10000`));
    const other = call("GET", `/${id}/output?until=match&pattern=other&wait_ms=10000`);
    await tick();
    assert.equal(api.manager.activity.waiters, 21);
    fake.last.write("rea");
    await tick();
    fake.last.write("dy on 3000\n");
    const replies = await Promise.all(waits);
    for (const reply of replies) assert.deepEqual(reply.body.match, { text: "ready on 3000", cursor: 10 });
    assert.equal(api.manager.activity.waiters, 1, "the other pattern still waits");
    fake.last.finish();
    const last = await other;
    assert.equal(last.body.match, undefined);
    assert.equal(last.body.running, false);
    assert.equal(api.manager.activity.waiters, 0);
  });

  it("shares one scan between waiters of one pattern from the same line on, and stops it with the last", async () => {
    const { fake, api, call } = withFake();
    const { id } = (await call("POST", "/start", { body: { command: "dev" } })).body;
    fake.last.write("one\n");
    await tick();
    const proc = api.manager.get(id, { chatId: null, ancestorIds: [] });
    const watches = new MatchWatches(proc, 2048);
    const ready = linePattern("ready", "", 2048);
    const waits = [0, 0, 4, 2].map((cursor) => watches.wait(ready, cursor));
    assert.equal(watches.scanCount, 1, "cursors on or after the first scan's start join it");
    const other = watches.wait(linePattern("other", "", 2048), 0);
    assert.equal(watches.scanCount, 2);
    other.cancel();
    assert.equal(watches.scanCount, 1);
    fake.last.write("ready\n");
    for (const wait of waits) assert.deepEqual(await wait.settled, { text: "ready", cursor: 4 });
    assert.equal(watches.scanCount, 0);
    const gaveUp = watches.wait(ready, 10);
    gaveUp.cancel();
    assert.equal(watches.scanCount, 0);
  });

  it("a slow pattern on a long backlog matches in steps, letting other tasks run between them", async () => {
    const { fake, api, call } = withFake();
    const { id } = (await call("POST", "/start", { body: { command: "dev" } })).body;
    for (let i = 0; i < 16; i++) fake.last.write(`${"x".repeat(1999)}\n`.repeat(16));
    fake.last.write("found\n");
    await tick();
    // A pattern that spends 2 ms of CPU on every call, whatever it is given: the matcher's worst case, on purpose.
    const slow: LinePattern = {
      source: "found",
      flags: "",
      findLine(text) {
        for (const until = performance.now() + 2; performance.now() < until; );
        const at = text.indexOf("found");
        return at === -1 ? -1 : text.lastIndexOf("\n", at) + 1;
      },
      testLine: (line) => line.includes("found"),
    };
    const proc = api.manager.get(id, { chatId: null, ancestorIds: [] });
    const watches = new MatchWatches(proc, 2048);
    const wait = watches.wait(slow, 0);
    let otherRan = false;
    setTimeout(() => (otherRan = true), 0);
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(otherRan, true);
    assert.equal(watches.scanCount, 1, "the scan yielded before it was done: 32 steps of 2 ms each");
    assert.deepEqual(await wait.settled, { text: "found", cursor: 256 * 2000 });
  });

  it("a client that goes away mid-wait frees its match and port waits", async () => {
    const { api, call } = withFake();
    const { id } = (await call("POST", "/start", { body: { command: "dev" } })).body;
    for (const query of ["until=match&pattern=never", "until=port&port=3000"]) {
      const gone = new AbortController();
      const url = `http://127.0.0.1/api/v0/processes/${id}/output?${query}&wait_ms=60000`;
      const answer = api.fetch(new Request(url, { signal: gone.signal })).catch(() => null);
      await tick();
      assert.equal(api.manager.activity.waiters, 1, query);
      gone.abort();
      await answer;
      await tick();
      assert.equal(api.manager.activity.waiters, 0, `${query}: the wait ended with its client`);
    }
  });

  it("a timed-out waiter leaves nothing behind; the exit tries the unended last line", async () => {
    const { fake, api, call } = withFake();
    const { id } = (await call("POST", "/start", { body: { command: "dev" } })).body;
    const timedOut = await call("GET", `/${id}/output?until=match&pattern=x&wait_ms=30`);
    assert.equal(timedOut.body.match, undefined);
    assert.equal(api.manager.activity.waiters, 0);
    const waiting = call("GET", `/${id}/output?until=match&pattern=^bye$&wait_ms=10000`);
    await tick();
    fake.last.write("hello\nbye");
    await tick();
    fake.last.finish();
    assert.deepEqual((await waiting).body.match, { text: "bye", cursor: 6 });
  });

  it("a cursor past a line does not see it; a waiter joining later shares the scan", async () => {
    const { fake, call } = withFake();
    const { id } = (await call("POST", "/start", { body: { command: "dev" } })).body;
    fake.last.write("ready 1\n");
    await tick();
    const early = await call("GET", `/${id}/output?until=match&pattern=ready&wait_ms=1000`);
    assert.deepEqual(early.body.match, { text: "ready 1", cursor: 0 });
    const later = call("GET", `/${id}/output?until=match&pattern=ready&cursor=8&wait_ms=10000`);
    const alsoLater = call("GET", `/${id}/output?until=match&pattern=ready&cursor=8&wait_ms=10000`);
    await tick();
    fake.last.write("ready 2\n");
    assert.deepEqual((await later).body.match, { text: "ready 2", cursor: 8 });
    assert.deepEqual((await alsoLater).body.match, { text: "ready 2", cursor: 8 });
  });
});
