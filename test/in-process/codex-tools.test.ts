// Codex's exec-session tools (`exec_command`, `write_stdin`) of `edgeproc/tools` over the typed client and the real
// API with real processes: Codex's answer layout, output since the previous read, the token budget, Ctrl-C and
// Ctrl-D on pipes and terminals, the session store, the tool sets, and sessions kept across stateless MCP requests.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it, type TestContext } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createClient, type EdgeprocClient } from "../../src/client/index.ts";
import { createProcessApi, type ProcessApi } from "../../src/index.ts";
import { createAgentTools, createExecSessionStore, type ExecSessionResult } from "../../src/tools/index.ts";
import type { CodexTools, ToolResult } from "../../src/tools/index.ts";
import { middleCut } from "../../src/tools/exec-output.ts";
import type { ToolCallResult } from "../support/assert.ts";
import { CHAT_A, CHAT_B } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";

const T = { timeout: 60_000 };
/** Long enough that only the process's exit ends the wait. */
const UNTIL_EXIT = 30_000;
const STATUS = "(Process exited with code -?\\d+|Process running with session ID \\d+)";
const HEADER = new RegExp(
  `^Chunk ID: [0-9a-f]{6}\\nWall time: \\d+\\.\\d{4} seconds\\n${STATUS}\\nOriginal token count: \\d+\\nOutput:\\n`,
);

let api: ProcessApi;
let client: EdgeprocClient;
let tools: CodexTools;

before(() => {
  api = createProcessApi({ env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  client = createClient({ fetch: api.fetch });
  tools = createAgentTools(client, { toolSet: "codex" });
});

after(async () => {
  await api.close();
});

/** The value of a result that must not be an error, after checking its text is Codex's layout of that value. */
function valueOf(result: ToolResult<ExecSessionResult>): ExecSessionResult {
  assert.equal(result.isError, false, result.text);
  assert.ok(!result.isError);
  assert.match(result.text, HEADER);
  assert.equal(result.text.slice(result.text.indexOf("\nOutput:\n") + 9), result.value.output);
  const status = result.value.exit_code !== undefined
    ? `Process exited with code ${result.value.exit_code}`
    : `Process running with session ID ${result.value.session_id}`;
  assert.ok(result.text.includes(`\n${status}\n`), result.text);
  assert.ok(result.text.includes(`\nOriginal token count: ${result.value.original_token_count}\n`), result.text);
  return result.value;
}

function errorOf(result: ToolResult<unknown>): string {
  assert.equal(result.isError, true, result.text);
  return result.text;
}

async function killRunning() {
  const { processes } = await client.list({ running: true, limit: 1000 });
  await Promise.all(processes.map((p) => client.signal(p.id, "kill", { waitMs: 10_000 }).catch(() => undefined)));
}

/** A running session of `cmd`: exec_command with a short yield on a command that waits for input. */
async function open(cmd: string, extra: Record<string, unknown> = {}, on: CodexTools = tools) {
  const value = valueOf(await on.exec_command.run({ cmd, yield_time_ms: 250, ...extra }));
  assert.equal(value.exit_code, undefined, JSON.stringify(value));
  assert.equal(typeof value.session_id, "number");
  return value;
}

describe(`codex tools on ${testRuntime()}`, () => {
  it("come in the tool sets: both by default, coder's or codex's alone", () => {
    const both = createAgentTools(client);
    assert.deepEqual(Object.keys(both), [
      "execute",
      "process_output",
      "process_list",
      "process_signal",
      "exec_command",
      "write_stdin",
    ]);
    assert.deepEqual(Object.keys(createAgentTools(client, { toolSet: "coder" })), [
      "execute",
      "process_output",
      "process_list",
      "process_signal",
    ]);
    assert.deepEqual(Object.keys(tools), ["exec_command", "write_stdin"]);
    assert.throws(() => createAgentTools(client, { toolSet: "all" as "both" }), /toolSet must be "coder"/);
  });

  it("describe their arguments as Codex's do", () => {
    assert.deepEqual(tools.exec_command.inputSchema.required, ["cmd"]);
    assert.deepEqual(Object.keys(tools.exec_command.inputSchema.properties!), [
      "cmd",
      "workdir",
      "tty",
      "yield_time_ms",
      "max_output_tokens",
      "wait_for",
    ]);
    assert.deepEqual(tools.write_stdin.inputSchema.required, ["session_id"]);
    assert.deepEqual(Object.keys(tools.write_stdin.inputSchema.properties!), [
      "session_id",
      "chars",
      "yield_time_ms",
      "max_output_tokens",
    ]);
    for (const tool of Object.values(tools)) assert.ok(tool.description.length > 80);
  });

  it("answer a finished command with its exit code and no session", T, async () => {
    const ok = valueOf(await tools.exec_command.run({ cmd: "echo hi", yield_time_ms: UNTIL_EXIT }));
    assert.equal(ok.output, "hi\n");
    assert.equal(ok.exit_code, 0);
    assert.equal(ok.session_id, undefined);
    assert.equal(ok.original_token_count, 1);
    assert.equal(valueOf(await tools.exec_command.run({ cmd: "exit 3", yield_time_ms: UNTIL_EXIT })).exit_code, 3);
    const killed = valueOf(await tools.exec_command.run({ cmd: "kill -9 $$", yield_time_ms: UNTIL_EXIT }));
    assert.equal(killed.exit_code, 137);
    assert.equal(killed.signal, "SIGKILL");
    const where = valueOf(await tools.exec_command.run({ cmd: "pwd", workdir: "/", yield_time_ms: UNTIL_EXIT }));
    assert.equal(where.output, "/\n");
  });

  it("give each read only the output since the previous one, then the exit code, then close", T, async () => {
    const first = await open('echo first; read x; echo "second $x"; read y; echo "third $y"');
    const id = first.session_id!;
    const second = valueOf(await tools.write_stdin.run({ session_id: id, chars: "x\n" }));
    assert.equal(second.session_id, id);
    // A quoted id works too.
    const last = { session_id: String(id), chars: "y\n", yield_time_ms: UNTIL_EXIT };
    const third = valueOf(await tools.write_stdin.run(last));
    assert.equal(third.exit_code, 0);
    assert.equal(third.session_id, undefined);
    assert.equal(first.output + second.output + third.output, "first\nsecond x\nthird y\n");
    assert.match(errorOf(await tools.write_stdin.run({ session_id: id })), /no running session/);
  });

  it("keeps a shell's state across writes, and reports the exit it is told", T, async () => {
    const { session_id } = await open("sh");
    await tools.write_stdin.run({ session_id, chars: "cd / && X=kept\n" });
    const done = valueOf(
      await tools.write_stdin.run({ session_id, chars: 'echo "$X in $(pwd)"; exit 4\n', yield_time_ms: UNTIL_EXIT }),
    );
    assert.equal(done.exit_code, 4);
    assert.equal(done.output, "kept in /\n");
  });

  it("turns Ctrl-D into end of input and Ctrl-C into SIGINT on a pipe", T, async () => {
    const cat = await open("cat");
    const eof = { session_id: cat.session_id, chars: "last line\n\u0004", yield_time_ms: UNTIL_EXIT };
    const ended = valueOf(await tools.write_stdin.run(eof));
    assert.equal(ended.exit_code, 0);
    assert.equal(cat.output + ended.output, "last line\n");

    const sleeper = await open("sleep 300");
    const stopped = valueOf(
      await tools.write_stdin.run({ session_id: sleeper.session_id, chars: "\u0003", yield_time_ms: UNTIL_EXIT }),
    );
    assert.equal(stopped.exit_code, 130);
    assert.equal(stopped.signal, "SIGINT");
  });

  it("cuts long output in the middle to max_output_tokens, counting what it left out", T, async () => {
    // 20000 lines of 9 bytes: 180000 bytes, 45000 tokens of 4 bytes.
    const cmd = "yes abcdefgh | head -n 20000";
    const cut = valueOf(await tools.exec_command.run({ cmd, max_output_tokens: 100, yield_time_ms: UNTIL_EXIT }));
    assert.equal(cut.exit_code, 0);
    assert.equal(cut.original_token_count, 45_000);
    const marker = /\u2026(\d+) tokens truncated\u2026/.exec(cut.output);
    assert.ok(marker, cut.output);
    const kept = cut.output.replace(marker[0], "");
    assert.equal(new TextEncoder().encode(kept).length, 400);
    assert.equal(Number(marker[1]), (180_000 - 400) / 4);
    assert.ok(cut.output.startsWith("abcdefgh\n"));
    assert.ok(cut.output.endsWith("abcdefgh\n"));

    const wide = "awk 'BEGIN { for (i = 0; i < 1000; i++) printf \"\u00e9\" }'";
    const utf8 = valueOf(await tools.exec_command.run({ cmd: wide, max_output_tokens: 3, yield_time_ms: UNTIL_EXIT }));
    assert.ok(!utf8.output.includes("\ufffd"), utf8.output);
    assert.match(utf8.output, /^\u00e9+\u2026\d+ tokens truncated\u2026\u00e9+$/);
  });

  it("answer bad arguments and unknown sessions as errors", T, async () => {
    assert.equal(errorOf(await tools.exec_command.run({})), "cmd is required");
    const negative = await tools.exec_command.run({ cmd: "true", yield_time_ms: -1 });
    assert.equal(errorOf(negative), "yield_time_ms must not be negative");
    assert.equal(errorOf(await tools.write_stdin.run({})), "session_id is required");
    assert.match(errorOf(await tools.write_stdin.run({ session_id: "abc" })), /no running session "abc"/);
    assert.match(errorOf(await tools.write_stdin.run({ session_id: 999_999 })), /no running session 999999/);
    // Another tools object has sessions of its own.
    const { session_id } = await open("sh");
    const other = createAgentTools(client, { toolSet: "codex" });
    assert.match(errorOf(await other.write_stdin.run({ session_id, chars: "exit\n" })), /no running session/);
    await killRunning();
  });

  it("run on a terminal with tty: true, escape sequences stripped", T, async (t: TestContext) => {
    const probe = await tools.exec_command.run({ cmd: "true", tty: true, yield_time_ms: UNTIL_EXIT });
    if (probe.isError && /tty_unavailable|terminal/i.test(probe.text)) return t.skip(probe.text);
    const colour = "test -t 0 && test -t 1 && printf '\\033[31mred\\033[0m\\n'";
    const shown = valueOf(await tools.exec_command.run({ cmd: colour, tty: true, yield_time_ms: UNTIL_EXIT }));
    assert.equal(shown.exit_code, 0);
    assert.equal(shown.output, "red\n");
    // On a pipe the same bytes come as written.
    const raw = "printf '\\033[31mred\\033[0m\\n'";
    const piped = valueOf(await tools.exec_command.run({ cmd: raw, yield_time_ms: UNTIL_EXIT }));
    assert.equal(piped.output, "\u001b[31mred\u001b[0m\n");

    const { session_id } = await open("sh", { tty: true });
    const input = { session_id, chars: "echo hi; exit 5\n", yield_time_ms: UNTIL_EXIT };
    const done = valueOf(await tools.write_stdin.run(input));
    assert.equal(done.exit_code, 5);
    assert.match(done.output, /^hi$/m);
    assert.ok(!done.output.includes("\r\n"), JSON.stringify(done.output));

    const sleeper = await open("sleep 300", { tty: true });
    const stopped = valueOf(
      await tools.write_stdin.run({ session_id: sleeper.session_id, chars: "\u0003", yield_time_ms: UNTIL_EXIT }),
    );
    assert.equal(stopped.exit_code, 130);
  });
});

describe("exec session store", () => {
  it("keeps each scope's sessions apart and forgets the least recently used past its cap", () => {
    const store = createExecSessionStore({ maxSessions: 2 });
    const a = store.scope("a");
    const b = store.scope("b");
    const one = a.open("p1", false);
    assert.equal(b.find(one.sessionId), undefined);
    assert.equal(a.find(one.sessionId), one);
    const two = b.open("p2", true);
    assert.notEqual(two.sessionId, one.sessionId);
    a.find(one.sessionId); // now the most recently used
    const three = a.open("p3", false);
    assert.equal(store.size, 2);
    assert.equal(b.find(two.sessionId), undefined);
    assert.equal(a.find(one.sessionId), one);
    a.close(three);
    assert.equal(a.find(three.sessionId), undefined);
  });

  it("runs the calls on one session one after another", async () => {
    const sessions = createExecSessionStore().scope("");
    const session = sessions.open("p", false);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = sessions.serial(session, async () => {
      await gate;
      order.push("first");
    });
    const second = sessions.serial(session, async () => {
      order.push("second");
      throw new Error("second failed");
    });
    const third = sessions.serial(session, async () => order.push("third"));
    release();
    await first;
    await assert.rejects(second, /second failed/);
    await third;
    assert.deepEqual(order, ["first", "second", "third"]);
  });
});

describe("middleCut", () => {
  it("keeps what fits, and cuts the rest between whole characters", () => {
    assert.equal(middleCut("abc", "def", 0, 6), "abcdef");
    const a20 = "a".repeat(20);
    assert.equal(middleCut("a".repeat(100), "", 0, 40), `${a20}\u202615 tokens truncated\u2026${a20}`);
    assert.equal(middleCut("head", "tail", 8, 8), "head\u20262 tokens truncated\u2026tail");
    assert.equal(middleCut("x", "y", 0, 0), "\u20261 tokens truncated\u2026");
    const cut = middleCut("\u00e9".repeat(50), "", 0, 7);
    assert.ok(!cut.includes("\ufffd"));
    assert.match(cut, /^\u00e9{1}\u2026\d+ tokens truncated\u2026\u00e9{2}$/);
  });
});

describe(`codex tools over mcp in process on ${testRuntime()}`, () => {
  it("keep a session across stateless requests, for its own chat only", T, async () => {
    const mcpApi = createProcessApi({ token: "s3cret" });
    const connect = async (chat: string) => {
      const mcp = new Client({ name: "edgeproc-test", version: "1.0.0" });
      const transport = new StreamableHTTPClientTransport(new URL("http://edgeproc.test/mcp"), {
        fetch: (url, init) => mcpApi.fetch(new Request(String(url), init)),
        requestInit: { headers: { authorization: "Bearer s3cret", "coder-chat-id": chat } },
      });
      await mcp.connect(transport);
      return mcp;
    };
    const text = (result: unknown) => (result as ToolCallResult).content[0]!.text!;
    const a = await connect(CHAT_A);
    const b = await connect(CHAT_B);
    try {
      const names = (await a.listTools()).tools.map((tool) => tool.name);
      assert.ok(names.includes("exec_command") && names.includes("write_stdin") && names.includes("execute"));
      const start = { cmd: "read x; echo got $x", yield_time_ms: 250 };
      const opened = text(await a.callTool({ name: "exec_command", arguments: start }));
      const id = Number(/Process running with session ID (\d+)/.exec(opened)?.[1]);
      assert.ok(Number.isSafeInteger(id), opened);
      const theirs = (await b.callTool({ name: "write_stdin", arguments: { session_id: id, chars: "b\n" } })) as
        ToolCallResult;
      assert.equal(theirs.isError, true);
      const args = { session_id: id, chars: "a\n", yield_time_ms: UNTIL_EXIT };
      const mine = (await a.callTool({ name: "write_stdin", arguments: args })) as ToolCallResult;
      assert.equal(mine.isError, false, text(mine));
      assert.match(text(mine), /\nProcess exited with code 0\n[^]*\nOutput:\ngot a\n$/);
    } finally {
      await a.close();
      await b.close();
      await mcpApi.close();
    }
  });
});
