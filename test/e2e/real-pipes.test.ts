// Output and stdin are real pipes (docs/api.md §3.1, §4.6): a command can open /dev/stdout, /dev/stderr,
// /proc/self/fd/1 and /dev/stdin by name, as it could under a terminal or a plain `sh -c` in a pipeline, and fd 1
// and fd 2 are one pipe, so the order of stdout and stderr writes is kept. Each command checks its own fds with
// `test -p` and `readlink /proc/$$/fd/N` (the OS, not the server, says what they are); run over real HTTP.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { caller, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { startServer, type TestServer } from "../support/server.ts";

const T = { timeout: 30_000 };

/** Whether the server's children find python3 (they inherit this environment). */
function hasPython(): boolean {
  try {
    execFileSync("/bin/sh", ["-c", "command -v python3"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe(`real pipes on ${testRuntime()}`, () => {
  let server: TestServer;
  let call: Caller;

  before(async () => {
    server = await startServer(["--quiet"]);
    call = caller(`${server.url}/api/v0/processes`);
  });

  after(async () => {
    await server?.stop();
  });

  /** Runs `command` to its exit and answers its exit code and output. */
  async function run(command: string, extra: Record<string, unknown> = {}) {
    const reply = await call("POST", "/run", { body: { command, wait_ms: 20_000, ...extra } });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.running, false, `still running: ${command}`);
    return { exit_code: reply.body.exit_code as number, output: reply.body.output as string };
  }

  it("gives fd 1 and fd 2 one pipe", T, async () => {
    const same = '[ "$(readlink /proc/$$/fd/1)" = "$(readlink /proc/$$/fd/2)" ]';
    // On failure the listing of its fds is the output, so the assertion shows what they are.
    const command = `test -p /dev/stdout && test -p /dev/stderr && ${same} || { ls -l /proc/$$/fd/ >&2; exit 1; }`;
    assert.deepEqual(await run(command), { exit_code: 0, output: "" });
  });

  const byName: [string, string][] = [
    ["echo x > /dev/stderr", "x\n"],
    ["echo y > /dev/stdout", "y\n"],
    ["echo z | tee /dev/stderr", "z\nz\n"],
    ["printf abc | dd of=/dev/stdout status=none", "abc"],
    ["echo w > /proc/self/fd/1", "w\n"],
  ];
  for (const [command, output] of byName) {
    it(`opens its output by name: ${command}`, T, async () => {
      assert.deepEqual(await run(command), { exit_code: 0, output });
    });
  }

  it("keeps the order of writes through every name", T, async () => {
    const command = byName.map(([c]) => c).join("; ");
    assert.deepEqual(await run(command), { exit_code: 0, output: byName.map(([, o]) => o).join("") });
  });

  it("keeps the order of interleaved stdout and stderr writes", T, async () => {
    assert.deepEqual(await run("echo 1; echo 2 >&2; echo 3"), { exit_code: 0, output: "1\n2\n3\n" });
    const lines = Array.from({ length: 200 }, (_, i) => `o${i}\ne${i}\n`).join("");
    const loop = "i=0; while [ $i -lt 200 ]; do echo o$i; echo e$i >&2; i=$((i+1)); done";
    assert.deepEqual(await run(loop), { exit_code: 0, output: lines });
  });

  it("gives stdin: true a pipe as fd 0", T, async () => {
    assert.deepEqual(await run("test -p /dev/stdin", { stdin: true }), { exit_code: 0, output: "" });
  });

  it("lets cat /dev/stdin read what /stdin wrote, to its end", T, async () => {
    const started = await call("POST", "/start", { body: { command: "cat /dev/stdin", stdin: true } });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const id = started.body.id as string;
    const wrote = await call("POST", `/${id}/stdin`, { body: { data: "hello\n" } });
    const closed = await call("POST", `/${id}/stdin`, { body: { data: "bye\n", eof: true } });
    // A cat that could not open /dev/stdin is gone before the writes: its output says why, so it comes first.
    const out = (await call("GET", `/${id}/output?wait=true`)).body;
    assert.deepEqual([out.exit_code, out.output], [0, "hello\nbye\n"]);
    assert.deepEqual([wrote.status, closed.status], [200, 200], JSON.stringify([wrote.body, closed.body]));
  });

  it("lets a command open /dev/stdin after the stdin was written and closed", T, async () => {
    // A pipe keeps what was written after its writer is gone; reopening a FIFO by name would wait for a writer
    // forever. The command opens /dev/stdin only once the test, after the eof write answered, creates the mark.
    const dir = await mkdtemp(join(tmpdir(), "edgeproc-stdin-"));
    const mark = join(dir, "closed");
    try {
      const command = `while [ ! -e '${mark}' ]; do sleep 0.02; done; cat /dev/stdin`;
      const started = await call("POST", "/start", { body: { command, stdin: true } });
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const id = started.body.id as string;
      const closed = await call("POST", `/${id}/stdin`, { body: { data: "early\n", eof: true } });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      await writeFile(mark, "");
      const out = (await call("GET", `/${id}/output?wait=true&wait_ms=10000`)).body;
      assert.deepEqual([out.running, out.exit_code, out.output], [false, 0, "early\n"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("gives a process without stdin /dev/null as fd 0", T, async () => {
    const command = 'fd0=$(readlink /proc/$$/fd/0); [ "$fd0" = /dev/null ] || { echo "$fd0"; exit 1; }';
    assert.deepEqual(await run(command), { exit_code: 0, output: "" });
  });

  const noPython = hasPython() ? false : "no python3 on PATH";
  it("lets python's logging.FileHandler write to /dev/stdout", { ...T, skip: noPython }, async () => {
    const handler = 'logging.FileHandler("/dev/stdout")';
    const script = `import logging; l = logging.getLogger("t"); l.addHandler(${handler}); l.warning("logged")`;
    assert.deepEqual(await run(`python3 -c '${script}'`), { exit_code: 0, output: "logged\n" });
  });
});
