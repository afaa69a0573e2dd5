// The global output budget (`maxOutputBytes`, docs/api.md §5) through the handler, with a fake spawner: the sum
// of retained output stays within it whatever many records write, every snapshot stays exact, cursor reads of
// dropped bytes report `gap_bytes`, and `/healthz` reports both numbers. The same on real processes:
// test/e2e/output-budget.test.ts.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { createProcessApi, type ProcessApi } from "../../src/create-process-api.ts";
import type { Limits } from "../../src/core/limits.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";
import { caller, type Caller } from "../support/http.ts";

let api: ProcessApi | null = null;
let spawner: FakeSpawner;
let call: Caller;

function setup(limits: Partial<Limits>): void {
  spawner = new FakeSpawner();
  api = createProcessApi({ spawner, env: { PATH: "/usr/bin:/bin" }, limits });
  call = caller("http://edgeproc.test/api/v0/processes", api.fetch);
}

afterEach(async () => {
  for (const p of spawner?.processes ?? []) p.die("SIGKILL");
  await api?.close();
  api = null;
});

/** Numbered ASCII lines, `length` bytes in all, different for each `seed`. */
function lines(seed: number, length: number): string {
  let text = "";
  for (let n = 0; text.length < length; n++) text += `${seed}:${n} ${"x".repeat(40)}\n`;
  return text.slice(0, length);
}

/** The snapshot docs/api.md §3.3 promises for ASCII output with short lines, computed from the text itself. */
function expectedSnapshot(text: string, head: number, tail: number) {
  if (text.length <= head + tail) return text;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n\n... [omitted ${omitted} bytes] ...\n\n${text.slice(-tail)}`;
}

async function health(): Promise<{ retained_bytes: number; budget_bytes: number }> {
  const reply = await caller("http://edgeproc.test", api!.fetch)("GET", "/healthz");
  assert.equal(reply.status, 200);
  return reply.body.output;
}

/** Starts a process that writes `text` and exits; resolves with its id once its record is exited. */
async function writeAndExit(text: string): Promise<string> {
  const reply = await call("POST", "/start", { body: { command: "writer" } });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const fake = spawner.last;
  for (let at = 0; at < text.length; at += 65536) fake.write(text.slice(at, at + 65536));
  fake.finish(0);
  const waited = await call("GET", `/${reply.body.id}/output?wait=true`);
  assert.equal(waited.body.running, false);
  return reply.body.id;
}

describe("output budget", () => {
  it("keeps 40 records of 300 kB within 2 MiB, each snapshot exact, and reports gaps where windows shrank", async () => {
    const limits = { maxOutputBytes: 2 << 20, maxRunning: 8, headBytes: 4096, tailBytes: 4096, windowBytes: 256 << 10 };
    setup(limits);
    assert.deepEqual(await health(), { retained_bytes: 0, budget_bytes: 2 << 20 });
    const written: [string, string][] = [];
    for (let i = 0; i < 40; i++) {
      const text = lines(i, 300_000);
      written.push([await writeAndExit(text), text]);
      const { retained_bytes } = await health();
      assert.ok(retained_bytes <= limits.maxOutputBytes, `${retained_bytes} retained after ${i + 1} records`);
    }
    // Unbounded, the 40 windows alone would hold 10 MiB: the budget was spent and windows gave memory back.
    assert.ok((await health()).retained_bytes > limits.maxOutputBytes / 2);
    let gaps = 0;
    for (const [id, text] of written) {
      const snapshot = await call("GET", `/${id}/output`);
      assert.equal(snapshot.body.output, expectedSnapshot(text, limits.headBytes, limits.tailBytes), id);
      assert.equal(snapshot.body.truncated.original_bytes, text.length);
      const read = await call("GET", `/${id}/output?cursor=${limits.headBytes}&limit=1048576`);
      assert.equal(read.body.cursor, limits.headBytes + read.body.gap_bytes);
      assert.equal(read.body.output, text.slice(read.body.cursor), "what is served is exact");
      if (read.body.gap_bytes > text.length - limits.windowBytes - limits.headBytes) gaps++;
    }
    assert.ok(gaps > 0, "no window shrank below its size");
    const [newest, text] = written.at(-1)!;
    const recent = await call("GET", `/${newest}/output?cursor=${text.length - limits.windowBytes}&limit=1048576`);
    assert.equal(recent.body.gap_bytes, 0, "the newest record keeps its whole window");
  });

  it("shares the budget among running processes, and gives memory back as records go", async () => {
    const limits = { maxOutputBytes: 1 << 20, maxRunning: 16, headBytes: 4096, tailBytes: 4096, windowBytes: 256 << 10 };
    setup(limits);
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) {
      const reply = await call("POST", "/start", { body: { command: "flood" } });
      ids.push(reply.body.id);
    }
    const fakes = spawner.processes.slice(-16);
    for (let round = 0; round < 8; round++) {
      for (const [i, fake] of fakes.entries()) fake.write(lines(i * 100 + round, 64 << 10));
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.ok((await health()).retained_bytes <= limits.maxOutputBytes);
    }
    for (const [i, id] of ids.entries()) {
      const tail = await call("GET", `/${id}/output`);
      assert.ok(tail.body.output.endsWith(lines(i * 100 + 7, 64 << 10).slice(-limits.tailBytes)), `tail of ${i}`);
    }
    for (const fake of fakes) fake.finish(0);
    for (const id of ids) await call("GET", `/${id}/output?wait=true`);
    for (const id of ids) assert.equal((await call("DELETE", `/${id}`)).status, 200);
    assert.equal((await health()).retained_bytes, 0);
  });

  it("drops the oldest exited records only when their floors alone pass the budget", async () => {
    const floor = 1024 + 1024 + 3;
    setup({ maxOutputBytes: 8 * floor, maxRunning: 2, headBytes: 1024, tailBytes: 1024, windowBytes: 8192 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await writeAndExit(lines(i, 5000)));
    const kept = (await Promise.all(ids.map((id) => call("GET", `/${id}`)))).map((reply) => reply.status === 200);
    const firstKept = kept.indexOf(true);
    assert.ok(firstKept > 0, "some record was dropped");
    assert.deepEqual(kept.slice(firstKept), kept.slice(firstKept).map(() => true), "the oldest went first");
    assert.ok(kept.filter(Boolean).length >= 7, `only ${kept.filter(Boolean).length} kept`);
    assert.ok((await health()).retained_bytes <= 8 * floor);
  });

  it("refuses to build an API whose budget cannot hold every running process's head and tail", () => {
    assert.throws(() => createProcessApi({ spawner: new FakeSpawner(), limits: { maxOutputBytes: 1 << 20 } }), RangeError);
  });
});
