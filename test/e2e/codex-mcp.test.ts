// Codex's exec-session tools over /mcp with the official SDK client, against a real server started under the
// current runtime: a shell session on a pipe and on a terminal, typed into across stateless MCP requests.
import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ToolCallResult } from "../support/assert.ts";
import { testRuntime } from "../support/runtime.ts";
import { startServer, type TestServer } from "../support/server.ts";

const T = { timeout: 90_000 };

describe(`codex tools over mcp on ${testRuntime()}`, () => {
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

  /** The text of a tool call that must succeed. */
  async function call(name: string, args: Record<string, unknown>): Promise<string> {
    const result = (await client.callTool({ name, arguments: args })) as ToolCallResult;
    assert.equal(result.isError, false, JSON.stringify(result));
    assert.equal(result.content.length, 1);
    return result.content[0]!.text!;
  }

  const outputOf = (text: string) => text.slice(text.indexOf("\nOutput:\n") + "\nOutput:\n".length);

  /** Runs `sh` as a session, types `echo hi`, reads until `hi` is a line of its own, then exits it. */
  async function shellSession(tty: boolean) {
    const opened = await call("exec_command", { cmd: "sh", tty, yield_time_ms: 250 });
    assert.match(opened, /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\n/);
    const id = Number(/\nProcess running with session ID (\d+)\n/.exec(opened)?.[1]);
    assert.ok(Number.isSafeInteger(id), opened);

    let seen = outputOf(await call("write_stdin", { session_id: id, chars: "echo hi\n" }));
    // The answer comes at the end of its yield time; later output comes with the next poll (empty chars).
    while (!/^hi$/m.test(seen)) {
      const polled = await call("write_stdin", { session_id: id });
      assert.match(polled, /\nProcess running with session ID \d+\n/);
      seen += outputOf(polled);
    }

    const exited = await call("write_stdin", { session_id: id, chars: "exit\n", yield_time_ms: 30_000 });
    assert.match(exited, /\nProcess exited with code 0\n/);
    assert.doesNotMatch(exited, /session ID/);
    const again = (await client.callTool({ name: "write_stdin", arguments: { session_id: id } })) as ToolCallResult;
    assert.equal(again.isError, true);
    return seen;
  }

  it("lists Codex's tools beside Coder's", T, async () => {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ["execute", "process_output", "exec_command", "write_stdin"]) assert.ok(names.includes(name));
    const exec = tools.find((tool) => tool.name === "exec_command")!;
    assert.deepEqual(exec.inputSchema.required, ["cmd"]);
    const write = tools.find((tool) => tool.name === "write_stdin")!;
    assert.deepEqual(write.inputSchema.required, ["session_id"]);
  });

  it("runs a shell on a pipe: session id, echo hi, exit 0", T, async () => {
    const seen = await shellSession(false);
    // A pipe does not echo what was typed.
    assert.doesNotMatch(seen, /echo hi/);
  });

  it("runs a shell on a terminal: session id, echo hi, exit 0", T, async (t: TestContext) => {
    const probe = (await client.callTool({
      name: "exec_command",
      arguments: { cmd: "true", tty: true, yield_time_ms: 30_000 },
    })) as ToolCallResult;
    if (probe.isError && /terminal|tty/i.test(probe.content[0]?.text ?? "")) return t.skip(probe.content[0]!.text);
    const seen = await shellSession(true);
    // A terminal echoes what was typed, and the answer has no escape sequences or CRs.
    assert.match(seen, /echo hi/);
    assert.doesNotMatch(seen, /[\r\u001b]/);
  });
});
