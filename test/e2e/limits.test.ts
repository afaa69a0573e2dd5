// The limits of docs/api.md §5 reach a real server through its flags and environment variables, the flag
// winning. Each limit at its edge is tested in process (test/in-process/limits).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertError } from "../support/assert.ts";
import { SLEEPER } from "../support/fixtures.ts";
import { bodyOfSize, caller, utf8Length as bytes } from "../support/http.ts";
import { rawRequest } from "../support/raw-http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, liveGroup, startServer } from "../support/server.ts";

describe("limits on a real server", () => {
  it(`reaches a real server (${testRuntime()}) through flags and environment variables`, { timeout: 60_000 }, async () => {
    const server = await startServer(["--max-processes", "2", "--max-body-bytes", "300", "--kill-grace-ms", "300"], {
      EDGEPROC_MAX_COMMAND_BYTES: "100",
      EDGEPROC_MAX_PROCESSES: "5",
    });
    const pgids: number[] = [];
    try {
      const remote = caller(`${server.url}/api/v0/processes`);
      const command = `true #${"x".repeat(94)}`;
      assert.equal(bytes(command), 100);
      assert.equal((await remote("POST", "/run", { body: { command } })).body.exit_code, 0);
      assertError(await remote("POST", "/run", { body: { command: `${command}x` } }), 400, "invalid_request", "command");
      // Over real HTTP the body carries Content-Length.
      const exact = bodyOfSize(300, { command: "true", wait_ms: 0 });
      assert.equal((await remote("POST", "/run", { raw: exact })).status, 200);
      assertError(await remote("POST", "/run", { raw: bodyOfSize(301, { command: "true" }) }), 413, "body_too_large");
      // Chunked, with no Content-Length to check first: counted as it arrives, a character split between chunks.
      const headers = { Host: "127.0.0.1", "Content-Type": "application/json" };
      const chunks = (text: string) => {
        const all = Buffer.from(text);
        const cut = all.indexOf(Buffer.from("é")) + 1;
        return [all.subarray(0, cut), all.subarray(cut, cut + 100), all.subarray(cut + 100)];
      };
      const fits = bodyOfSize(300, { command: "printf é", wait_ms: 5000 }, "é");
      const run = await rawRequest(server.url, "POST", "/api/v0/processes/run", headers, chunks(fits));
      assert.equal(run.status, 200, run.text);
      assert.equal(run.json.output, "é");
      const over = bodyOfSize(301, { command: "printf é" });
      const refused = await rawRequest(server.url, "POST", "/api/v0/processes/run", headers, chunks(over));
      assert.equal(refused.status, 413, refused.text);
      assert.equal(refused.json.code, "body_too_large");
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const reply = await remote("POST", "/start", { body: { command: SLEEPER } });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        ids.push(reply.body.id);
        pgids.push((await remote("GET", `/${reply.body.id}`)).body.pid);
      }
      // The flag (2) wins over EDGEPROC_MAX_PROCESSES (5).
      assertError(await remote("POST", "/start", { body: { command: SLEEPER } }), 429, "too_many_processes");
      for (const id of ids) {
        const killed = await remote("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 5000 } });
        assert.equal(killed.body.exited, true, JSON.stringify(killed.body));
      }
    } finally {
      await server.stop();
    }
    for (const pgid of pgids) assert.ok(await eventually(async () => (await liveGroup(pgid)).length === 0, 5000));
  });
});
