// The command runs exactly as given (docs/api.md §3.1): `/bin/sh -c COMMAND` and nothing else, so the shell
// reports syntax errors on the line a plain `sh -c` reports, `$0` is what it is there, and `/proc/<pid>/cmdline`
// and `ps` show the command itself rather than a wrapper script (`exec 2>&1` ...). Each case is compared with a
// plain `/bin/sh -c` run by this test, and the OS is read directly (/proc, ps), over real HTTP.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { caller, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, startServer, type TestServer } from "../support/server.ts";

const T = { timeout: 30_000 };

/** A plain `/bin/sh -c command` with stdin from /dev/null: its exit code, stdout and stderr. */
function plain(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile("/bin/sh", ["-c", command], (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? -1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** `argv` of `pid` as /proc has it, or null once it is gone. */
async function cmdline(pid: number): Promise<string[] | null> {
  const raw = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => null);
  return raw === null ? null : raw.split("\0").slice(0, -1);
}

/** `ps -o args=` of `pid`. */
function psArgs(pid: number): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("ps", ["-o", "args=", "-p", String(pid)], (error, out) => (error ? reject(error) : resolve(out.trim()))),
  );
}

describe(`exact command on ${testRuntime()}`, () => {
  let server: TestServer;
  let call: Caller;
  const started: string[] = [];

  before(async () => {
    server = await startServer(["--quiet"]);
    call = caller(`${server.url}/api/v0/processes`);
  });

  after(async () => {
    for (const id of started) await call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 5000 } });
    await server?.stop();
  });

  async function run(command: string) {
    const reply = await call("POST", "/run", { body: { command, wait_ms: 20_000 } });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.running, false);
    return { code: reply.body.exit_code as number, output: reply.body.output as string };
  }

  /** Starts `command`, which keeps its shell running (no exec of the last command), and answers its pid. */
  async function shellOf(command: string, extra: Record<string, unknown> = {}): Promise<number> {
    const reply = await call("POST", "/start", { body: { command, ...extra } });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    started.push(reply.body.id);
    return (await call("GET", `/${reply.body.id}`)).body.pid as number;
  }

  const syntaxErrors = ["if then", 'echo "unterminated', "echo one\necho two\nif then\necho never"];
  for (const command of syntaxErrors) {
    it(`reports a syntax error as plain sh -c does: ${JSON.stringify(command)}`, T, async () => {
      const expected = await plain(command);
      assert.match(expected.stderr, /Syntax error|syntax error/, "the plain run is expected to fail to parse");
      // Output before the error (dash runs line by line) comes first, as stdout and stderr share the pipe.
      assert.deepEqual(await run(command), { code: expected.code, output: expected.stdout + expected.stderr });
    });
  }

  it("prints the $0 of a plain sh -c", T, async () => {
    const expected = await plain("echo $0");
    assert.equal(expected.stdout, "/bin/sh\n");
    assert.deepEqual(await run("echo $0"), { code: 0, output: expected.stdout });
  });

  it("shows /proc/<pid>/cmdline as exactly the shell, -c and the command", T, async () => {
    const command = "sleep 300; :";
    const pid = await shellOf(command);
    const argv = async () => {
      const got = await cmdline(pid);
      return got !== null && got[0] !== undefined && /(^|\/)sh$/.test(got[0]) ? got : null;
    };
    // Between fork and exec the child still shows the server's own argv: wait for the shell.
    assert.ok(await eventually(async () => (await argv()) !== null, 5000), `pid ${pid} never became a shell`);
    const [shell, ...rest] = (await argv())!;
    assert.ok(shell === "/bin/sh" || shell === "sh", `argv[0] is ${JSON.stringify(shell)}`);
    assert.deepEqual(rest, ["-c", command]);
  });

  it("shows no exec 2>&1 prefix in ps", T, async () => {
    const command = "read x; :";
    const pid = await shellOf(command, { stdin: true });
    assert.ok(await eventually(async () => /(^|\/)sh -c/.test(await psArgs(pid)), 5000), "the shell never ran");
    const args = await psArgs(pid);
    assert.doesNotMatch(args, /exec 2>&1/);
    assert.match(args, /^(\/bin\/)?sh -c read x; :$/);
  });
});
