// The real server entry of the runtime under test, started as `npm start` starts it: `--help` prints every flag
// and exits 0, a bad flag exits 2 with the reason. Parsing itself is tested in test/unit/server-config.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { describe, it } from "node:test";
import { helpText } from "../../src/cli/server-config.ts";
import { FLAGS, helpRows } from "../support/help-rows.ts";
import { ROOT, serverCommand, testRuntime } from "../support/runtime.ts";

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
});
