// The global output budget on real processes over real HTTP (docs/api.md §5, `--max-output-bytes`): records that
// would keep 12 MiB unbounded keep at most the 4 MiB budget, finished and running ones alike; every snapshot is
// exactly the head and tail of what the command wrote; a cursor read of bytes given back reports `gap_bytes`.
// The 1000 × 2 MiB and flood cases with RSS: `npm run load` (docs/load.md).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { caller, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, startServer, type TestServer } from "../support/server.ts";

const T = { timeout: 120_000 };
const BUDGET = 4 << 20;
const HEAD = 16384;
const TAIL = 16384;
/** What `seq 1 150000` prints: 938895 bytes. */
const SEQ = Array.from({ length: 150000 }, (_, i) => `${i + 1}\n`).join("");

function expectedSnapshot(text: string): string {
  return `${text.slice(0, HEAD)}\n\n... [omitted ${text.length - HEAD - TAIL} bytes] ...\n\n${text.slice(-TAIL)}`;
}

describe(`output budget on ${testRuntime()}`, () => {
  let server: TestServer;
  let call: Caller;

  before(async () => {
    server = await startServer(["--quiet", "--max-output-bytes", String(BUDGET), "--max-processes", "16"]);
    call = caller(`${server.url}/api/v0/processes`);
  });

  after(async () => {
    await server?.stop();
  });

  const output = async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
      output: { retained_bytes: number; budget_bytes: number };
    };
    return health.output;
  };

  it("keeps 12 finished records of ~1 MB within the budget, snapshots exact, old windows given back", T, async () => {
    assert.equal((await output()).budget_bytes, BUDGET);
    const ids: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const runs = await Promise.all([0, 1, 2].map(() => call("POST", "/run", { body: { command: "seq 1 150000" } })));
      for (const run of runs) {
        assert.equal(run.status, 200, JSON.stringify(run.body));
        assert.equal(run.body.exit_code, 0);
        assert.equal(run.body.output, expectedSnapshot(SEQ));
        ids.push(run.body.id);
      }
      const { retained_bytes } = await output();
      assert.ok(retained_bytes <= BUDGET, `${retained_bytes} retained after batch ${batch}`);
    }
    assert.ok((await output()).retained_bytes > BUDGET / 2, "the budget is used, not starved");
    const gaps: number[] = [];
    for (const id of ids) {
      const snapshot = await call("GET", `/${id}/output`);
      assert.equal(snapshot.body.output, expectedSnapshot(SEQ), "a snapshot stays exact for as long as the record exists");
      const read = await call("GET", `/${id}/output?cursor=${HEAD}&limit=1048576`);
      assert.equal(read.body.cursor, HEAD + read.body.gap_bytes);
      assert.equal(read.body.output, SEQ.slice(read.body.cursor));
      gaps.push(read.body.gap_bytes);
    }
    assert.ok(gaps[0]! > 0, "the oldest record gave its window back");
    assert.equal(gaps.at(-1), 0, "the newest record keeps its whole window");
    for (const id of ids) assert.equal((await call("DELETE", `/${id}`)).status, 200);
    assert.equal((await output()).retained_bytes, 0, "deleted records give everything back");
  });

  it("shares the budget among 8 running processes, each snapshot exact while they run", T, async () => {
    const started = await Promise.all(
      Array.from({ length: 8 }, () => call("POST", "/start", { body: { command: "seq 1 150000; exec sleep 60" } })),
    );
    const ids = started.map((reply) => reply.body.id as string);
    try {
      const done = async () =>
        (await Promise.all(ids.map((id) => call("GET", `/${id}`)))).every((r) => r.body.total_bytes === SEQ.length);
      assert.ok(await eventually(done, 60_000), "every process wrote its output");
      const { retained_bytes } = await output();
      assert.ok(retained_bytes <= BUDGET, `${retained_bytes} retained by 8 running processes`);
      for (const id of ids) {
        const snapshot = await call("GET", `/${id}/output`);
        assert.equal(snapshot.body.running, true);
        assert.equal(snapshot.body.output, expectedSnapshot(SEQ));
        const read = await call("GET", `/${id}/output?cursor=${HEAD}&limit=1048576`);
        assert.equal(read.body.output, SEQ.slice(read.body.cursor));
      }
    } finally {
      await Promise.all(ids.map((id) => call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 10_000 } })));
    }
  });
});
