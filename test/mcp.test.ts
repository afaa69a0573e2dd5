// The MCP endpoint with the official SDK client: over real HTTP against a server started under the current
// runtime, and in process for the token and the chat scope the tools inherit from the caller.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createProcessApi, type ProcessApi } from "../src/index.ts";
import { CHAT_A, CHAT_B } from "./support/http.ts";
import { startServer, testRuntime, type TestServer } from "./support/server.ts";

const T = { timeout: 60_000 };

type CallResult = { content: { type: string; text?: string }[]; isError?: boolean };

/** The JSON of a tool result's single text block. */
function resultJson(result: unknown): any {
  const { content, isError } = result as CallResult;
  assert.equal(isError, false, JSON.stringify(result));
  assert.equal(content.length, 1);
  assert.equal(content[0]!.type, "text");
  return JSON.parse(content[0]!.text!);
}

describe(`mcp over HTTP on ${testRuntime()}`, () => {
  let server: TestServer;
  let client: Client;

  before(async () => {
    server = await startServer();
    client = new Client({ name: "edgeproc-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
  });

  after(async () => {
    await client?.close();
    await server?.stop();
  });

  it("initializes as edgeproc with tools", T, () => {
    assert.equal(client.getServerVersion()?.name, "edgeproc");
    assert.ok(client.getServerCapabilities()?.tools);
  });

  it("lists the four tools with their input schemas", T, async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ["execute", "process_list", "process_output", "process_signal"]);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, "object");
      assert.ok(tool.description && tool.description.length > 20);
    }
    const execute = tools.find((t) => t.name === "execute")!;
    assert.deepEqual(execute.inputSchema.required, ["command"]);
    assert.ok(execute.inputSchema.properties?.timeout);
  });

  it("runs execute and answers coder's ExecuteResult as text", T, async () => {
    const result = await client.callTool({ name: "execute", arguments: { command: "echo hi" } });
    const value = resultJson(result);
    assert.equal(value.success, true);
    assert.equal(value.output, "hi\n");
    assert.equal(value.exit_code, 0);
  });

  it("runs the process tools on a background process", T, async () => {
    const started = resultJson(
      await client.callTool({ name: "execute", arguments: { command: "sleep 30", run_in_background: true } }),
    );
    const id = started.background_process_id as string;
    const list = resultJson(await client.callTool({ name: "process_list", arguments: {} }));
    assert.ok(list.processes.some((p: { id: string; running: boolean }) => p.id === id && p.running));
    const sent = resultJson(
      await client.callTool({ name: "process_signal", arguments: { process_id: id, signal: "kill" } }),
    );
    assert.equal(sent.success, true);
    const output = resultJson(
      await client.callTool({ name: "process_output", arguments: { process_id: id, wait_timeout: "30s" } }),
    );
    assert.equal(output.exit_code, -1);
    assert.equal(output.note, "process ended by SIGKILL");
  });

  it("answers bad arguments as an error result", T, async () => {
    const result = (await client.callTool({ name: "execute", arguments: {} })) as CallResult;
    assert.equal(result.isError, true);
    assert.equal(result.content[0]!.text, "command is required");
  });

  it("refuses GET in stateless mode", T, async () => {
    const response = await fetch(`${server.url}/mcp`, { headers: { accept: "text/event-stream" } });
    await response.body?.cancel();
    assert.equal(response.status, 405);
  });
});

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

  it("runs the tools as the caller: its token and its chat", T, async () => {
    const a = connect({ authorization: "Bearer s3cret", "coder-chat-id": CHAT_A });
    await a.connected;
    const value = resultJson(
      await a.client.callTool({ name: "execute", arguments: { command: 'printf "$CODER_CHAT_ID"' } }),
    );
    assert.equal(value.output, CHAT_A);
    const mine = resultJson(await a.client.callTool({ name: "process_list", arguments: {} }));
    assert.equal(mine.processes.length, 1);

    const b = connect({ authorization: "Bearer s3cret", "coder-chat-id": CHAT_B });
    await b.connected;
    const theirs = resultJson(await b.client.callTool({ name: "process_list", arguments: {} }));
    assert.deepEqual(theirs.processes, []);
    await a.client.close();
    await b.client.close();
  });
});
