// The pure parts of the CLI subcommands (src/cli/commands/): quoting of the words after --, the ps columns, the
// exit code of a process, argument parsing, and the one mapping from a failure to a line and an exit code.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { EdgeprocError } from "../../src/client/client-error.ts";
import { DEFAULT_URL, parseCommandArgs } from "../../src/cli/commands/args.ts";
import { describeFailure, EXIT, UsageError } from "../../src/cli/commands/exit-codes.ts";
import {
  commandLine,
  formatAge,
  formatCpu,
  formatState,
  processTable,
  shellExitCode,
} from "../../src/cli/commands/format.ts";
import { killCommand } from "../../src/cli/commands/kill.ts";
import { runCommand } from "../../src/cli/commands/run.ts";
import type { ProcessInfo } from "../../src/wire/response-schemas.ts";

describe("cli commands", () => {
  it("quotes each word that needs it, so sh reads back the same words", () => {
    const words = ["echo", "a b", "it's", "$HOME", "", "--x=1", "*", "ü"];
    const line = commandLine(words);
    assert.equal(commandLine(["sh", "-c", "echo hi; exit 3"]), "sh -c 'echo hi; exit 3'");
    assert.equal(commandLine(["make && make test"]), "make && make test", "one word is a command line");
    const echoed = spawnSync("sh", ["-c", `printf '%s\\n' ${line.slice("echo ".length)}`], { encoding: "utf8" });
    assert.deepEqual(echoed.stdout.split("\n").slice(0, -1), words.slice(1));
  });

  it("gives a signal death 128+n, as a shell does", () => {
    assert.equal(shellExitCode({ exit_code: 3 }), 3);
    assert.equal(shellExitCode({ exit_code: -1, signal: "SIGTERM" }), 143);
    assert.equal(shellExitCode({ exit_code: -1, signal: "SIGINT" }), 130);
    assert.equal(shellExitCode({ exit_code: -1, signal: "SIGKILL" }), 137);
    assert.equal(shellExitCode({ exit_code: -1, signal: "SIGHUP" }), 129);
  });

  it("prints ages, CPU times and states as ps does", () => {
    assert.deepEqual([0, 59_999, 60_000, 3_600_000, 49 * 3_600_000].map((ago) => formatAge(1e6 - ago, 1e6)), [
      "0s",
      "59s",
      "1m",
      "1h",
      "2d",
    ]);
    assert.deepEqual([undefined, 0, 1234, 90_000].map(formatCpu), ["-", "0.0s", "1.2s", "1.5m"]);
    const exited = { running: false, timed_out: false };
    assert.equal(formatState({ ...exited, running: true }), "running");
    assert.equal(formatState({ ...exited, exit_code: 2 }), "exited 2");
    assert.equal(formatState({ ...exited, exit_code: -1, signal: "SIGKILL" }), "signal KILL");
    assert.equal(formatState({ ...exited, exit_code: -1, signal: "SIGTERM", timed_out: true }), "timed out");
  });

  it("cuts the command so a ps line fits the width", () => {
    const p = { id: "abc", pid: 42, running: true, timed_out: false, started_at_ms: 0, cpu_ms: 10 };
    const table = processTable([{ ...p, command: `echo ${"x".repeat(200)}` } as ProcessInfo], 80, 5000);
    const [header, row] = table.split("\n");
    assert.match(header!, /^ID\s+PID\s+STATE\s+AGE\s+CPU\s+COMMAND$/);
    assert.match(row!, /^abc\s+42\s+running\s+5s\s+0\.0s\s+echo x+…$/);
    assert.equal(row!.length, 80);
  });

  it("parses the global options from flags, then EDGEPROC_URL and EDGEPROC_TOKEN", () => {
    const parsed = parseCommandArgs(runCommand, ["--tty", "--env", "A=1", "--env", "B=2", "--", "ls", "-la"], {});
    assert.equal(parsed.url, DEFAULT_URL);
    assert.equal(DEFAULT_URL, "http://127.0.0.1:7070");
    assert.deepEqual(parsed.values.env, ["A=1", "B=2"]);
    assert.deepEqual(parsed.positionals, ["ls", "-la"]);
    const env = { EDGEPROC_URL: "http://h:1/", EDGEPROC_TOKEN: "t" };
    assert.deepEqual([parseCommandArgs(killCommand, ["x"], env)].map((a) => [a.url, a.token]), [["http://h:1", "t"]]);
    const argv = ["--url", "http://f:2", "--token", "u", "--chat", "c", "-s", "kill"];
    const flags = parseCommandArgs(killCommand, argv, env);
    assert.deepEqual([flags.url, flags.token, flags.chatId, flags.values.signal], ["http://f:2", "u", "c", "kill"]);
    assert.throws(() => parseCommandArgs(killCommand, ["--nope"], {}), UsageError);
    assert.throws(() => parseCommandArgs(killCommand, ["--url", "ftp://x"], {}), UsageError);
  });

  it("maps every failure to its line and exit code in one place", () => {
    const url = "http://127.0.0.1:1";
    const api = (status: number, code: string) => new EdgeprocError(status, { message: `m ${code}`, code });
    const unreachable = describeFailure(new TypeError("fetch failed"), url);
    assert.equal(unreachable.exitCode, EXIT.unavailable);
    assert.match(unreachable.message, /http:\/\/127\.0\.0\.1:1.*edgeproc serve/);
    assert.deepEqual(describeFailure(api(401, "unauthorized"), url), {
      message: "the server needs a token: --token or EDGEPROC_TOKEN",
      exitCode: 77,
    });
    assert.deepEqual(describeFailure(api(404, "not_found"), url, "abc"), { message: "no process abc", exitCode: 1 });
    assert.match(describeFailure(api(409, "still_running"), url, "abc").message, /still running.*edgeproc kill abc/);
    assert.equal(describeFailure(new UsageError("bad"), url).exitCode, 64);
    assert.equal(describeFailure(api(500, "start_failed"), url).exitCode, 1);
  });
});
