// tty: true in process (docs/api.md §4.11): the logic around the terminal, with a fake spawner where the OS is not
// the point: what the spawner is asked for, stdin's eof on a terminal, a cursor read that ends inside an escape
// sequence, a client_token repeat with another size; and a real spawner without script(1): 501 tty_unavailable.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { createProcessApi, type ProcessApi } from "../../src/create-process-api.ts";
import { createClient } from "../../src/client/create-client.ts";
import { createNodeSpawner } from "../../src/runtimes/node/spawner.ts";
import { createAgentTools } from "../../src/tools/create-agent-tools.ts";
import { assertError } from "../support/assert.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";
import { caller } from "../support/http.ts";

let api: ProcessApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

function withFake() {
  const spawner = new FakeSpawner();
  api = createProcessApi({ spawner, env: { PATH: "/usr/bin:/bin", TERM: "dumb" } });
  return { spawner, call: caller("http://127.0.0.1/api/v0/processes", api.fetch) };
}

describe("tty: true, in process", () => {
  it("asks the spawner for a terminal of the size, with stdin, and TERM unless the request sets one", async () => {
    const { spawner, call } = withFake();
    await call("POST", "/start", { body: { command: "top", tty: true } });
    assert.deepEqual(spawner.last.request.tty, { cols: 80, rows: 24 });
    assert.equal(spawner.last.request.stdin, true);
    assert.equal(spawner.last.request.env.TERM, "xterm-256color", "the server's own TERM does not leak in");
    await call("POST", "/start", { body: { command: "top", tty: true, cols: 10, rows: 5, env: { TERM: "vt100" } } });
    assert.deepEqual(spawner.last.request.tty, { cols: 10, rows: 5 });
    assert.equal(spawner.last.request.env.TERM, "vt100");
    await call("POST", "/start", { body: { command: "ls" } });
    assert.equal(spawner.last.request.tty, undefined);
    assert.equal(spawner.last.request.env.TERM, "dumb", "a pipe process keeps the base environment's TERM");
    for (const p of spawner.processes) p.finish();
  });

  it("writes eof on a terminal as Ctrl-D and keeps it open", async () => {
    const { spawner, call } = withFake();
    const { body } = await call("POST", "/start", { body: { command: "cat", tty: true } });
    const reply = await call("POST", `/${body.id}/stdin`, { body: { data: "hi", eof: true } });
    assert.equal(reply.status, 200);
    assert.deepEqual([...spawner.last.stdinChunks.at(-1)!], [...new TextEncoder().encode("hi\u0004")]);
    assert.equal(spawner.last.stdinClosed, false);
    assert.equal((await call("GET", `/${body.id}`)).body.stdin_open, true);
    spawner.last.finish();
  });

  it("moves next_cursor back before an escape sequence a stripped read ends inside, never behind the read", async () => {
    const { spawner, call } = withFake();
    const { body } = await call("POST", "/start", { body: { command: "x", tty: true } });
    spawner.last.write("ok \u001b[3");
    const read = (query: string) => call("GET", `/${body.id}/output?strip_ansi=true&${query}`);
    const first = await read("cursor=0");
    assert.deepEqual([first.body.output, first.body.next_cursor], ["ok ", 3]);
    spawner.last.write("1mred\u001b[0m\r\n");
    const second = await read("cursor=3");
    assert.deepEqual([second.body.output, second.body.next_cursor], ["red\n", second.body.total_bytes]);
    // Only a cut sequence at the read's start: the cursor still moves on, past it.
    spawner.last.write("\u001b]0;");
    const third = await read(`cursor=${second.body.next_cursor}`);
    assert.equal(third.body.output, "");
    assert.ok(third.body.next_cursor > second.body.next_cursor);
    spawner.last.finish();
  });

  it("takes a client_token repeat with another terminal size as a conflict", async () => {
    const { spawner, call } = withFake();
    const start = (extra: object) =>
      call("POST", "/start", { body: { command: "top", tty: true, client_token: "t1", ...extra } });
    assert.equal((await start({})).status, 200);
    assert.equal((await start({ cols: 80, rows: 24 })).body.attached, true, "the defaults spelled out are the same");
    assertError(await start({ cols: 100 }), 409, "token_conflict");
    spawner.last.finish();
  });
});

describe("a spawner without script(1)", () => {
  it("answers 501 tty_unavailable and runs nothing; pipes still work", async () => {
    api = createProcessApi({ spawner: createNodeSpawner({ scriptPath: null }) });
    const call = caller("http://127.0.0.1/api/v0/processes", api.fetch);
    const refused = await call("POST", "/run", { body: { command: "echo ran", tty: true } });
    assertError(refused, 501, "tty_unavailable", /cannot run a process on a terminal/);
    assert.match(refused.body.detail, /script\(1\)/);
    assert.equal((await call("GET", "/list")).body.processes.length, 0);
    const piped = await call("POST", "/run", { body: { command: "echo ran" } });
    assert.equal(piped.body.output, "ran\n");
  });
});

describe("the typed client and terminals", () => {
  it("starts on a terminal, resizes it and reads it stripped, on this runtime's own spawner", async () => {
    api = createProcessApi({});
    const client = createClient({ fetch: api.fetch });
    const command = "trap 'stty size' WINCH; printf '\\033[32mready\\033[0m\\n'; while :; do sleep 0.05; done";
    const { id } = await client.start({ command, tty: true, cols: 90, rows: 20 });
    // Resize only once the trap is set ("ready" is printed after it), or the SIGWINCH may come first and be lost.
    const first = await client.output(id, { cursor: 0, until: "output", waitMs: 10_000, stripAnsi: true });
    let text = first.output;
    for (let i = 0; !text.includes("ready") && i < 100; i++) {
      text += (await client.output(id, { cursor: first.next_cursor, until: "output", waitMs: 100, stripAnsi: true })).output;
    }
    assert.deepEqual(await client.resize(id, { cols: 100, rows: 30 }), { cols: 100, rows: 30 });
    assert.deepEqual([(await client.get(id)).cols, (await client.get(id)).rows], [100, 30]);
    text = "";
    for (let cursor = 0, i = 0; !text.includes("30 100") && i < 100; i++) {
      const read = await client.output(id, { cursor, until: "output", waitMs: 5000, stripAnsi: true });
      text += read.output;
      cursor = read.next_cursor ?? cursor;
    }
    assert.match(text, /^ready\n(.*\n)*30 100\n/);
    await client.signal(id, "kill", { waitMs: 5000 });
  });
});

describe("Coder's process_output on a terminal", () => {
  it("answers the text without escape sequences, the output response saying tty", async () => {
    api = createProcessApi({});
    const client = createClient({ fetch: api.fetch });
    const { id } = await client.start({ command: "printf '\\033[31mred\\033[0m\\n'", tty: true });
    const raw = await client.output(id, { wait: true });
    assert.equal(raw.tty, true);
    assert.equal(raw.output, "\u001b[31mred\u001b[0m\r\n");
    const tools = createAgentTools(client, { toolSet: "coder" });
    const result = await tools.process_output.run({ process_id: id });
    assert.ok(!("isError" in result && result.isError), result.text);
    assert.equal(JSON.parse(result.text).output, "red\n");
  });
});
