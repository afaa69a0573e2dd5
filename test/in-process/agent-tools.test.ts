// The agent tools (`edgeproc/tools`) over the typed client and the real API with real processes: coder's
// execute / process_output / process_list / process_signal behaviours, recovery from a failed wait, the output
// cap, argument errors and the non-interactive environment.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { createClient, type EdgeprocClient, type FetchFunction } from "../../src/client/index.ts";
import { createProcessApi, type ProcessApi } from "../../src/index.ts";
import { type CoderTools, capOutput, createAgentTools, formatDuration, parseDuration } from "../../src/tools/index.ts";
import type { ToolResult } from "../../src/tools/index.ts";
import { SLEEPER } from "../support/fixtures.ts";
import { testRuntime } from "../support/runtime.ts";

const T = { timeout: 60_000 };
let api: ProcessApi;
let client: EdgeprocClient;
let tools: CoderTools;

before(() => {
  // A known environment, so what the tools add is all a command sees.
  api = createProcessApi({ env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  client = clientOver(api.fetch);
  tools = createAgentTools(client, { toolSet: "coder" });
});

after(async () => {
  await api.close();
});

function clientOver(fetch: FetchFunction): EdgeprocClient {
  return createClient({ baseUrl: "http://edgeproc.test", fetch });
}

/** The value of a result that must not be an error. */
function valueOf<T>(result: ToolResult<T>): T {
  assert.equal(result.isError, false, result.text);
  assert.ok(!result.isError);
  assert.deepEqual(JSON.parse(result.text), result.value);
  return result.value;
}

function errorOf(result: ToolResult<unknown>): string {
  assert.equal(result.isError, true, result.text);
  return result.text;
}

async function kill(id: string) {
  await client.signal(id, "kill", { waitMs: 10_000 }).catch(() => undefined);
}

describe(`agent tools on ${testRuntime()}`, () => {
  it("describe themselves with JSON Schemas generated from valibot", () => {
    assert.deepEqual(Object.keys(tools), ["execute", "process_output", "process_list", "process_signal"]);
    for (const [key, tool] of Object.entries(tools)) {
      assert.equal(tool.name, key);
      assert.ok(tool.description.length > 20);
      assert.equal(tool.inputSchema.type, "object");
      assert.equal(tool.inputSchema.$schema, undefined);
    }
    assert.deepEqual(tools.execute.inputSchema.required, ["command"]);
    assert.deepEqual(Object.keys(tools.execute.inputSchema.properties!), [
      "command",
      "timeout",
      "workdir",
      "run_in_background",
      "wait_for",
    ]);
    assert.deepEqual(tools.process_output.inputSchema.required, ["process_id"]);
    assert.deepEqual(tools.process_signal.inputSchema.required, ["process_id", "signal"]);
    const signal = tools.process_signal.inputSchema.properties!.signal as { enum: string[] };
    assert.deepEqual([...signal.enum].sort(), ["hangup", "interrupt", "kill", "terminate"]);
  });
});

describe(`execute on ${testRuntime()}`, () => {
  it("runs in the foreground and reports the exit", T, async () => {
    const ok = valueOf(await tools.execute.run({ command: "echo hi" }));
    assert.equal(ok.success, true);
    assert.equal(ok.output, "hi\n");
    assert.equal(ok.exit_code, 0);
    assert.equal(typeof ok.wall_duration_ms, "number");
    assert.equal(ok.background_process_id, undefined);
    const failed = valueOf(await tools.execute.run({ command: "echo oops; exit 3", workdir: "/" }));
    assert.equal(failed.success, false);
    assert.equal(failed.exit_code, 3);
    assert.equal(failed.output, "oops\n");
    const where = valueOf(await tools.execute.run({ command: "pwd", workdir: "/" }));
    assert.equal(where.output, "/\n");
  });

  it("starts in the background and returns the id at once", T, async () => {
    const result = valueOf(await tools.execute.run({ command: SLEEPER, run_in_background: true, timeout: "bad" }));
    assert.equal(result.success, true);
    assert.equal(typeof result.background_process_id, "string");
    const info = await client.get(result.background_process_id!);
    assert.equal(info.running, true);
    assert.equal(info.background, true);
    await kill(info.id);
  });

  it("promotes a trailing & to the background, but not && or |&", T, async () => {
    const result = valueOf(await tools.execute.run({ command: "  sleep 30 &  " }));
    assert.equal(result.success, true);
    const info = await client.get(result.background_process_id!);
    assert.equal(info.command, "sleep 30");
    assert.equal(info.background, true);
    assert.equal(info.running, true);
    await kill(info.id);
    for (const command of ["echo a &&", "echo a |&"]) {
      const fg = valueOf(await tools.execute.run({ command }));
      assert.equal(fg.background_process_id, undefined, command);
      assert.notEqual(fg.exit_code, 0, command); // a syntax error: it ran in the foreground, unchanged
    }
    assert.equal(errorOf(await tools.execute.run({ command: " & " })), "command is required");
  });

  it("on timeout leaves the process running and returns its id with the partial output", T, async () => {
    const result = valueOf(await tools.execute.run({ command: "echo start; sleep 30", timeout: "200ms" }));
    assert.equal(result.success, false);
    assert.equal(result.exit_code, -1);
    assert.equal(result.error, "command timed out after 200ms");
    const id = result.background_process_id!;
    assert.equal(typeof id, "string");
    assert.equal((await client.get(id)).running, true, "a timeout must not kill the process");
    await client.output(id, { cursor: 0, until: "output", waitMs: 30_000 }); // the echo is out, whatever the load
    const later = valueOf(await tools.process_output.run({ process_id: id, wait_timeout: "0s" }));
    assert.equal(later.output, "start\n");
    assert.equal(later.note, "process is still running");
    await kill(id);
  });

  it("recovers the real result when the wait fails in transport after the process exited", T, async () => {
    // The wait reaches the server and completes, then the connection "drops" before the answer arrives.
    const flaky = clientOver(async (request) => {
      const response = await api.fetch(request);
      if (new URL(request.url).searchParams.has("wait_ms")) throw new TypeError("connection reset");
      return response;
    });
    const result = valueOf(await createAgentTools(flaky).execute.run({ command: "echo hi" }));
    assert.equal(result.success, true);
    assert.equal(result.output, "hi\n");
    assert.equal(result.exit_code, 0);
  });

  it("falls back to a snapshot with the id when the wait fails and the process still runs", T, async () => {
    const flaky = clientOver(async (request) => {
      if (new URL(request.url).searchParams.has("wait_ms")) throw new TypeError("connection reset");
      return api.fetch(request);
    });
    const result = valueOf(await createAgentTools(flaky).execute.run({ command: SLEEPER }));
    assert.equal(result.success, false);
    assert.equal(result.exit_code, -1);
    assert.equal(
      result.error,
      "get process output: connection reset (process still running, use process_output to check later)",
    );
    assert.equal((await client.get(result.background_process_id!)).running, true);
    await kill(result.background_process_id!);
  });

  it("says how to retry when even the snapshot fails", T, async () => {
    const broken = clientOver(async (request) => {
      if (request.url.includes("/output")) throw new TypeError("network down");
      return api.fetch(request);
    });
    const result = valueOf(await createAgentTools(broken).execute.run({ command: SLEEPER }));
    const id = result.background_process_id!;
    assert.equal(result.error, `get process output: network down; use process_output with ID ${id} to retry`);
    assert.equal(result.exit_code, -1);
    await kill(id);
  });

  it("caps the output sent to the model at 32 KiB without splitting a character", T, async () => {
    const line = "ééééé€€€€€😀😀";
    const result = valueOf(await tools.execute.run({ command: `yes '${line}' | head -n 3000` }));
    assert.equal(result.success, true);
    const bytes = new TextEncoder().encode(result.output!).length;
    assert.ok(bytes <= 32 * 1024, `${bytes} bytes`);
    assert.ok(!result.output!.includes("\uFFFD"));
    assert.ok(result.output!.startsWith(`${line}\n${line}\n`));
    assert.ok(result.output!.endsWith(`${line}\n${line}\n`), "the tail is kept");
    // The server's head + tail snapshot is a little over 32 KiB: the tool cut around the server's marker, and
    // the one marker left counts every byte the model does not see.
    const markers = [...result.output!.matchAll(/\n\n\.\.\. \[omitted (\d+) bytes\] \.\.\.\n\n/g)];
    assert.equal(markers.length, 1);
    const omitted = Number(markers[0]![1]);
    assert.equal(result.truncated?.omitted_bytes, omitted);
    assert.equal(result.truncated?.retained_bytes, bytes);
    assert.equal(omitted, result.truncated!.original_bytes - (bytes - new TextEncoder().encode(markers[0]![0]).length));
    assert.equal(result.truncated?.original_bytes, 3000 * (new TextEncoder().encode(line).length + 1));
  });

  it("sets the non-interactive environment, which options override or drop", T, async () => {
    const names = ["GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "EDITOR", "VISUAL", "GIT_TERMINAL_PROMPT", "NO_COLOR"];
    const vars = [...names, "TERM", "PAGER", "GIT_PAGER"].map((name) => `"$${name}"`).join(" ");
    const show = `printf "%s|" ${vars} "\${NO_COLOR+set}"`;
    const defaults = valueOf(await tools.execute.run({ command: show }));
    assert.equal(defaults.output, "true|true|true|true|0|1|dumb|cat|cat|set|");
    const custom = createAgentTools(client, { env: { PAGER: "less", NO_COLOR: null } });
    assert.equal(valueOf(await custom.execute.run({ command: show })).output, "true|true|true|true|0||dumb|less|cat||");
    const bare = createAgentTools(client, { nonInteractiveEnv: false });
    assert.equal(valueOf(await bare.execute.run({ command: show })).output, "||||||||||");
  });

  it("answers bad arguments with clear text errors, never a throw", async () => {
    const run = (args: unknown) => tools.execute.run(args).then(errorOf);
    assert.equal(await run({}), "command is required");
    assert.equal(await run({ command: "" }), "command is required");
    assert.equal(await run({ command: 5 }), "command must be a string");
    assert.equal(await run(null), "command is required");
    assert.equal(await run([1]), "arguments must be a JSON object");
    assert.equal(await run("{not json"), "arguments must be a JSON object");
    assert.equal(await run({ command: "true", run_in_background: "yes" }), "run_in_background must be a boolean");
    assert.equal(await run({ command: "true", timeout: "abc" }), 'invalid timeout "abc": time: invalid duration "abc"');
    assert.equal(
      await run({ command: "true", timeout: "10" }),
      'invalid timeout "10": time: missing unit in duration "10"',
    );
    assert.equal(
      await run({ command: "true", timeout: "3 s" }),
      'invalid timeout "3 s": time: unknown unit " s" in duration "3 s"',
    );
    assert.equal(await run({ command: "true", timeout: "-1s" }), 'timeout must be positive, got "-1s"');
    assert.equal(await run({ command: "true", timeout: "0s" }), 'timeout must be positive, got "0s"');
    assert.equal(await run({ command: "true", timeout: 5 }), 'timeout must be a duration string such as "30s"');
  });

  it("accepts the arguments as a JSON string", T, async () => {
    assert.equal(valueOf(await tools.execute.run('{"command":"echo json"}')).output, "json\n");
  });

  it("reports a failed start as a result", T, async () => {
    const result = valueOf(await tools.execute.run({ command: "true", workdir: "/no/such/dir" }));
    assert.equal(result.success, false);
    assert.match(result.error!, /^start process: /);
  });
});

describe(`process tools on ${testRuntime()}`, () => {
  it("process_output waits for the exit, or takes a snapshot with 0s", T, async () => {
    const { background_process_id: id } = valueOf(
      await tools.execute.run({ command: "echo a; sleep 0.2; echo b", run_in_background: true }),
    );
    const done = valueOf(await tools.process_output.run({ process_id: id, wait_timeout: "30s" }));
    assert.deepEqual(done, { success: true, output: "a\nb\n", exit_code: 0, wall_duration_ms: 0 });

    const { background_process_id: sleeper } = valueOf(await tools.execute.run({ command: "sleep 30 &" }));
    const snap = valueOf(await tools.process_output.run({ process_id: sleeper, wait_timeout: "50ms" }));
    assert.equal(snap.success, true);
    assert.equal(snap.note, "process is still running");
    assert.equal(snap.exit_code, -1);
    const quick = valueOf(await tools.process_output.run({ process_id: sleeper, wait_timeout: "0s" }));
    assert.equal(quick.note, "process is still running");
    await kill(sleeper!);
    const killed = valueOf(await tools.process_output.run({ process_id: sleeper, wait_timeout: "30s" }));
    assert.equal(killed.success, false);
    assert.equal(killed.exit_code, -1);
    assert.equal(killed.note, "process ended by SIGKILL");
  });

  it("process_output reports errors and bad arguments", T, async () => {
    const missing = valueOf(await tools.process_output.run({ process_id: "nope", wait_timeout: "0s" }));
    assert.equal(missing.success, false);
    assert.equal(missing.error, 'get process output: Process "nope" not found.');
    assert.equal(errorOf(await tools.process_output.run({})), "process_id is required");
    assert.equal(
      errorOf(await tools.process_output.run({ process_id: "x", wait_timeout: "soon" })),
      'invalid wait_timeout "soon": time: invalid duration "soon"',
    );
  });

  it("process_signal sends the signal and reports failures", T, async () => {
    const { background_process_id: id } = valueOf(await tools.execute.run({ command: "sleep 30 &" }));
    const sent = valueOf(await tools.process_signal.run({ process_id: id, signal: "terminate" }));
    assert.deepEqual(sent, { success: true, message: `signal "terminate" sent to process ${id}` });
    const exited = await client.output(id!, { wait: true });
    assert.equal(exited.signal, "SIGTERM");
    const again = valueOf(await tools.process_signal.run({ process_id: id, signal: "kill" }));
    assert.equal(again.success, false);
    assert.equal(again.error, `signal process: Process ${JSON.stringify(id)} is not running.`);
    assert.match(errorOf(await tools.process_signal.run({ process_id: id, signal: "stop" })), /^signal must be /);
    assert.equal(errorOf(await tools.process_signal.run({ signal: "kill" })), "process_id is required");
  });

  it("process_list lists what the client can see", T, async () => {
    const { background_process_id: id } = valueOf(await tools.execute.run({ command: "sleep 30 &" }));
    const list = valueOf(await tools.process_list.run({}));
    assert.ok("processes" in list);
    const entry = list.processes.find((p) => p.id === id);
    assert.equal(entry?.running, true);
    assert.equal(entry?.command, "sleep 30");
    await kill(id!);
    const offline = createAgentTools(clientOver(async () => Promise.reject(new TypeError("fetch failed"))));
    assert.deepEqual(valueOf(await offline.process_list.run(undefined)), {
      success: false,
      error: "list processes: fetch failed",
    });
  });
});

describe("tool helpers", () => {
  it("parse and print Go durations", () => {
    assert.equal(parseDuration("10s"), 10_000);
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("1.5h"), 5_400_000);
    assert.equal(parseDuration("250us"), 0.25);
    assert.equal(parseDuration("0"), 0);
    assert.equal(parseDuration("-2s"), -2000);
    assert.throws(() => parseDuration(""), /time: invalid duration ""/);
    assert.throws(() => parseDuration(".s"), /time: invalid duration/);
    assert.throws(() => parseDuration("1x"), /time: unknown unit "x" in duration "1x"/);
    for (
      const [ms, text] of [
        [10_000, "10s"],
        [90_000, "1m30s"],
        [500, "500ms"],
        [3_600_000, "1h0m0s"],
        [1500, "1.5s"],
        [0, "0s"],
        [0.25, "250µs"],
      ] as const
    ) {
      assert.equal(formatDuration(ms), text);
    }
  });

  it("cap output on character boundaries, keeping head and tail", () => {
    const encoder = new TextEncoder();
    assert.equal(capOutput("short"), "short");
    for (const unit of ["a", "é", "€", "😀"]) {
      for (const max of [100, 101, 102, 103, 1000]) {
        const text = unit.repeat(2000);
        const capped = capOutput(text, max);
        assert.ok(encoder.encode(capped).length <= max, `${unit} ${max}`);
        assert.ok(!capped.includes("\uFFFD"));
        assert.match(capped, /\.\.\. \[omitted \d+ bytes\] \.\.\./);
        assert.ok(capped.startsWith(unit) && capped.endsWith(unit));
      }
    }
    // Around a server marker, the one marker left counts the server's omission and the new cut.
    const snapshot = `${"x".repeat(600)}\n\n... [omitted 5000 bytes] ...\n\n${"z".repeat(600)}`;
    const merged = capOutput(snapshot, 1000, 5000);
    assert.ok(encoder.encode(merged).length <= 1000);
    const counts = [...merged.matchAll(/\[omitted (\d+) bytes\]/g)].map((m) => Number(m[1]));
    assert.equal(counts.length, 1);
    assert.equal(counts[0], 5000 + 1200 - merged.replace(/[^xz]/g, "").length);
  });
});
