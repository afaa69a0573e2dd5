// The single executable of `npm run build:binary` (issue 13, docs/container.md), built once per run into a scratch
// directory outside this checkout and run from there with a PATH of the system's own folders: no node_modules, no
// Bun of ours. It serves, ends every group on SIGTERM and exits 0; after a SIGKILL its watchdog (a shell it spawned
// from inside the binary) still ends them; as the PID 1 of a pid namespace, as in a container without an init, it
// handles SIGTERM. The OS is checked with ps. The build takes about a second, so it runs under every runtime.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, describe, it } from "node:test";
import { commandsHelp } from "../../src/cli/commands/client-main.ts";
import { helpText } from "../../src/cli/server-config.ts";
import { IGNORES_TERM, SLEEPER } from "../support/fixtures.ts";
import { caller } from "../support/http.ts";
import { listening, ROOT, testRuntime } from "../support/runtime.ts";
import { alive, childrenMarked, eventually, liveGroup } from "../support/server.ts";

const T = { timeout: 60_000 };
const dir = mkdtempSync(join(tmpdir(), "edgeproc-binary-"));
const binary = join(dir, "edgeproc");
/** The binary's working directory holds what a compiled Bun program would load by default: neither may count. */
const project = join(dir, "project");
const PRELOADED = join(dir, "preloaded");
const env = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dir };
const started: ChildProcess[] = [];

after(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

let built: Promise<void> | undefined;
/** Builds the binary with the build script, once; every test awaits this. */
function build(): Promise<void> {
  return (built ??= new Promise<void>((resolve, reject) => {
    execFile("bash", [join(ROOT, "scripts/build-binary.sh"), binary], { timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`build-binary.sh failed: ${error.message}\n${stdout}${stderr}`)) : resolve(),
    );
  }).then(() => {
    mkdirSync(project);
    writeFileSync(join(project, ".env"), "DOTENV_MARKER=read\n");
    writeFileSync(join(project, "bunfig.toml"), 'preload = ["./preload.js"]\n');
    writeFileSync(join(project, "preload.js"), `require("node:fs").writeFileSync(${JSON.stringify(PRELOADED)}, "");\n`);
  }));
}

/** Runs `cmd args` from the project directory and waits for its "listening on" line. */
async function serve(cmd: string, args: string[]) {
  const child = spawn(cmd, args, { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const { url, log } = listening(child, cmd);
  return { child, exited, log, call: caller(`${await url}/api/v0/processes`) };
}

/** Runs the binary to its end. */
function runBinary(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile(binary, args, { cwd: project, env, timeout: 10_000 }, (error, stdout, stderr) =>
      error ? reject(error) : resolve({ stdout, stderr }),
    ),
  );
}

/** Starts `command` and answers its pid, the pgid of its group. */
async function startedPid(call: ReturnType<typeof caller>, command: string): Promise<number> {
  const reply = await call("POST", "/start", { body: { command } });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return (await call("GET", `/${reply.body.id}`)).body.pid;
}

/** Why a pid namespace cannot be made here (it needs root), or false. */
function noPidNamespace(): string | false {
  try {
    execFileSync("unshare", ["--pid", "--fork", "--mount-proc", "true"], { stdio: "ignore" });
    return false;
  } catch (error) {
    return `needs unshare --pid (root): ${(error as Error).message}`;
  }
}

describe(`single executable (tests on ${testRuntime()})`, () => {
  it("prints the version and the help of the bin", T, async () => {
    await build();
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    assert.equal((await runBinary(["--version"])).stdout, `${pkg.version}\n`);
    assert.equal((await runBinary(["--help"])).stdout, `${helpText("edgeproc")}${commandsHelp("edgeproc")}\n`);
  });

  it("serves a command, then on SIGTERM ends every group and its helpers and exits 0", T, async () => {
    await build();
    const server = await serve(binary, ["--port", "0", "--kill-grace-ms", "500"]);
    const sleeper = await startedPid(server.call, SLEEPER);
    const ran = await server.call("POST", "/run", { body: { command: 'echo "ran [${DOTENV_MARKER-}]"' } });
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    assert.deepEqual([ran.body.output, ran.body.exit_code], ["ran []\n", 0], "the project's .env was not read");
    assert.equal(existsSync(PRELOADED), false, "the project's bunfig.toml preload ran inside the server");
    const helpers = [
      ...(await childrenMarked(server.child.pid!, "edgeproc-watchdog")),
      ...(await childrenMarked(server.child.pid!, "edgeproc-pipe-maker")),
    ];
    assert.equal(helpers.length, 2, "the binary runs a watchdog and a pipe maker");
    assert.notDeepEqual(await liveGroup(sleeper), []);
    // Not child.kill: Deno's node:child_process would report the signal it sent as the exit, whatever the child did.
    process.kill(server.child.pid!, "SIGTERM");
    assert.deepEqual(await server.exited, { code: 0, signal: null }, server.log());
    assert.deepEqual(await liveGroup(sleeper), []);
    for (const pid of helpers) assert.ok(await eventually(async () => !alive(pid), 5000), `helper ${pid} outlived it`);
  });

  it("is SIGKILLed: its watchdog ends every group, then exits itself", T, async () => {
    await build();
    const server = await serve(binary, ["--port", "0", "--pipe-grace-ms", "200", "--quiet"]);
    const pgids: number[] = [];
    for (const command of [IGNORES_TERM, SLEEPER, "sleep 300 >/dev/null 2>&1 & echo bg"]) {
      pgids.push(await startedPid(server.call, command));
    }
    assert.ok(await eventually(async () => (await liveGroup(pgids[2]!)).length === 1), "the background sleep runs");
    const [watchdog] = await childrenMarked(server.child.pid!, "edgeproc-watchdog");
    assert.ok(watchdog, "the binary has a watchdog");
    server.child.kill("SIGKILL");
    await server.exited;
    // TERM at once, KILL after the watchdog's 5 s grace for the group that ignores TERM.
    for (const pgid of pgids) {
      assert.ok(await eventually(async () => (await liveGroup(pgid)).length === 0, 15_000), `group ${pgid} survived`);
    }
    assert.ok(await eventually(async () => !alive(watchdog!), 5000), "the watchdog outlived its work");
  });

  const pid1 = { ...T, skip: noPidNamespace() };
  it("as PID 1 of a pid namespace, ends every group on SIGTERM and exits 0", pid1, async () => {
    await build();
    // The command writes a file when its group is sent SIGTERM: the server's shutdown did it, not the kernel's
    // SIGKILL of whatever is left once PID 1 exits.
    const termed = join(dir, "termed");
    const ns = await serve("unshare", ["--pid", "--fork", "--mount-proc", "--kill-child", binary, "--port", "0"]);
    const command = `trap 'echo term > ${termed}; exit 0' TERM; echo up; sleep 300 & wait`;
    const { body } = await ns.call("POST", "/start", { body: { command } });
    const up = await ns.call("GET", `/${body.id}/output?cursor=0&wait_ms=10000&until=output`);
    assert.equal(up.body.output, "up\n", "the trap is set");
    const [inner] = readFileSync(`/proc/${ns.child.pid}/task/${ns.child.pid}/children`, "latin1").trim().split(" ");
    assert.match(readFileSync(`/proc/${inner}/status`, "latin1"), /^NSpid:\s+\d+\s+1$/m, "the binary is PID 1");
    process.kill(Number(inner), "SIGTERM");
    assert.deepEqual(await ns.exited, { code: 0, signal: null }, ns.log());
    assert.match(ns.log(), /edgeproc: stopped/);
    assert.equal(readFileSync(termed, "latin1"), "term\n");
  });
});
