// The client subcommands of the `edgeproc` bin (ps, run, logs, kill, rm) against a real server, the CLI run as a
// child process on the runtime under test: their output, their exit codes (the process's own, 128+n, 64, 69, 77),
// Ctrl-C forwarded as interrupt, and the bare command still serving.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { createClient, type EdgeprocClient } from "../../src/client/index.ts";
import { VERSION } from "../../src/create-process-api.ts";
import { ROOT, scriptCommand, testRuntime } from "../support/runtime.ts";
import { eventually, freePort, launch, liveGroup, startServer, type TestServer } from "../support/server.ts";

const T = { timeout: 90_000 };
/** The longest a CLI child may live before the test kills it. */
const CLI_TIMEOUT_MS = 60_000;
let server: TestServer;
let client: EdgeprocClient;
const children = new Set<ChildProcess>();

before(async () => {
  server = await startServer(["--quiet", "--kill-grace-ms", "500"]);
  client = createClient({ baseUrl: server.url });
});

after(async () => {
  for (const child of children) child.kill("SIGKILL");
  await server?.stop();
});

/** A CLI child: what it printed so far, and its end. */
interface CliChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern`; rejects if the CLI exits first. */
  printed(pattern: RegExp): Promise<void>;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

/** Runs `edgeproc ARGS` on the runtime under test, with none of the user's EDGEPROC_URL or EDGEPROC_TOKEN. */
function spawnCli(args: string[], env: Record<string, string> = {}): CliChild {
  const [cmd, argv] = scriptCommand(testRuntime(), "src/cli/edgeproc.ts", args);
  const { EDGEPROC_URL: _url, EDGEPROC_TOKEN: _token, ...inherited } = process.env;
  const child = spawn(cmd, argv, { cwd: ROOT, env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), CLI_TIMEOUT_MS);
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stdout)) return;
        child.stdout!.off("data", check);
        resolve();
      };
      child.stdout!.on("data", check);
      check();
      const exitedFirst = () => new Error(`the CLI exited before printing ${pattern}:\n${stdout}\n${stderr}`);
      void done.then(() => (pattern.test(stdout) ? resolve() : reject(exitedFirst())));
    });
  return { child, stdout: () => stdout, stderr: () => stderr, printed, done };
}

/** `edgeproc ARGS` to its end. */
function cli(args: string[], env: Record<string, string> = {}) {
  return spawnCli(args, env).done;
}

/** The CLI's arguments for the test server: `--url` right after the subcommand, before any `--`. */
const at = (name: string, ...args: string[]) => [name, "--url", server.url, ...args];

/** The id of the newest process whose command is `command`. */
async function idOf(command: string): Promise<string> {
  const { processes } = await client.list({ limit: 1000 });
  const found = processes.find((p) => p.command === command);
  assert.ok(found, `no process ${command}`);
  return found.id;
}


/**
 * A TCP proxy to `target` that cuts the first connection whose answer carries an `output` event right after
 * passing that event on, as a restarted proxy would; later connections pass untouched.
 */
async function cuttingProxy(target: string): Promise<{ url: string; cuts(): number; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let cuts = 0;
  const proxy: Server = createServer((downstream) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
    }
    downstream.pipe(upstream);
    // The whole answer so far, not the chunk: an event may come split over two reads.
    let answer = "";
    upstream.on("data", (chunk: Buffer) => {
      answer += chunk.toString();
      if (cuts === 0 && answer.includes("event: output")) {
        cuts++;
        upstream.unpipe();
        downstream.write(chunk, () => {
          downstream.destroy();
          upstream.destroy();
        });
        return;
      }
      downstream.write(chunk);
    });
    upstream.on("end", () => downstream.end());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    url,
    cuts: () => cuts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

describe(`edgeproc CLI (${testRuntime()})`, () => {
  it("ps lists running processes, -a the exited ones too, --json the list answer", T, async () => {
    const { id: sleeping } = await client.start({ command: "sleep 30" });
    const { id: exited } = await client.run({ command: "echo ps-exited" });
    try {
      const ps = await cli(at("ps"));
      assert.equal(ps.code, 0, ps.stderr);
      assert.match(ps.stdout, /^ID\s+PID\s+STATE\s+AGE\s+CPU\s+COMMAND\n/);
      assert.match(ps.stdout, new RegExp(`^${sleeping}\\s+\\d+\\s+running\\s+\\d+[smhd]\\s+\\S+\\s+sleep 30$`, "m"));
      assert.ok(!ps.stdout.includes(exited), "an exited process without -a");
      const all = await cli(at("ps", "-a"));
      assert.equal(all.code, 0, all.stderr);
      assert.match(all.stdout, new RegExp(`^${exited}\\s+\\d+\\s+exited 0\\s+.*echo ps-exited$`, "m"));
      assert.match(all.stdout, new RegExp(`^${sleeping}\\s`, "m"));
      const json = await cli(at("ps", "--json"));
      assert.equal(json.code, 0, json.stderr);
      const list = JSON.parse(json.stdout) as { processes: { id: string; running: boolean; cpu_ms?: number }[] };
      const entry = list.processes.find((p) => p.id === sleeping);
      assert.ok(entry?.running, json.stdout);
      assert.equal(typeof entry.cpu_ms, "number", "ps asks for the stats");
      assert.ok(!list.processes.some((p) => p.id === exited));
    } finally {
      await client.signal(sleeping, "kill", { waitMs: 5000 });
    }
  });

  it("run prints the output and exits with the process's exit code", T, async () => {
    const ran = await cli(at("run", "--", "sh", "-c", "echo hi; exit 3"));
    assert.deepEqual([ran.code, ran.stdout], [3, "hi\n"], ran.stderr);
    const quoted = await cli(at("run", "--", "echo", "a b", "it's"));
    assert.deepEqual([quoted.code, quoted.stdout], [0, "a b it's\n"], quoted.stderr);
  });

  it("run exits 143 when SIGTERM ends the process", T, async () => {
    const command = "sh -c 'echo ready-143; exec sleep 30'";
    const run = spawnCli(at("run", "--", "sh", "-c", "echo ready-143; exec sleep 30"));
    await run.printed(/ready-143\n/);
    await client.signal(await idOf(command), "terminate");
    const { code, stdout, stderr } = await run.done;
    assert.equal(code, 143, stderr);
    assert.equal(stdout, "ready-143\n");
  });

  it("run streams the output live: the first line arrives while the process still runs", T, async () => {
    // The process prints its second line only once the test has seen the first one and creates the gate.
    const dir = await mkdtemp(join(tmpdir(), "edgeproc-cli-"));
    const gate = join(dir, "gate");
    const script = `echo first; while [ ! -e ${gate} ]; do sleep 0.05; done; echo second`;
    try {
      const run = spawnCli(at("run", "--", "sh", "-c", script));
      await run.printed(/first\n/);
      const info = await client.get(await idOf(`sh -c '${script}'`));
      assert.equal(info.running, true, "the first line came only at the end");
      assert.ok(!run.stdout().includes("second"));
      await writeFile(gate, "");
      const { code, stdout, stderr } = await run.done;
      assert.deepEqual([code, stdout], [0, "first\nsecond\n"], stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("run resumes a dropped stream from the last cursor: every byte once, in order", T, async () => {
    const proxy = await cuttingProxy(server.url);
    try {
      const ran = await cli(["run", "--url", proxy.url, "--", "sh", "-c", "echo first; sleep 1; echo second"]);
      assert.equal(proxy.cuts(), 1, "the proxy cut the stream");
      assert.deepEqual([ran.code, ran.stdout], [0, "first\nsecond\n"], ran.stderr);
    } finally {
      await proxy.close();
    }
  });

  it("Ctrl-C sends interrupt to the process group and run exits 130", T, async () => {
    const command = "sh -c 'echo ready-130; exec sleep 30'";
    const run = spawnCli(at("run", "--", "sh", "-c", "echo ready-130; exec sleep 30"));
    await run.printed(/ready-130\n/);
    const id = await idOf(command);
    // Not child.kill: after it, Deno's child_process reports an exit code of 128+n as death by signal n.
    process.kill(run.child.pid!, "SIGINT");
    const { code, signal, stderr } = await run.done;
    assert.equal(code, 130, `${stderr} (signal ${signal})`);
    assert.match(stderr, new RegExp(`sending interrupt to ${id}`));
    const info = await client.get(id);
    assert.deepEqual([info.running, info.signal], [false, "SIGINT"]);
  });

  it("logs prints the output so far; logs -f follows a running process to its exit", T, async () => {
    const { id: done } = await client.run({ command: "echo a; echo b" });
    const logs = await cli(at("logs", done));
    assert.deepEqual([logs.code, logs.stdout], [0, "a\nb\n"], logs.stderr);
    const since = await cli(at("logs", "--since-cursor", "2", done));
    assert.deepEqual([since.code, since.stdout], [0, "b\n"], since.stderr);

    // It waits for a line on stdin, so logs -f is known to start while it runs.
    const { id } = await client.start({ command: "echo one; read line; echo two; echo three", stdin: true });
    const follow = spawnCli(at("logs", "-f", id));
    await follow.printed(/one\n/);
    assert.equal((await client.get(id)).running, true);
    await client.stdin(id, { data: "go\n", eof: true });
    const { code, stdout, stderr } = await follow.done;
    assert.deepEqual([code, stdout], [0, "one\ntwo\nthree\n"], stderr);
  });

  it("kill ends the group (checked with ps); rm forgets it; then it is 404, exit 1", T, async () => {
    const { id } = await client.start({ command: "sleep 30 & sleep 30; wait" });
    const { pid } = await client.get(id);
    assert.ok(await eventually(async () => (await liveGroup(pid)).length >= 2));
    const rmRunning = await cli(at("rm", id));
    assert.equal(rmRunning.code, 1);
    assert.match(rmRunning.stderr, /still running/);
    const kill = await cli(at("kill", id));
    assert.equal(kill.code, 0, kill.stderr);
    assert.match(kill.stdout, /terminate sent; the process group is gone/);
    assert.deepEqual(await liveGroup(pid), []);
    const rm = await cli(at("rm", id));
    assert.deepEqual([rm.code, rm.stdout], [0, `${id}: deleted\n`], rm.stderr);
    for (const args of [["rm", id], ["logs", id], ["kill", id]]) {
      const missing = await cli(at(args[0]!, ...args.slice(1)));
      assert.equal(missing.code, 1, args.join(" "));
      assert.match(missing.stderr, new RegExp(`^edgeproc: no process ${id}$`, "m"));
    }
  });

  it("a server that is down: exit 69, naming the URL", T, async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const ps = await cli(["ps", "--url", url]);
    assert.equal(ps.code, 69, ps.stderr);
    assert.match(ps.stderr, new RegExp(`${url.replaceAll(".", "\\.")}.*edgeproc serve`));
    const run = await cli(["run", "--", "true"], { EDGEPROC_URL: url });
    assert.equal(run.code, 69, run.stderr);
  });

  it("a server with --token: exit 77 without it, works with --token or EDGEPROC_TOKEN", T, async () => {
    const guarded = await startServer(["--quiet", "--token", "cli-s3cret"]);
    try {
      const denied = await cli(["ps", "--url", guarded.url]);
      assert.equal(denied.code, 77, denied.stderr);
      assert.match(denied.stderr, /the server needs a token: --token or EDGEPROC_TOKEN/);
      const ran = await cli(["run", "--url", guarded.url, "--token", "cli-s3cret", "--", "echo", "with-token"]);
      assert.deepEqual([ran.code, ran.stdout], [0, "with-token\n"], ran.stderr);
      const ps = await cli(["ps", "-a", "--url", guarded.url], { EDGEPROC_TOKEN: "cli-s3cret" });
      assert.equal(ps.code, 0, ps.stderr);
      assert.match(ps.stdout, /echo with-token/);
    } finally {
      await guarded.stop();
    }
  });

  it("bad usage exits 64 with the usage; --help of a subcommand exits 0", T, async () => {
    for (const args of [["kill"], ["run"], ["ps", "--bogus"], ["kill", "-s", "stop", "x"]]) {
      const bad = await cli(at(args[0]!, ...args.slice(1)));
      assert.equal(bad.code, 64, args.join(" "));
      assert.match(bad.stderr, /^Usage: .*edgeproc /m);
    }
    const help = await cli(["kill", "--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /-s, --signal NAME/);
    assert.match(help.stdout, /Exit codes:\n(.*\n)*\s+69\s/);
  });

  it("the bare command still answers --version and --help, which lists the subcommands", T, async () => {
    const version = await cli(["--version"]);
    assert.deepEqual([version.code, version.stdout], [0, `${VERSION}\n`], version.stderr);
    const help = await cli(["--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: .*edgeproc \[flags\]\n/);
    assert.match(help.stdout, /--request-timeout-ms N/);
    for (const name of ["serve", "ps", "run", "logs", "kill", "rm"]) {
      assert.match(help.stdout, new RegExp(`^  ${name}\\s`, "m"), name);
    }
  });

  it("edgeproc serve serves as the bare command does", T, async () => {
    const served = await launch(...scriptCommand(testRuntime(), "src/cli/edgeproc.ts", ["serve", "--port", "0"]));
    try {
      const ran = await cli(["run", "--url", served.url, "--", "echo", "served"]);
      assert.deepEqual([ran.code, ran.stdout], [0, "served\n"], ran.stderr);
    } finally {
      await served.stop();
    }
  });
});
