// The MCP endpoint with the official SDK client over real HTTP, against a server started under the current
// runtime: the handshake, the four tools and their errors. The token and chat scope: test/in-process/mcp.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type ToolCallResult, toolResultJson } from "../support/assert.ts";
import { SLEEPER } from "../support/fixtures.ts";
import { testRuntime } from "../support/runtime.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { initializeOfSize, MCP_POST_HEADERS } from "../support/mcp.ts";

const T = { timeout: 60_000 };

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
    const names = ["exec_command", "execute", "process_list", "process_output", "process_signal", "write_stdin"];
    assert.deepEqual(tools.map((t) => t.name).sort(), names);
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
    const value = toolResultJson(result);
    assert.equal(value.success, true);
    assert.equal(value.output, "hi\n");
    assert.equal(value.exit_code, 0);
  });

  it("runs the process tools on a background process", T, async () => {
    const started = toolResultJson(
      await client.callTool({ name: "execute", arguments: { command: SLEEPER, run_in_background: true } }),
    );
    const id = started.background_process_id as string;
    const list = toolResultJson(await client.callTool({ name: "process_list", arguments: {} }));
    assert.ok(list.processes.some((p: { id: string; running: boolean }) => p.id === id && p.running));
    const sent = toolResultJson(
      await client.callTool({ name: "process_signal", arguments: { process_id: id, signal: "kill" } }),
    );
    assert.equal(sent.success, true);
    const output = toolResultJson(
      await client.callTool({ name: "process_output", arguments: { process_id: id, wait_timeout: "30s" } }),
    );
    assert.equal(output.exit_code, -1);
    assert.equal(output.note, "process ended by SIGKILL");
  });

  it("answers bad arguments as an error result", T, async () => {
    const result = (await client.callTool({ name: "execute", arguments: {} })) as ToolCallResult;
    assert.equal(result.isError, true);
    assert.equal(result.content[0]!.text, "command is required");
  });

  it("holds its request body to --max-body-bytes: 413 one byte over, 200 at the limit", T, async () => {
    const post = (bytes: number) =>
      fetch(`${server.url}/mcp`, { method: "POST", headers: MCP_POST_HEADERS, body: initializeOfSize(bytes) });
    const limit = 1 << 20; // the default --max-body-bytes
    const over = await post(limit + 1);
    assert.equal(over.status, 413);
    assert.equal(((await over.json()) as { code: string }).code, "body_too_large");
    const exact = await post(limit);
    assert.equal(exact.status, 200, await exact.clone().text());
    await exact.body?.cancel();
  });

  it("refuses GET in stateless mode", T, async () => {
    const response = await fetch(`${server.url}/mcp`, { headers: { accept: "text/event-stream" } });
    await response.body?.cancel();
    assert.equal(response.status, 405);
  });
});
