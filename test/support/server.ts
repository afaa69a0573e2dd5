/**
 * Starts a real edgeproc server as a child process under the runtime running the tests (or the one named by
 * `EDGEPROC_E2E_RUNTIME`), exactly as the npm scripts do, on a free port.
 * @module
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer as createNetServer } from "node:net";
import process from "node:process";
import { listening, ROOT, serverCommand, testRuntime } from "./runtime.ts";

/** A running server. */
export interface TestServer {
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  child: ChildProcess;
  pid: number;
  /** Everything the server printed. */
  log(): string;
  /** Resolves with the exit code (or signal) when the server exits. */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts a server with `args` (after `--port 0`) and waits for its "listening on" line.
 * @example
 * ```ts
 * const server = await startServer(["--kill-grace-ms", "500"]);
 * ```
 */
export async function startServer(args: string[] = [], env: Record<string, string> = {}): Promise<TestServer> {
  const [cmd, argv] = serverCommand(testRuntime(), ["--port", "0", ...args]);
  return launch(cmd, argv, env);
}

/**
 * Runs `cmd argv` from the repo root with `env` added, and waits for its "edgeproc listening on" line.
 * @example
 * ```ts
 * const example = await launch("node", ["--import", "tsx", "examples/node-http.ts"], { PORT: "0" });
 * ```
 */
export async function launch(cmd: string, argv: string[], env: Record<string, string> = {}): Promise<TestServer> {
  const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const { url: announced, log } = listening(child, cmd);
  const url = await announced;
  return {
    url,
    child,
    pid: child.pid!,
    log,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The live members of process group `pgid`, as `ps` (procps) sees them: zombies (state `Z`) count as gone. An
 * independent look at the OS, so a check cannot agree with the product's own `/proc` parser by sharing its bugs.
 * Every process is listed and filtered by pgid because procps `ps -g` selects by session, not process group.
 * @example
 * ```ts
 * assert.deepEqual(await liveGroup(info.pid), []);
 * ```
 */
export function liveGroup(pgid: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile("ps", ["-A", "-o", "pid=,pgid=,stat="], (error, stdout) => {
      if (error) return reject(new Error(`Cannot list processes with ps: ${error.message}`));
      const members: number[] = [];
      for (const line of stdout.split("\n")) {
        const [pid, group, stat] = line.trim().split(/\s+/);
        if (Number(group) === pgid && stat && !stat.startsWith("Z")) members.push(Number(pid));
      }
      resolve(members);
    });
  });
}

/**
 * Resident memory of `pid` in KiB, from `/proc/<pid>/status`.
 * @example
 * ```ts
 * const before = await rssKiB(server.pid);
 * ```
 */
export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/**
 * Polls `check` every 20 ms until it is true or `ms` pass; for states the OS only shows by looking (/proc).
 * @example
 * ```ts
 * assert.ok(await eventually(async () => (await liveGroup(pid)).length === 0));
 * ```
 */
export async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

/**
 * The pids of the processes whose parent is `ppid` and whose command line contains `marker`, from ps: the
 * server's own helpers (`edgeproc-watchdog`, `edgeproc-pipe-maker`), seen from outside.
 * @example
 * ```ts
 * const [watchdog] = await childrenMarked(server.pid, "edgeproc-watchdog");
 * ```
 */
export function childrenMarked(ppid: number, marker: string): Promise<number[]> {
  return new Promise((resolve, reject) =>
    execFile("ps", ["-A", "-o", "pid=,ppid=,args="], (error, stdout) => {
      if (error) return reject(error);
      const rows = stdout.split("\n").map((line) => line.trim().split(/\s+/));
      const ours = ([, parent, ...args]: string[]) => Number(parent) === ppid && args.join(" ").includes(marker);
      resolve(rows.filter(ours).map(([pid]) => Number(pid)));
    }),
  );
}

/**
 * Whether `pid` exists (`kill -0`).
 * @example
 * ```ts
 * assert.ok(await eventually(async () => !alive(pid)));
 * ```
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A TCP port on 127.0.0.1 nothing listens on (it was free a moment ago).
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
