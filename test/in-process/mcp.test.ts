// The MCP endpoint with the official SDK client in process: the token and the chat scope the tools inherit from
// the caller. The tools over real HTTP against a server: test/e2e/mcp.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { toolResultJson } from "../support/assert.ts";
import { createProcessApi, type ProcessApi } from "../../src/index.ts";
import { CHAT_A, CHAT_B } from "../support/http.ts";
import { initializeOfSize, MCP_POST_HEADERS } from "../support/mcp.ts";
import { testRuntime } from "../support/runtime.ts";

const T = { timeout: 60_000 };

describe(`mcp in process on ${testRuntime()}`, () => {
  let api: ProcessApi;

  before(() => {
    api = createProcessApi({ token: "s3cret" });
  });

  after(async () => {
    await api.close();
  });

  function connect(headers: Record<string, string>) {
    const client = new Client({ name: "edgeproc-test", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL("http://edgeproc.test/mcp"), {
      fetch: (url, init) => api.fetch(new Request(String(url), init)),
      requestInit: { headers },
    });
    return { client, connected: client.connect(transport) };
  }

  it("sits behind the token", T, async () => {
    const denied = await api.fetch(
      new Request("http://edgeproc.test/mcp", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      }),
    );
    assert.equal(denied.status, 401);
    assert.equal(((await denied.json()) as { code: string }).code, "unauthorized");
    const { client, connected } = connect({});
    await assert.rejects(connected);
    await client.close();
  });

  it("honours the request body limit (413), like every other route", T, async () => {
    const limited = createProcessApi({ limits: { maxBodyBytes: 300 } });
    try {
      const post = (bytes: number) => {
        const init = { method: "POST", headers: MCP_POST_HEADERS, body: initializeOfSize(bytes) };
        return limited.fetch(new Request("http://edgeproc.test/mcp", init));
      };
      const over = await post(301);
      assert.equal(over.status, 413);
      assert.equal(((await over.json()) as { code: string }).code, "body_too_large");
      const exact = await post(300);
      assert.equal(exact.status, 200, await exact.clone().text());
      await exact.body?.cancel();
    } finally {
      await limited.close();
    }
  });

  it("runs the tools as the caller: its token and its chat", T, async () => {
    const a = connect({ authorization: "Bearer s3cret", "coder-chat-id": CHAT_A });
    await a.connected;
    const value = toolResultJson(
      await a.client.callTool({ name: "execute", arguments: { command: 'printf "$CODER_CHAT_ID"' } }),
    );
    assert.equal(value.output, CHAT_A);
    const mine = toolResultJson(await a.client.callTool({ name: "process_list", arguments: {} }));
    assert.equal(mine.processes.length, 1);

    const b = connect({ authorization: "Bearer s3cret", "coder-chat-id": CHAT_B });
    await b.connected;
    const theirs = toolResultJson(await b.client.callTool({ name: "process_list", arguments: {} }));
    assert.deepEqual(theirs.processes, []);
    await a.client.close();
    await b.client.close();
  });
});
