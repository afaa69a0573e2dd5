// An unexpected error (a bug of ours or an embedder's hook) is logged once with its stack and answered as a bare
// 500 internal_error: its message, which may hold paths or secrets, never reaches the client.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProcessApi } from "../../src/index.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";

describe("unexpected errors", () => {
  it("answers 500 internal_error without the message, and logs the error once", async () => {
    const logged: unknown[] = [];
    const spawner = new FakeSpawner();
    const api = createProcessApi({
      spawner,
      updateEnv: () => {
        throw new Error("vault token at /etc/secret-path");
      },
      logError: (err) => logged.push(err),
    });
    try {
      const response = await api.fetch(
        new Request("http://edgeproc.test/api/v0/processes/start", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"command":"true"}',
        }),
      );
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.deepEqual(JSON.parse(text), { message: "Internal server error.", code: "internal_error" });
      assert.doesNotMatch(text, /secret/);
      assert.equal(logged.length, 1);
      assert.match(String((logged[0] as Error).stack), /vault token at \/etc\/secret-path/);
      assert.equal(spawner.processes.length, 0, "nothing was started");
      const health = await api.fetch(new Request("http://edgeproc.test/healthz"));
      assert.equal(health.status, 200, "the server stays up");
    } finally {
      await api.close();
    }
  });

  it("does not log the contract's own errors", async () => {
    const logged: unknown[] = [];
    const api = createProcessApi({ spawner: new FakeSpawner(), logError: (err) => logged.push(err) });
    try {
      const response = await api.fetch(new Request("http://edgeproc.test/api/v0/processes/nope"));
      assert.equal(response.status, 404);
      await response.body?.cancel();
      assert.deepEqual(logged, []);
    } finally {
      await api.close();
    }
  });
});
