// The HTTP layer and the manager through `api.fetch`, with a fake spawner: status codes, error bodies, scope,
// validation. Real processes are exercised by test/contract/ and test/e2e/.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { createClient } from "../../src/client/index.ts";
import { createProcessApi, type ProcessApi } from "../../src/index.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";
import { assertError } from "../support/assert.ts";
import { caller, CHAT_A, CHAT_B, type Caller } from "../support/http.ts";

let api: ProcessApi;
let spawner: FakeSpawner;
let call: Caller;

function setup(options: Parameters<typeof createProcessApi>[0] = {}) {
  spawner = new FakeSpawner();
  api = createProcessApi({ spawner, env: { PATH: "/usr/bin:/bin", BASE: "server" }, ...options });
  call = caller("http://edgeproc.test/api/v0/processes", api.fetch);
}

afterEach(async () => {
  for (const p of spawner.processes) p.die("SIGKILL");
  await api.close();
});

describe("start: bad input", () => {
  it("rejects malformed JSON with invalid_json", async () => {
    setup();
    const reply = await call("POST", "/start", { raw: "{not json" });
    assertError(reply, 400, "invalid_json", /^Request body must be valid JSON\.$/);
    assert.equal(typeof reply.body.detail, "string");
    assert.equal(spawner.processes.length, 0);
  });

  it("rejects an empty body as invalid JSON, and a non-object as invalid_request", async () => {
    setup();
    assertError(await call("POST", "/start", { raw: "" }), 400, "invalid_json");
    assertError(await call("POST", "/start", { raw: "[1]" }), 400, "invalid_request", /JSON object/);
  });

  it("requires a command: missing, empty or null", async () => {
    setup();
    for (const body of [{}, { command: "" }, { command: null }]) {
      const reply = await call("POST", "/start", { body });
      assertError(reply, 400, "invalid_request", /^Command is required\.$/);
      assert.deepEqual(reply.body.validations[0].field, "command");
    }
  });

  it("names the field of a wrong type", async () => {
    setup();
    const cases: [unknown, string][] = [
      [{ command: 5 }, "command"],
      [{ command: "true", workdir: 1 }, "workdir"],
      [{ command: "true", env: { A: 1 } }, "env.A"],
      [{ command: "true", env: "A=1" }, "env"],
      [{ command: "true", background: "yes" }, "background"],
      [{ command: "true", timeout_ms: 0 }, "timeout_ms"],
      [{ command: "true", timeout_ms: 1.5 }, "timeout_ms"],
      [{ command: "true", stdin: 1 }, "stdin"],
      [{ command: "true", client_token: "" }, "client_token"],
      [{ command: "true", client_token: "x".repeat(129) }, "client_token"],
    ];
    for (const [body, field] of cases) {
      const reply = await call("POST", "/start", { body });
      assertError(reply, 400, "invalid_request");
      assert.ok(
        reply.body.validations.some((v: { field: string }) => v.field === field),
        `${JSON.stringify(body)} → ${JSON.stringify(reply.body)}`,
      );
    }
    assert.equal(spawner.processes.length, 0);
  });

  it("enforces the command and env limits", async () => {
    setup({ limits: { maxCommandBytes: 10, maxEnvEntries: 2 } });
    assertError(await call("POST", "/start", { body: { command: "x".repeat(11) } }), 400, "invalid_request", /10 bytes/);
    // Bytes, not characters: five two-byte characters are 10 bytes and pass, six do not.
    assert.equal((await call("POST", "/start", { body: { command: "é".repeat(5) } })).status, 200);
    assertError(await call("POST", "/start", { body: { command: "é".repeat(6) } }), 400, "invalid_request");
    const env = { A: "1", B: "2", C: "3" };
    assertError(await call("POST", "/start", { body: { command: "true", env } }), 400, "invalid_request", /2 entries/);
  });

  it("answers 413 for a body over the limit, declared or streamed", async () => {
    setup({ limits: { maxBodyBytes: 1000 } });
    const big = JSON.stringify({ command: "x".repeat(2000) });
    assertError(await call("POST", "/start", { raw: big }), 413, "body_too_large");
    const chunks = [new TextEncoder().encode(big.slice(0, 600)), new TextEncoder().encode(big.slice(600))];
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    const response = await api.fetch(
      new Request("http://edgeproc.test/api/v0/processes/start", {
        method: "POST",
        body: stream,
        headers: { "content-type": "application/json" },
        duplex: "half",
      } as RequestInit),
    );
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { code: string }).code, "body_too_large");
    assert.equal(spawner.processes.length, 0);
  });

  it("rejects a workdir that does not exist or is a file", async () => {
    setup();
    for (const workdir of ["/nonexistent/edgeproc", "/etc/hostname"]) {
      const reply = await call("POST", "/start", { body: { command: "true", workdir } });
      assertError(reply, 400, "invalid_workdir");
    }
    assert.equal(spawner.processes.length, 0);
  });

  it("maps a refused spawn to 500 start_failed with the OS detail", async () => {
    setup();
    spawner.failWith = 'Cannot start "sh": executable not found';
    const reply = await call("POST", "/start", { body: { command: "true" } });
    assertError(reply, 500, "start_failed", /^Failed to start process\.$/);
    assert.match(reply.body.detail, /executable not found/);
  });

  it("answers 503 after close, and the server keeps answering", async () => {
    setup();
    await api.close();
    assertError(await call("POST", "/start", { body: { command: "true" } }), 503, "shutting_down");
    assert.equal((await call("GET", "/list")).status, 200);
  });

  it("answers 429 at the running limit and frees the slot on exit", async () => {
    setup({ limits: { maxRunning: 2 } });
    await call("POST", "/start", { body: { command: "a" } });
    await call("POST", "/start", { body: { command: "b" } });
    assertError(await call("POST", "/start", { body: { command: "c" } }), 429, "too_many_processes");
    spawner.processes[0]!.finish();
    await api.manager.get((await call("GET", "/list")).body.processes[1].id, { chatId: null, ancestorIds: [] }).exited;
    assert.equal((await call("POST", "/start", { body: { command: "c" } })).status, 200);
  });

  it("answers 404 with the contract body for an unknown route", async () => {
    setup();
    assertError(await call("GET", "/nope/deeper/still"), 404, "not_found");
  });
});

describe("start: what the child gets", () => {
  it("layers the environment: server, hook, request, then CODER_CHAT_ID", async () => {
    setup({ updateEnv: (env) => ({ ...env, HOOK: "hook", OVER: "hook" }) });
    const body = { command: "env", env: { OVER: "request" } };
    const reply = await call("POST", "/start", { body, headers: { "Coder-Chat-Id": CHAT_A } });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { id: reply.body.id, started: true });
    const env = spawner.last.request.env;
    assert.equal(env.BASE, "server");
    assert.equal(env.HOOK, "hook");
    assert.equal(env.OVER, "request");
    assert.equal(env.CODER_CHAT_ID, CHAT_A);
  });

  it("runs in the configured workdir, else $HOME, and reports the resolved one", async () => {
    const home = process.env.HOME ?? "/root";
    setup({ workdir: "/tmp", env: { HOME: home } });
    await call("POST", "/start", { body: { command: "pwd" } });
    assert.equal(spawner.last.request.cwd, "/tmp");
    await api.close();
    setup({ workdir: "/does/not/exist", env: { HOME: home } });
    const { body } = await call("POST", "/start", { body: { command: "pwd" } });
    assert.equal(spawner.last.request.cwd, home);
    assert.equal((await call("GET", `/${body.id}`)).body.workdir, home);
  });

  it("gives ids that are URL-safe and never repeat", async () => {
    setup();
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { body } = await call("POST", "/start", { body: { command: "true" } });
      assert.match(body.id, /^[A-Za-z0-9_-]+$/);
      ids.add(body.id);
      spawner.last.finish();
    }
    assert.equal(ids.size, 50);
  });
});

describe("signal: bad input and states", () => {
  it("checks the signal name: empty, unknown, wrong case, wrong type", async () => {
    setup();
    const { body } = await call("POST", "/start", { body: { command: "sleep 9" } });
    assertError(await call("POST", `/${body.id}/signal`, { body: {} }), 400, "invalid_request", /^Signal is required\.$/);
    assertError(await call("POST", `/${body.id}/signal`, { body: { signal: "" } }), 400, "invalid_request", /required/);
    for (const signal of ["SIGFOO", "SIGKILL", "Kill"]) {
      const reply = await call("POST", `/${body.id}/signal`, { body: { signal } });
      assertError(reply, 400, "invalid_request", new RegExp(`^Unsupported signal "${signal}"\\.`));
    }
    assertError(await call("POST", `/${body.id}/signal`, { body: { signal: 9 } }), 400, "invalid_request");
    assertError(await call("POST", `/${body.id}/signal`, { raw: "nope" }), 400, "invalid_json");
    assert.deepEqual(spawner.last.signals, []);
  });

  it("answers 404 for an unknown id, 409 for an exited process with no group left", async () => {
    setup();
    assertError(await call("POST", "/nope/signal", { body: { signal: "kill" } }), 404, "not_found", /^Process "nope" not found\.$/);
    // As coder: the body is checked before an unknown id is looked up.
    assertError(await call("POST", "/nope/signal", { body: { signal: "SIGKILL" } }), 400, "invalid_request");
    assertError(await call("POST", "/nope/signal", { raw: "nope" }), 400, "invalid_json");
    const { body } = await call("POST", "/start", { body: { command: "true" } });
    spawner.last.finish();
    await call("GET", `/${body.id}/output?wait=true`);
    const reply = await call("POST", `/${body.id}/signal`, { body: { signal: "kill" } });
    assertError(reply, 409, "not_running", new RegExp(`^Process "${body.id}" is not running\\.$`));
  });

  it("sends kill and terminate to the group with coder's message", async () => {
    setup();
    const { body } = await call("POST", "/start", { body: { command: "sleep 9" } });
    const reply = await call("POST", `/${body.id}/signal`, { body: { signal: "terminate" } });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { message: `Signal "terminate" sent to process "${body.id}".` });
    assert.deepEqual(spawner.last.signals, ["SIGTERM"]);
  });
});

describe("chat scope", () => {
  it("hides another chat's process on every route, symmetric, while no chat sees all", async () => {
    setup();
    const a = (await call("POST", "/start", { body: { command: "a" }, headers: { "Coder-Chat-Id": CHAT_A } })).body.id;
    const none = (await call("POST", "/start", { body: { command: "n" } })).body.id;
    const asB = { headers: { "Coder-Chat-Id": CHAT_B } };
    for (const id of [a, none]) {
      assertError(await call("GET", `/${id}/output`, asB), 404, "not_found");
      assertError(await call("GET", `/${id}`, asB), 404, "not_found");
      assertError(await call("POST", `/${id}/signal`, { ...asB, body: { signal: "kill" } }), 404, "not_found");
      assertError(await call("POST", `/${id}/signal`, { ...asB, raw: "bad" }), 404, "not_found");
    }
    assert.deepEqual(spawner.processes.map((p) => p.signals.length), [0, 0]);
    assert.deepEqual((await call("GET", "/list", asB)).body, { processes: [] });
    const listA = await call("GET", "/list", { headers: { "Coder-Chat-Id": CHAT_A.toUpperCase() } });
    assert.deepEqual(listA.body.processes.map((p: { id: string }) => p.id), [a]);
    assert.equal((await call("GET", "/list")).body.processes.length, 2);
    assert.equal((await call("GET", `/${a}/output`)).status, 200);
  });

  it("treats a malformed chat id as no chat and skips bad ancestors", async () => {
    setup();
    await call("POST", "/start", { body: { command: "a" }, headers: { "Coder-Chat-Id": "not-a-uuid" } });
    assert.equal(spawner.last.request.env.CODER_CHAT_ID, undefined);
    const headers = { "Coder-Chat-Id": CHAT_A, "Coder-Ancestor-Chat-Ids": "[not json" };
    assert.equal((await call("POST", "/start", { body: { command: "b" }, headers })).status, 200);
  });
});

describe("output and list", () => {
  it("answers an empty list as an array, and 404 for an unknown id", async () => {
    setup();
    assert.deepEqual((await call("GET", "/list")).body, { processes: [] });
    assertError(await call("GET", "/nope/output"), 404, "not_found", /^Process "nope" not found\.$/);
  });

  it("wakes a waiter on exit and answers the final output", async () => {
    setup();
    const { body } = await call("POST", "/start", { body: { command: "x" } });
    const waiting = call("GET", `/${body.id}/output?wait=true`);
    spawner.last.write("hello\n");
    spawner.last.finish(3);
    const reply = await waiting;
    assert.equal(reply.status, 200);
    assert.equal(reply.body.output, "hello\n");
    assert.equal(reply.body.running, false);
    assert.equal(reply.body.exit_code, 3);
  });

  it("answers a running snapshot when wait_ms passes, and 400 for a bad wait_ms", async () => {
    setup();
    const { body } = await call("POST", "/start", { body: { command: "x" } });
    const reply = await call("GET", `/${body.id}/output?wait_ms=20`);
    assert.equal(reply.body.running, true);
    assert.equal(reply.body.exit_code, undefined);
    for (const bad of ["-1", "1.5", "abc", "300001"]) {
      assertError(await call("GET", `/${body.id}/output?wait_ms=${bad}`), 400, "invalid_request", /wait_ms/);
    }
    // Any other value of wait is a plain snapshot, as in coder.
    assert.equal((await call("GET", `/${body.id}/output?wait=1`)).body.running, true);
  });

  it("treats a shell exit whose pipe stays open as an exit after the pipe grace", async () => {
    setup({ limits: { pipeGraceMs: 30 } });
    const { body } = await call("POST", "/start", { body: { command: "sleep 9 & echo hi" } });
    spawner.last.write("hi\n");
    spawner.last.exit(0);
    const reply = await call("GET", `/${body.id}/output?wait=true`);
    assert.equal(reply.body.running, false);
    assert.equal(reply.body.output, "hi\n");
    // Capture stopped, but the pipe is still drained so the descendant is not killed by SIGPIPE.
    spawner.last.write("late\n");
    assert.equal((await call("GET", `/${body.id}/output`)).body.output, "hi\n");
    assert.equal(spawner.last.cancelled, false);
  });

  it("validates the list query", async () => {
    setup();
    assertError(await call("GET", "/list?limit=0"), 400, "invalid_request", /limit/);
    assertError(await call("GET", "/list?limit=1001"), 400, "invalid_request", /limit/);
    assertError(await call("GET", "/list?running=yes"), 400, "invalid_request", /running/);
  });
});

describe("client_token", () => {
  it("spawns once for eight concurrent identical starts, 409 for other parameters", async () => {
    setup();
    const body = { command: "sleep 9", client_token: "t-1" };
    const replies = await Promise.all(Array.from({ length: 8 }, () => call("POST", "/start", { body })));
    assert.equal(spawner.processes.length, 1);
    assert.equal(new Set(replies.map((r) => r.body.id)).size, 1);
    assert.equal(replies.filter((r) => r.body.started).length, 1);
    assert.ok(replies.every((r) => r.body.attached === !r.body.started && r.body.client_token === "t-1"));
    const conflict = await call("POST", "/start", { body: { ...body, command: "sleep 8" } });
    assertError(conflict, 409, "token_conflict");
    // Tokens are per chat: another chat's identical token is its own process.
    const other = await call("POST", "/start", { body, headers: { "Coder-Chat-Id": CHAT_A } });
    assert.equal(other.body.started, true);
    assert.equal(spawner.processes.length, 2);
  });
});

describe("options", () => {
  it("serves every route under a custom base path, and nothing under the default one", async () => {
    setup({ basePath: "/custom/procs/" });
    const custom = caller("http://edgeproc.test/custom/procs", api.fetch);
    const { status, body } = await custom("POST", "/start", { body: { command: "true" } });
    assert.equal(status, 200);
    assert.equal((await custom("GET", `/${body.id}`)).status, 200);
    assertError(await call("GET", "/list"), 404, "not_found");
    assert.equal((await caller("http://edgeproc.test", api.fetch)("GET", "/healthz")).status, 200);
  });

  it("serves the routes at the root for a base path of \"\" or \"/\", and the client and OpenAPI agree", async () => {
    for (const basePath of ["", "/"]) {
      setup({ basePath });
      const root = caller("http://edgeproc.test", api.fetch);
      const { status, body } = await root("POST", "/start", { body: { command: "true" } });
      assert.equal(status, 200, `basePath ${JSON.stringify(basePath)}`);
      assert.equal((await root("GET", `/${body.id}`)).status, 200);
      const doc = (await root("GET", "/openapi.json")).body;
      assert.ok(doc.paths["/start"], `OpenAPI paths: ${Object.keys(doc.paths)}`);
      const client = createClient({ baseUrl: "http://edgeproc.test", basePath, fetch: api.fetch });
      assert.equal((await client.get(body.id)).id, body.id);
      await api.close();
    }
  });

  it("resolves a relative workdir from the default workdir", async () => {
    setup({ workdir: "/" });
    const { body } = await call("POST", "/start", { body: { command: "pwd", workdir: "tmp" } });
    assert.equal(spawner.last.request.cwd, "/tmp");
    assert.equal((await call("GET", `/${body.id}`)).body.workdir, "/tmp");
  });

  it("sends heartbeat comments on an idle stream at streamHeartbeatMs", { timeout: 10_000 }, async () => {
    setup({ streamHeartbeatMs: 20 });
    const { body } = await call("POST", "/start", { body: { command: "sleep 9" } });
    const response = await api.fetch(new Request(`http://edgeproc.test/api/v0/processes/${body.id}/stream`));
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes(": heartbeat\n\n")) {
      const { done, value } = await reader.read();
      assert.equal(done, false, `the stream ended without a heartbeat: ${text}`);
      text += value;
    }
    assert.doesNotMatch(text, /event:/);
    await reader.cancel();
  });
});

describe("healthz during shutdown", () => {
  it("answers 503 shutting_down from the moment close() begins", async () => {
    setup();
    const before = await api.fetch(new Request("http://edgeproc.test/healthz"));
    assert.deepEqual([before.status, ((await before.json()) as { status: string }).status], [200, "ok"]);
    await call("POST", "/start", { body: { command: "stubborn" } });
    const closing = api.close();
    const during = await api.fetch(new Request("http://edgeproc.test/healthz"));
    assert.deepEqual([during.status, ((await during.json()) as { status: string }).status], [503, "shutting_down"]);
    for (const p of spawner.processes) p.die("SIGKILL");
    await closing;
  });
});
