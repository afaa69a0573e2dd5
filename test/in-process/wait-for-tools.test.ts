// `wait_for` in the agent tools (docs/api.md §4.5 through `edgeproc/tools` and /mcp), over the typed client and the
// real API with real processes: execute, process_output and exec_command return as soon as a line matches or a
// port listens, say what met the wait, tell a timeout or an early exit apart, and refuse a bad condition before
// anything starts.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createClient, type EdgeprocClient } from "../../src/client/index.ts";
import { createProcessApi, type ProcessApi } from "../../src/index.ts";
import { type AgentTools, createAgentTools, type ToolResult } from "../../src/tools/index.ts";
import type { ToolCallResult } from "../support/assert.ts";
import { testRuntime } from "../support/runtime.ts";
import { freePort } from "../support/server.ts";

const T = { timeout: 60_000 };
let api: ProcessApi;
let client: EdgeprocClient;
let tools: AgentTools;

before(() => {
  api = createProcessApi({ env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  client = createClient({ baseUrl: "http://edgeproc.test", fetch: api.fetch });
  tools = createAgentTools(client, { toolSet: "both" });
});

after(async () => {
  await api.close();
});

function valueOf<T>(result: ToolResult<T>): T {
  assert.equal(result.isError, false, result.text);
  return result.value as T;
}

const kill = (id: string) => client.signal(id, "kill", { waitMs: 10_000 }).catch(() => undefined);


describe(`wait_for in the agent tools on ${testRuntime()}`, () => {
  it("execute returns once the line is printed, with the id of the server that runs on", T, async () => {
    const command = "echo compiling; sleep 0.5; echo 'ready in 12 ms'; sleep 30";
    const started = Date.now();
    const result = valueOf(await tools.execute.run({ command, timeout: "30s", wait_for: { pattern: "ready in \\d+" } }));
    assert.ok(Date.now() - started < 30_000, "before the timeout");
    assert.equal(result.success, true);
    assert.match(result.note!, /^ready: printed "ready in 12 ms"/);
    assert.match(result.output!, /compiling\nready in 12 ms/);
    const id = result.background_process_id!;
    assert.equal((await client.get(id)).running, true);
    assert.equal((await client.get(id)).background, true, "a process waited on for readiness is a background one");
    await kill(id);
  });

  it("execute with a port: the server listens; a timeout and an early exit are errors that say so", T, async () => {
    const port = await freePort();
    const served = valueOf(
      await tools.execute.run({ command: `exec python3 -m http.server ${port} --bind 127.0.0.1`, wait_for: { port } }),
    );
    assert.equal(served.success, true, JSON.stringify(served));
    assert.match(served.note!, new RegExp(`listening on 127\\.0\\.0\\.1:${port}`));
    await kill(served.background_process_id!);
    const late = valueOf(await tools.execute.run({ command: "sleep 30", timeout: "1s", wait_for: { pattern: "up" } }));
    assert.equal(late.success, false);
    assert.match(late.error!, /^command timed out after 1s waiting for a line matching \/up\/$/);
    await kill(late.background_process_id!);
    const early = valueOf(await tools.execute.run({ command: "echo bye; exit 3", wait_for: { port } }));
    assert.equal(early.success, false);
    assert.equal(early.exit_code, 3);
    assert.match(early.error!, new RegExp(`exited before a listener on port ${port}`));
  });

  it("process_output waits for the line of a background process", T, async () => {
    const { id } = await client.start({ command: "sleep 0.5; echo 'Local: http://localhost:5173/'; sleep 30" });
    const result = valueOf(
      await tools.process_output.run({ process_id: id, wait_timeout: "20s", wait_for: { pattern: "local:", flags: "i" } }),
    );
    assert.equal(result.success, true);
    assert.match(result.note!, /^ready: printed "Local: http:\/\/localhost:5173\/"/);
    await kill(id);
  });

  it("exec_command answers with the session once the line is printed", T, async () => {
    const result = await tools.exec_command.run({
      cmd: "sleep 0.3; echo 'server started'; sleep 30",
      yield_time_ms: 30_000,
      wait_for: { pattern: "started$" },
    });
    assert.equal(result.isError, false, result.text);
    assert.match(result.text, /Process running with session ID \d+/);
    assert.match(result.text, /Output:\nserver started\n$/);
    assert.ok((result.value as { wall_time_seconds: number }).wall_time_seconds < 30);
    for (const p of (await client.list({ running: true })).processes) await kill(p.id);
  });

  it("a bad wait_for is refused before anything starts", T, async () => {
    const before = (await client.list({ limit: 1000 })).processes.length;
    const bad = [{ pattern: "(" }, { pattern: "(?=x)" }, {}, { pattern: "a", port: 80 }, { port: 0 }, { port: 2.5 }];
    for (const wait_for of bad) {
      const result = await tools.execute.run({ command: "echo never", wait_for });
      assert.equal(result.isError, true, JSON.stringify(wait_for));
      assert.match(result.text, /wait_for/);
      assert.equal((await tools.exec_command.run({ cmd: "echo never", wait_for })).isError, true);
    }
    assert.equal((await client.list({ limit: 1000 })).processes.length, before, "nothing ran");
  });

  it("over /mcp: the tools list wait_for and execute waits on it", T, async () => {
    const mcp = new Client({ name: "edgeproc-test", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL("http://edgeproc.test/mcp"), {
      fetch: (url, init) => api.fetch(new Request(String(url), init)),
    });
    await mcp.connect(transport);
    try {
      const listed = (await mcp.listTools()).tools;
      for (const name of ["execute", "process_output", "exec_command"]) {
        const schema = listed.find((t) => t.name === name)!.inputSchema as { properties: Record<string, unknown> };
        assert.ok("wait_for" in schema.properties, name);
      }
      const args = { command: "sleep 0.2; echo READY; sleep 30", wait_for: { pattern: "^READY$" } };
      const reply = (await mcp.callTool({ name: "execute", arguments: args })) as ToolCallResult;
      const value = JSON.parse(reply.content[0]!.text!);
      assert.equal(value.success, true, reply.content[0]!.text ?? "");
      assert.match(value.note as string, /ready: printed "READY"/);
      await kill(value.background_process_id);
    } finally {
      await mcp.close();
    }
  });
});
