// The real server entry of the runtime under test, started as `npm start` starts it: `--help` prints every flag
// and exits 0, a bad flag exits 2 with the reason. Parsing itself is tested in test/unit/server-config.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, it } from "node:test";
import { helpText } from "../../src/cli/server-config.ts";
import { FLAGS, helpRows } from "../support/help-rows.ts";
import { listening, ROOT, serverCommand, testRuntime } from "../support/runtime.ts";

/** A TCP port that something else listens on, until `close()`. */
async function busyPort(): Promise<{ port: number; close(): void }> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
  return { port: (blocker.address() as AddressInfo).port, close: () => blocker.close() };
}

function runEntry(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, argv] = serverCommand(testRuntime(), args);
  const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe(`server entry (${testRuntime()})`, () => {
  it("prints every flag for --help and exits 0", { timeout: 60_000 }, async () => {
    const { code, stdout, stderr } = await runEntry(["--help"]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Usage: /);
    const printed = helpRows(stdout).map((r) => r.flag);
    assert.deepEqual(printed, helpRows(helpText("edgeproc")).map((r) => r.flag), "the entry prints helpText");
    for (const flag of FLAGS) assert.ok(printed.includes(flag), `--${flag} missing`);
    assert.match(stdout, /--help, -h/);
    assert.doesNotMatch(stdout, /listening/);
  });

  it("exits 2 with the reason for a bad flag", { timeout: 60_000 }, async () => {
    const { code, stderr } = await runEntry(["--max-processes", "lots"]);
    assert.equal(code, 2);
    assert.match(stderr, /--max-processes .*"lots"/);
  });

  it("exits 1 with one line naming the address when its port is taken", { timeout: 60_000 }, async () => {
    const busy = await busyPort();
    try {
      const { code, stdout, stderr } = await runEntry(["--port", String(busy.port)]);
      assert.equal(code, 1, stderr);
      assert.doesNotMatch(stdout, /listening/);
      if (testRuntime() === "deno") {
        // `deno serve` binds before any code of ours runs: the message is Deno's own.
        assert.match(stderr, /AddrInUse/);
      } else {
        assert.match(stderr, new RegExp(`^edgeproc: cannot listen on http://127\\.0\\.0\\.1:${busy.port}: .+$`, "m"));
        assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
      }
    } finally {
      busy.close();
    }
  });

  it("reads no .env (nor bunfig.toml) from the directory it starts in", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproc-dotenv-"));
    try {
      // Bun loads both by default: a project's .env would reach every command, its preload would run in the server.
      writeFileSync(join(dir, ".env"), "EDGEPROC_TOKEN=from-dotenv\nDOTENV_LEAK=leaked\n");
      writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./preload.mjs"]\n');
      writeFileSync(join(dir, "preload.mjs"), 'console.log("PRELOADED");\n');
      const [cmd, argv] = serverCommand(testRuntime(), ["--port", "0"]);
      const env = { ...process.env, PORT: "0" };
      const child = spawn(cmd, argv, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
      const closed = new Promise((resolve) => child.on("close", resolve));
      const { url, log } = listening(child, cmd);
      const ran = await fetch(`${await url}/api/v0/processes/run`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ command: 'echo "[$DOTENV_LEAK]"' }),
      });
      assert.equal(ran.status, 200, "no token came from .env");
      assert.equal(((await ran.json()) as { output: string }).output, "[]\n");
      child.kill("SIGTERM");
      await closed;
      assert.doesNotMatch(log(), /PRELOADED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

