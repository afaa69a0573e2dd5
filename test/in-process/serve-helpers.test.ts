// The serve helper of the runtime under test (edgeproc/node, edgeproc/bun, edgeproc/deno) on a port that is taken:
// it rejects with an error naming the address, rather than throwing an uncaught 'error' event (node:http) or
// leaving the API it built behind; and the helpers of other runtimes refuse to run here, saying which they need.
import assert from "node:assert/strict";
import { type AddressInfo, createServer } from "node:net";
import { describe, it } from "node:test";
import { serve as serveOnBun } from "../../src/serve/bun.ts";
import { serve as serveOnDeno } from "../../src/serve/deno.ts";
import { serve as serveOnNode } from "../../src/serve/node.ts";
import { testRuntime } from "../support/runtime.ts";

const runtime = testRuntime();
const own = runtime === "bun" ? serveOnBun : runtime === "deno" ? serveOnDeno : serveOnNode;

describe(`serve helpers on ${runtime}`, () => {
  it("rejects with the address when the port is taken, and serves on the next try", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
    const { port } = blocker.address() as AddressInfo;
    try {
      await assert.rejects(own({ port, handleSignals: false }), (err: Error) => {
        assert.match(err.message, new RegExp(`^edgeproc: cannot listen on http://127\\.0\\.0\\.1:${port}: `));
        return true;
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const served = await own({ port: 0, handleSignals: false });
    assert.equal((await fetch(`${served.url}/healthz`)).status, 200);
    await served.close();
  });

  it("refuses the Deno helper off Deno with a clear error", { skip: runtime === "deno" && "this is Deno" }, async () => {
    await assert.rejects(serveOnDeno({ port: 0, handleSignals: false }), /needs the Deno runtime/);
  });
});
