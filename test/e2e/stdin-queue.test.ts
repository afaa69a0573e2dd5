// Stdin writes are bounded per process (docs/api.md §4.6, §5): a child that never reads holds at most
// `--max-stdin-queue-bytes` of waiting writes; the next write answers 429 `stdin_busy` at once, while the earlier
// ones still wait. `written` counts bytes the pipe took: a write the child never reads is not answered 200 but,
// after the longest wait, 409. Real processes over real HTTP.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertError } from "../support/assert.ts";
import { caller, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, startServer, type TestServer } from "../support/server.ts";

const T = { timeout: 60_000 };
/** Larger than a pipe holds (64 KiB), so a write to a child that does not read cannot finish. */
const CHUNK = "x".repeat(300_000);

describe(`stdin queue on ${testRuntime()}`, () => {
  let server: TestServer;
  let call: Caller;

  before(async () => {
    server = await startServer(["--quiet", "--max-stdin-queue-bytes", "600000", "--max-wait-ms", "3000"]);
    call = caller(`${server.url}/api/v0/processes`);
  });

  after(async () => {
    await server?.stop();
  });

  const stdinWrites = async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { activity: { stdin_writes: number } };
    return health.activity.stdin_writes;
  };

  it("answers 429 stdin_busy at once past the cap, and 409 (not 200) for bytes never read", T, async () => {
    const started = await call("POST", "/start", { body: { command: "sleep 300", stdin: true } });
    const id = started.body.id as string;
    try {
      const first = call("POST", `/${id}/stdin`, { body: { data: CHUNK } });
      assert.ok(await eventually(async () => (await stdinWrites()) === 1), "the first write is waiting");
      const second = call("POST", `/${id}/stdin`, { body: { data: CHUNK } }); // 600000: at the cap
      assert.ok(await eventually(async () => (await stdinWrites()) === 2), "the second write is queued");
      let settled = 0;
      void first.then(() => settled++);
      void second.then(() => settled++);
      const busy = await call("POST", `/${id}/stdin`, { body: { data: "y" } });
      assertError(busy, 429, "stdin_busy", /too much stdin waiting/);
      assert.equal(settled, 0, "429 came while the queued writes still waited");
      // The child never reads: neither write may claim its bytes were written.
      for (const reply of [await first, await second]) {
        assertError(reply, 409, "stdin_closed", /did not read its stdin in time/);
      }
    } finally {
      await call("POST", `/${id}/signal`, { body: { signal: "kill" } });
    }
  });

  it("takes every queued write of a child that reads, in order", T, async () => {
    const started = await call("POST", "/start", { body: { command: "wc -c", stdin: true } });
    const id = started.body.id as string;
    const write = () => call("POST", `/${id}/stdin`, { body: { data: CHUNK } });
    const replies = await Promise.all([write(), write()]);
    assert.deepEqual(replies.map((r) => [r.status, r.body.written]), [[200, 300_000], [200, 300_000]]);
    await call("POST", `/${id}/stdin`, { body: { eof: true } });
    const out = (await call("GET", `/${id}/output?wait=true`)).body;
    assert.deepEqual([out.exit_code, out.output.trim()], [0, "600000"]);
  });
});
