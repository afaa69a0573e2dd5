// End to end over real HTTP: the extensions of docs/api.md §4 (timeouts, stdin, client tokens, list options and
// fields, signals, incremental reads, SSE, DELETE, /run) against a server of the runtime running this file.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { GRANDCHILDREN, SLEEPER } from "../support/fixtures.ts";
import { caller, CHAT_A, CHAT_B, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, liveGroup, startServer, type TestServer } from "../support/server.ts";
import { sseEvents } from "../support/sse.ts";

const T = { timeout: 60_000 };
let server: TestServer;
let call: Caller;
let base: string;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgeproc-ext-"));
  server = await startServer(["--workdir", dir]);
  base = `${server.url}/api/v0/processes`;
  call = caller(base);
});

after(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function start(body: Record<string, unknown>, headers?: Record<string, string>): Promise<string> {
  const reply = await call("POST", "/start", { body, headers });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.id;
}

async function finished(id: string) {
  const reply = await call("GET", `/${id}/output?wait=true`);
  assert.equal(reply.body.running, false);
  return reply.body;
}

async function kill(id: string) {
  await call("POST", `/${id}/signal`, { body: { signal: "kill" } });
}

/** A seeded text of exactly `bytes` UTF-8 bytes, rich in 2-, 3- and 4-byte characters. */
function multibyteText(bytes: number, seed = 7): string {
  const alphabet = ["a", "é", "€", "😀", "\n", " ", "ж", "z", "中"];
  const enc = new TextEncoder();
  let state = seed;
  let out = "";
  let size = 0;
  while (bytes - size >= 4) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const ch = alphabet[state % alphabet.length]!;
    out += ch;
    size += enc.encode(ch).length;
  }
  return out + "x".repeat(bytes - size);
}

describe(`e2e extensions on ${testRuntime()}`, () => {
  it("times out: TERM to the group, KILL after the grace for a TERM-ignoring command", T, async () => {
    const id = await start({ command: "trap '' TERM; sleep 300 & wait", timeout_ms: 200, kill_grace_ms: 300 });
    const { pid } = (await call("GET", `/${id}`)).body;
    const out = await finished(id);
    assert.equal(out.timed_out, true);
    assert.equal(out.signal, "SIGKILL");
    assert.equal(out.exit_code, -1);
    assert.ok(await eventually(async () => (await liveGroup(pid)).length === 0));
    const polite = await finished(await start({ command: SLEEPER, timeout_ms: 100 }));
    assert.equal(polite.timed_out, true);
    assert.equal(polite.signal, "SIGTERM");
    const quick = await finished(await start({ command: "true", timeout_ms: 60_000 }));
    assert.equal(quick.timed_out, false);
  });

  it("writes stdin as utf8 and base64, closes it, and answers 409 once closed", T, async () => {
    const id = await start({ command: "cat", stdin: true });
    assert.equal((await call("GET", `/${id}`)).body.stdin_open, true);
    const first = await call("POST", `/${id}/stdin`, { body: { data: "héllo\n" } });
    assert.deepEqual(first.body, { written: 7 });
    const second = await call("POST", `/${id}/stdin`, { body: { data: btoa("world\n"), encoding: "base64", eof: true } });
    assert.deepEqual(second.body, { written: 6 });
    const out = await finished(id);
    assert.equal(out.output, "héllo\nworld\n");
    assert.equal(out.stdin_open, false);
    const late = await call("POST", `/${id}/stdin`, { body: { data: "x" } });
    assert.equal(late.status, 409);
    assert.equal(late.body.code, "stdin_closed");
    const none = await start({ command: SLEEPER });
    const noPipe = await call("POST", `/${none}/stdin`, { body: { data: "x" } });
    assert.equal(noPipe.status, 409);
    await kill(none);
  });

  it("rejects bad stdin requests: encoding, base64, type, size", T, async () => {
    const id = await start({ command: "cat >/dev/null", stdin: true });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ data: "x", encoding: "hex" }, 400, "invalid_request"],
      [{ data: "%%%", encoding: "base64" }, 400, "invalid_request"],
      [{ data: 5 }, 400, "invalid_request"],
      [{ eof: "yes" }, 400, "invalid_request"],
      [{ data: "x".repeat((1 << 20) + 1) }, 413, "body_too_large"],
    ];
    for (const [body, status, code] of cases) {
      const reply = await call("POST", `/${id}/stdin`, { body });
      assert.equal(reply.status, status, JSON.stringify(body).slice(0, 80));
      assert.equal(reply.body.code, code);
    }
    assert.equal((await call("POST", "/nope/stdin", { body: { data: "x" } })).status, 404);
    await kill(id);
  });

  it("holds stdin writes until the child reads them, and delivers them all in order", T, async () => {
    const health = caller(server.url);
    // The child reads nothing until its `sleep` is killed, then counts what reaches it.
    const id = await start({ command: "sleep 300; wc -c", stdin: true });
    const { pid } = (await call("GET", `/${id}`)).body;
    // Two writes fit the default 2 MiB of waiting stdin (one more is 429 stdin_busy: test/e2e/stdin-queue).
    const chunk = "y".repeat(900_000);
    const writes = Array.from({ length: 2 }, () => call("POST", `/${id}/stdin`, { body: { data: chunk } }));
    // A pipe holds 64 KiB: no write is answered before the child reads.
    assert.ok(await eventually(async () => (await health("GET", "/healthz")).body.activity.stdin_writes >= 2));
    assert.ok((await liveGroup(pid)).length >= 2, "the child must not have read yet");
    const sleeper = (await liveGroup(pid)).filter((p) => p !== pid);
    for (const p of sleeper) process.kill(p, "SIGKILL");
    const replies = await Promise.all(writes);
    assert.deepEqual(replies.map((r) => r.status), Array(2).fill(200));
    assert.equal((await call("POST", `/${id}/stdin`, { body: { eof: true } })).status, 200);
    assert.match((await finished(id)).output, new RegExp(`^(Killed\\n)?${2 * 900_000}\\n$`));
    assert.equal((await health("GET", "/healthz")).body.activity.stdin_writes, 0);
  });

  it("spawns once for eight concurrent starts with one client_token; 409 on different parameters", T, async () => {
    const body = { command: SLEEPER, client_token: "build-42" };
    const headers = { "Coder-Chat-Id": CHAT_A };
    const replies = await Promise.all(Array.from({ length: 8 }, () => call("POST", "/start", { body, headers })));
    const ids = new Set(replies.map((r) => r.body.id));
    assert.equal(ids.size, 1);
    assert.equal(replies.filter((r) => r.body.started === true).length, 1);
    assert.ok(replies.every((r) => r.status === 200 && r.body.attached === !r.body.started));
    const running = (await call("GET", "/list?running=true&limit=1000", { headers })).body.processes;
    assert.equal(running.filter((p: { command: string }) => p.command === SLEEPER).length, 1);
    const conflict = await call("POST", "/start", { body: { ...body, env: { A: "1" } }, headers });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.code, "token_conflict");
    await call("POST", `/${[...ids][0]}/signal`, { body: { signal: "kill" }, headers });
  });

  it("lists with limit and running filter, and reports every extra field", T, async () => {
    const chat = { "Coder-Chat-Id": CHAT_B };
    const sleeper = await start({ command: "echo hi; sleep 300" }, chat);
    const done137 = await start({ command: "exit 137" }, chat);
    await call("GET", `/${done137}/output?wait=true`, { headers: chat });
    const runningOnly = (await call("GET", "/list?running=true", { headers: chat })).body.processes;
    assert.deepEqual(runningOnly.map((p: { id: string }) => p.id), [sleeper]);
    const exitedOnly = (await call("GET", "/list?running=false&limit=1", { headers: chat })).body.processes;
    assert.deepEqual(exitedOnly.map((p: { id: string }) => p.id), [done137]);
    assert.ok(await eventually(async () => (await call("GET", `/${sleeper}`)).body.total_bytes === 3));
    const info = (await call("GET", `/${sleeper}`, { headers: chat })).body;
    assert.ok((await liveGroup(info.pid)).includes(info.pid));
    assert.equal(info.timed_out, false);
    assert.equal(info.stdin_open, false);
    assert.equal(typeof info.started_at_ms, "number");
    assert.equal(info.started_at_unix, Math.floor(info.started_at_ms / 1000));
    assert.ok(info.last_output_at_ms >= info.started_at_ms);
    await call("POST", `/${sleeper}/signal`, { body: { signal: "kill" }, headers: chat });
    const killed = (await call("GET", `/${sleeper}/output?wait=true`, { headers: chat })).body;
    const exited = (await call("GET", `/${done137}`, { headers: chat })).body;
    // exit 137 and SIGKILL are told apart by `signal`.
    assert.deepEqual([exited.exit_code, exited.signal], [137, undefined]);
    assert.deepEqual([killed.exit_code, killed.signal], [-1, "SIGKILL"]);
    assert.ok(exited.exited_at_ms >= exited.started_at_ms);
    for (const bad of ["limit=0", "limit=abc", "running=1"]) {
      assert.equal((await call("GET", `/list?${bad}`)).status, 400, bad);
    }
  });

  it("sends interrupt and hangup, and verifies a kill with wait_ms", T, async () => {
    const trapped = await start({ command: "trap 'echo got-int; exit 3' INT; while :; do sleep 0.05; done" });
    await eventually(async () => (await liveGroup((await call("GET", `/${trapped}`)).body.pid)).length >= 2);
    assert.equal((await call("POST", `/${trapped}/signal`, { body: { signal: "interrupt" } })).status, 200);
    const int = await finished(trapped);
    assert.equal(int.output, "got-int\n");
    assert.equal(int.exit_code, 3);
    const hup = await start({ command: SLEEPER });
    await call("POST", `/${hup}/signal`, { body: { signal: "hangup" } });
    assert.equal((await finished(hup)).signal, "SIGHUP");
    const group = await start({ command: GRANDCHILDREN });
    const verified = await call("POST", `/${group}/signal`, { body: { signal: "kill", wait_ms: 5000 } });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.exited, true);
    assert.deepEqual(verified.body.survivors, []);
    assert.equal(verified.body.signal, "SIGKILL");
  });

  it("reports survivors read from the OS when TERM is ignored", T, async () => {
    const id = await start({ command: "trap '' TERM; sleep 300 & wait" });
    const { pid } = (await call("GET", `/${id}`)).body;
    await eventually(async () => (await liveGroup(pid)).length >= 2);
    const reply = await call("POST", `/${id}/signal`, { body: { signal: "terminate", wait_ms: 300 } });
    assert.equal(reply.body.exited, false);
    assert.deepEqual([...reply.body.survivors].sort(), [...(await liveGroup(pid))].sort());
    assert.ok(reply.body.survivors.includes(pid));
    for (const wait_ms of [-1, 1.5, 60_001, "5"]) {
      const bad = await call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms } });
      assert.equal(bad.status, 400, String(wait_ms));
    }
    await kill(id);
  });

  it("reassembles 588,895 bytes of multi-byte output exactly by cursor reads", T, async () => {
    const text = multibyteText(588_895);
    await writeFile(join(dir, "big.txt"), text);
    const id = await start({ command: "cat big.txt" });
    await finished(id);
    let cursor = 0;
    let got = "";
    for (const limit of [1, 3, 1000, 65_536, 100_000, 1_048_576]) {
      const reply = await call("GET", `/${id}/output?cursor=${cursor}&limit=${limit}`);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.cursor, cursor);
      assert.equal(reply.body.gap_bytes, 0);
      assert.ok(new TextEncoder().encode(reply.body.output).length <= Math.max(limit, 4));
      got += reply.body.output;
      cursor = reply.body.next_cursor;
    }
    assert.equal(cursor, 588_895);
    assert.equal(got, text);
    const end = await call("GET", `/${id}/output?cursor=${cursor}`);
    assert.deepEqual([end.body.output, end.body.next_cursor], ["", cursor]);
  });

  it("wakes until=output as soon as new bytes exist, and validates the query", T, async () => {
    const id = await start({ command: "echo one; sleep 0.3; echo two; sleep 0.3" });
    const first = await call("GET", `/${id}/output?cursor=0&wait_ms=10000&until=output`);
    assert.equal(first.body.output, "one\n");
    assert.equal(first.body.running, true);
    const second = await call("GET", `/${id}/output?cursor=${first.body.next_cursor}&wait_ms=10000&until=output`);
    assert.equal(second.body.output, "two\n");
    const last = await call("GET", `/${id}/output?cursor=${second.body.next_cursor}&wait_ms=10000&until=output`);
    assert.equal(last.body.running, false);
    assert.equal(last.body.output, "");
    for (const q of ["wait_ms=-1", "wait_ms=1.5", "wait_ms=300001", "until=never", "cursor=-1", "limit=0", "limit=1048577"]) {
      const bad = await call("GET", `/${id}/output?${q}`);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.body.code, "invalid_request");
    }
  });

  it("streams output as SSE to the exit event, and resumes from Last-Event-ID or ?cursor", T, async () => {
    const id = await start({ command: "for i in 1 2 3; do echo line$i; sleep 0.1; done; exit 4" });
    const response = await fetch(`${base}/${id}/stream`);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    let text = "";
    let exit: Record<string, unknown> | null = null;
    for await (const e of sseEvents(response)) {
      if (e.event === "output") {
        const data = JSON.parse(e.data);
        assert.equal(e.id, String(data.next_cursor));
        assert.equal(data.cursor, new TextEncoder().encode(text).length);
        text += data.data;
      } else if (e.event === "exit") {
        exit = JSON.parse(e.data);
      }
    }
    assert.equal(text, "line1\nline2\nline3\n");
    assert.deepEqual(exit, { exit_code: 4, timed_out: false });
    for (const init of [{ headers: { "Last-Event-ID": "6" } }, {}]) {
      const url = init.headers ? `${base}/${id}/stream` : `${base}/${id}/stream?cursor=6`;
      const events = [];
      for await (const e of sseEvents(await fetch(url, init))) events.push(e);
      assert.deepEqual(events.map((e) => e.event), ["output", "exit"]);
      assert.equal(JSON.parse(events[0]!.data).data, "line2\nline3\n");
    }
    assert.equal((await fetch(`${base}/${id}/stream?cursor=x`)).status, 400);
    assert.equal((await fetch(`${base}/nope/stream`)).status, 404);
  });

  it("frees everything a stream held when the client disconnects", T, async () => {
    const health = caller(server.url);
    const id = await start({ command: "echo first; sleep 300" });
    const controller = new AbortController();
    const response = await fetch(`${base}/${id}/stream`, { signal: controller.signal });
    const events = sseEvents(response);
    assert.equal((await events.next()).value?.event, "output");
    assert.equal((await health("GET", "/healthz")).body.activity.streams, 1);
    controller.abort();
    await events.return(undefined).catch(() => undefined);
    assert.ok(
      await eventually(async () => {
        const { activity } = (await health("GET", "/healthz")).body;
        return activity.streams === 0 && activity.waiters === 0;
      }),
      "a stream or waiter outlived its client",
    );
    await kill(id);
  });

  it("deletes exited processes only, within the chat", T, async () => {
    const a = { "Coder-Chat-Id": CHAT_A };
    const id = await start({ command: SLEEPER }, a);
    const busy = await call("DELETE", `/${id}`, { headers: a });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.code, "still_running");
    await call("POST", `/${id}/signal`, { body: { signal: "kill" }, headers: a });
    await call("GET", `/${id}/output?wait=true`, { headers: a });
    assert.equal((await call("DELETE", `/${id}`, { headers: { "Coder-Chat-Id": CHAT_B } })).status, 404);
    const gone = await call("DELETE", `/${id}`, { headers: a });
    assert.equal(gone.status, 200);
    assert.equal(typeof gone.body.message, "string");
    assert.equal((await call("GET", `/${id}`)).status, 404);
    assert.equal((await call("DELETE", `/${id}`)).status, 404);
  });

  it("runs in one round trip with POST /run, and leaves a slow process running", T, async () => {
    const quick = await call("POST", "/run", { body: { command: "echo hi; exit 2" } });
    assert.equal(quick.status, 200);
    assert.equal(quick.body.started, true);
    assert.equal(quick.body.output, "hi\n");
    assert.equal(quick.body.running, false);
    assert.equal(quick.body.exit_code, 2);
    const slow = await call("POST", "/run", { body: { command: "echo partial; sleep 300", wait_ms: 300 } });
    assert.equal(slow.body.running, true);
    assert.equal((await call("GET", `/${slow.body.id}`)).body.running, true);
    await kill(slow.body.id);
    for (const body of [{ command: "" }, { command: "true", wait_ms: -1 }, { command: "true", wait_ms: 300_001 }]) {
      assert.equal((await call("POST", "/run", { body })).status, 400, JSON.stringify(body));
    }
  });
});
