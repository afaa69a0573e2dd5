// Processes on a pseudo-terminal (docs/api.md §4.11), over real HTTP on real processes: the terminal is fds 0-2
// and the controlling tty of a session the shell leads (seen by the command itself, with test -t, ps and stty),
// stdin is always the terminal (Ctrl-C interrupts through the line discipline, Ctrl-D ends input), resize reaches
// the program as SIGWINCH, strip_ansi gives plain text while cursors stay raw byte offsets, a line-buffered
// program streams live, and timeouts, verified group kill, shutdown and the watchdog hold as for pipes (the OS
// checked with ps, not with the server's own /proc reader).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertError } from "../support/assert.ts";
import { caller, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, liveGroup, startServer, type TestServer } from "../support/server.ts";
import { sseEvents } from "../support/sse.ts";

const T = { timeout: 60_000 };

describe(`tty: true on ${testRuntime()}`, () => {
  let server: TestServer;
  let call: Caller;

  before(async () => {
    server = await startServer(["--quiet", "--pipe-grace-ms", "300"]);
    call = caller(`${server.url}/api/v0/processes`);
  });

  after(async () => {
    await server?.stop();
  });

  /** Starts `command` on a terminal and answers its id. */
  const start = async (body: Record<string, unknown>) => {
    const reply = await call("POST", "/start", { body: { tty: true, ...body } });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body.id as string;
  };
  const output = async (id: string, query = "") => (await call("GET", `/${id}/output${query}`)).body;
  /** Waits until the output (raw) matches `pattern`. */
  const untilOutput = (id: string, pattern: RegExp) =>
    eventually(async () => pattern.test((await output(id)).output as string), 15_000);

  it("runs the shell on a terminal it leads, 80x24 and TERM=xterm-256color by default", T, async () => {
    const command =
      "test -t 0 && test -t 1 && test -t 2 && echo fds-are-tty; stty size; " +
      'echo "term=$TERM"; ps -o pid=,pgid=,sid=,tty= -p $$';
    const run = await call("POST", "/run", { body: { command, tty: true } });
    assert.equal(run.status, 200);
    assert.equal(run.body.exit_code, 0, run.body.output);
    const text = (run.body.output as string).replace(/\r\n/g, "\n");
    assert.match(text, /^fds-are-tty\n24 80\nterm=xterm-256color\n/);
    const [pid, pgid, sid, tty] = text.trim().split("\n").at(-1)!.trim().split(/\s+/);
    assert.equal(pid, String(run.body.pid), "ps ran in the shell the server reports");
    assert.equal(pgid, pid, "the shell leads its group");
    assert.equal(sid, pid, "and its session");
    assert.match(tty!, /^pts\/\d+$/, "with the terminal as its controlling tty");
    const info = (await call("GET", `/${run.body.id}`)).body;
    assert.deepEqual([info.tty, info.cols, info.rows], [true, 80, 24]);
  });

  it("takes the size and TERM a start asks for; a pipe process reports no terminal", T, async () => {
    const body = { command: 'stty size; echo "$TERM"', tty: true, cols: 132, rows: 50, env: { TERM: "vt100" } };
    const run = await call("POST", "/run", { body });
    assert.equal(run.body.output, "50 132\r\nvt100\r\n", JSON.stringify(run.body));
    const pipe = await call("POST", "/run", { body: { command: "test -t 1 || echo not-a-tty" } });
    assert.equal(pipe.body.output, "not-a-tty\n");
    const info = (await call("GET", `/${pipe.body.id}`)).body;
    assert.deepEqual([info.tty, "cols" in info, "rows" in info], [false, false, false]);
  });

  it("writes stdin to the terminal without stdin: true; eof is Ctrl-D; Ctrl-C interrupts", T, async () => {
    const id = await start({ command: "read line; echo \"got:$line\"; cat; echo cat-done; sleep 300" });
    assert.equal((await call("GET", `/${id}`)).body.stdin_open, true);
    assert.equal((await call("POST", `/${id}/stdin`, { body: { data: "hello\n" } })).status, 200);
    assert.ok(await untilOutput(id, /got:hello\r\n/), "the line reached the program");
    // eof on a terminal: the EOF character at the start of a line ends cat's input; the terminal stays open.
    assert.equal((await call("POST", `/${id}/stdin`, { body: { data: "", eof: true } })).status, 200);
    assert.ok(await untilOutput(id, /cat-done/), "cat saw end of input");
    assert.equal((await call("GET", `/${id}`)).body.stdin_open, true);
    assert.equal((await call("POST", `/${id}/stdin`, { body: { data: "\u0003" } })).status, 200);
    const done = (await call("GET", `/${id}/output?wait_ms=10000`)).body;
    assert.equal(done.running, false, "Ctrl-C ended the foreground job");
    assert.equal(done.signal, "SIGINT");
  });

  it("resizes: the program gets SIGWINCH and sees the new size", T, async () => {
    const id = await start({ command: "trap 'stty size' WINCH; echo ready; while :; do sleep 0.05; done" });
    assert.ok(await untilOutput(id, /ready/));
    const resized = await call("POST", `/${id}/resize`, { body: { cols: 100, rows: 30 } });
    assert.equal(resized.status, 200);
    assert.deepEqual(resized.body, { cols: 100, rows: 30 });
    assert.ok(await untilOutput(id, /30 100\r\n/), "the trap printed the new size");
    assert.equal((await call("GET", `/${id}`)).body.cols, 100);
    await call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 5000 } });
  });

  it("refuses a resize that cannot be: 400 out of range, 409 not_a_tty, 409 not_running, 404", T, async () => {
    const id = await start({ command: "sleep 300" });
    for (const body of [{ cols: 0, rows: 24 }, { cols: 80, rows: 1001 }, { cols: 80 }, { cols: "80", rows: 24 }]) {
      assertError(await call("POST", `/${id}/resize`, { body }), 400, "invalid_request");
    }
    await call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 5000 } });
    assert.ok(await eventually(async () => (await call("GET", `/${id}`)).body.running === false));
    assertError(await call("POST", `/${id}/resize`, { body: { cols: 80, rows: 24 } }), 409, "not_running");
    const pipe = (await call("POST", "/start", { body: { command: "sleep 300" } })).body.id as string;
    assertError(await call("POST", `/${pipe}/resize`, { body: { cols: 80, rows: 24 } }), 409, "not_a_tty");
    await call("POST", `/${pipe}/signal`, { body: { signal: "kill" } });
    assertError(await call("POST", "/nope/resize", { body: { cols: 80, rows: 24 } }), 404, "not_found");
  });

  it("refuses a browser's cross-site resize: 403 with a foreign Origin, 415 for text/plain; the size stays", T, async () => {
    const id = await start({ command: "sleep 300" });
    const body = JSON.stringify({ cols: 10, rows: 5 });
    const url = `${server.url}/api/v0/processes/${id}/resize`;
    const foreign = await fetch(url, { method: "POST", body, headers: { Origin: "http://evil.example", "content-type": "application/json" } });
    assert.equal(foreign.status, 403);
    assert.equal(((await foreign.json()) as { code: string }).code, "forbidden_origin");
    const plain = await fetch(url, { method: "POST", body, headers: { "content-type": "text/plain;charset=UTF-8" } });
    assert.equal(plain.status, 415);
    await plain.body?.cancel();
    const info = (await call("GET", `/${id}`)).body;
    assert.deepEqual([info.cols, info.rows], [80, 24]);
    await call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 5000 } });
  });

  it("refuses a size out of range, or without tty: true", T, async () => {
    for (const body of [
      { command: "true", tty: true, cols: 0 },
      { command: "true", tty: true, rows: 1001 },
      { command: "true", tty: true, cols: 1.5 },
      { command: "true", cols: 80 },
      { command: "true", tty: "yes" },
    ]) {
      assertError(await call("POST", "/start", { body }), 400, "invalid_request");
    }
  });

  it("strips escape sequences on request; cursors stay byte offsets of the raw output", T, async () => {
    const command = "printf '\\033[1;31mred\\033[0m \\033]0;title\\007done\\r\\n'";
    const run = await call("POST", "/run?strip_ansi=true", { body: { command, tty: true } });
    assert.equal(run.body.output, "red done\n");
    const raw = await output(run.body.id);
    // The terminal turns the program's \n into \r\n (ONLCR): it wrote \r\r\n.
    assert.equal(raw.output, "\u001b[1;31mred\u001b[0m \u001b]0;title\u0007done\r\r\n");
    const read = await output(run.body.id, "?cursor=0&strip_ansi=true");
    assert.equal(read.output, "red done\n");
    assert.equal(read.next_cursor, raw.total_bytes, "the cursor counts the raw bytes");
    const viaBody = await call("POST", "/run", { body: { command, tty: true, strip_ansi: true } });
    assert.equal(viaBody.body.output, "red done\n");
    assertError(await call("GET", `/${run.body.id}/output?strip_ansi=yes`), 400, "invalid_request");
    // A bad value on /run is refused before anything runs.
    const before = (await call("GET", "/list?limit=1000")).body.processes.length as number;
    assertError(await call("POST", "/run?strip_ansi=yes", { body: { command, tty: true } }), 400, "invalid_request");
    assert.equal((await call("GET", "/list?limit=1000")).body.processes.length, before, "nothing ran");
  });

  it("streams a line-buffering program live on a terminal, and not through a pipe", T, async () => {
    // Python buffers stdout in blocks unless it is a terminal: through a pipe nothing shows until it exits.
    const command = "python3 -c \"import time\nfor i in range(6):\n    print('tick', i)\n    time.sleep(0.2)\"";
    const firstOutput = async (tty: boolean) => {
      // Empty is unset for Python: this machine's environment sets PYTHONUNBUFFERED=1.
      const env = { PYTHONUNBUFFERED: "" };
      const id = (await call("POST", "/start", { body: { command, tty, env } })).body.id as string;
      const hangUp = new AbortController();
      const response = await fetch(`${server.url}/api/v0/processes/${id}/stream`, { signal: hangUp.signal });
      try {
        for await (const event of sseEvents(response)) {
          if (event.event !== "output") continue;
          const { data } = JSON.parse(event.data) as { data: string };
          return { data, running: (await call("GET", `/${id}`)).body.running as boolean };
        }
      } finally {
        hangUp.abort();
      }
      throw new Error("the stream ended without output");
    };
    const live = await firstOutput(true);
    assert.equal(live.data, "tick 0\r\n", "the first line came alone");
    assert.equal(live.running, true, "while the program ran");
    const piped = await firstOutput(false);
    assert.match(piped.data, /tick 5\n$/, "through a pipe, every line came at once, at the exit");
  });

  it("times out, and a verified kill leaves no member of the terminal's group", T, async () => {
    const timed = await call("POST", "/run", { body: { command: "sleep 300", tty: true, timeout_ms: 300 } });
    assert.equal(timed.body.timed_out, true);
    assert.equal(timed.body.signal, "SIGTERM");
    const id = await start({ command: "sleep 300 & sleep 300 & echo up; wait" });
    assert.ok(await untilOutput(id, /up/));
    const pid = (await call("GET", `/${id}`)).body.pid as number;
    assert.equal((await liveGroup(pid)).length, 3, "the shell and its two sleeps, as ps sees them");
    const killed = await call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 5000 } });
    assert.deepEqual([killed.body.exited, killed.body.survivors], [true, []]);
    assert.deepEqual(await liveGroup(pid), []);
  });
});

describe(`tty: true and the server's end on ${testRuntime()}`, () => {
  for (const how of ["SIGTERM", "SIGKILL"] as const) {
    it(`ends a terminal's group when the server gets ${how}`, T, async () => {
      const server = await startServer(["--quiet"]);
      try {
        const call = caller(`${server.url}/api/v0/processes`);
        const { body } = await call("POST", "/start", { body: { command: "sleep 300 & echo up; wait", tty: true } });
        const pid = (await call("GET", `/${body.id}`)).body.pid as number;
        assert.ok(await eventually(async () => (await liveGroup(pid)).length === 2), "the shell and its sleep run");
        server.child.kill(how);
        await server.exited;
        // SIGTERM: the server ends every group itself; SIGKILL: its watchdog does.
        assert.ok(await eventually(async () => (await liveGroup(pid)).length === 0, 15_000), `group ${pid} lived on`);
      } finally {
        await server.stop();
      }
    });
  }
});
