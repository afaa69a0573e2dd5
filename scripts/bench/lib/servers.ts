/**
 * Starting what the benchmarks measure: an edgeproc server under each runtime, exactly as the npm scripts start it.
 * The sandbox-agent peer is in sandbox-agent.ts, reading a process's memory and CPU in proc-stats.ts.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { listening, RUNTIMES, type Runtime, scriptCommand, serverCommand } from "../../../test/support/runtime.ts";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * The checkout whose servers the benchmarks start: this one, or `BENCH_SERVER_ROOT` (e.g. a copy of the code
 * before a change, for a before/after in the same conditions). Floors and tools always come from this one.
 */
export const SERVER_ROOT = process.env.BENCH_SERVER_ROOT ?? ROOT;

/** A second checkout P1 measures beside {@link SERVER_ROOT} in the same run (`BENCH_BASELINE_ROOT`), if any. */
export const BASELINE_ROOT = process.env.BENCH_BASELINE_ROOT ?? null;

/**
 * The runtimes to measure: all three, or the comma-separated subset in `BENCH_RUNTIMES`.
 * @example
 * ```ts
 * for (const runtime of benchRuntimes()) console.log(runtime);
 * ```
 */
export function benchRuntimes(): Runtime[] {
  const wanted = process.env.BENCH_RUNTIMES?.split(",").map((s) => s.trim()).filter(Boolean);
  if (!wanted?.length) return [...RUNTIMES];
  return RUNTIMES.filter((r) => wanted.includes(r));
}

/**
 * The command of the npm `start` scripts for `runtime`, with `args` appended, run from {@link SERVER_ROOT}.
 * @example
 * ```ts
 * const [cmd, argv] = benchServerCommand("bun", ["--port", "0"]);
 * ```
 */
export function benchServerCommand(runtime: Runtime, args: string[]): [string, string[]] {
  return serverCommand(runtime, args, SERVER_ROOT);
}

/** A server the bench started; `stop()` ends it and waits. */
export interface ServerHandle {
  name: string;
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  /** The server process itself (start-deno.sh execs deno, so this is deno's pid). */
  pid: number;
  stop(): Promise<void>;
  log(): string;
}

/**
 * A `stop()` for a child: SIGTERM, SIGKILL after 15 s, resolved on its exit.
 * @example
 * ```ts
 * const stop = stopper(child);
 * await stop();
 * ```
 */
export function stopper(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
}

/**
 * Starts edgeproc under `runtime` on a free port and waits for its "listening on" line.
 * @example
 * ```ts
 * const server = await startEdgeproc("node");
 * await server.stop();
 * ```
 */
export async function startEdgeproc(runtime: Runtime, args: string[] = [], root = SERVER_ROOT): Promise<ServerHandle> {
  const [cmd, argv] = serverCommand(runtime, ["--port", "0", ...args], root);
  return startListening(`edgeproc-${runtime}`, cmd, argv, root);
}

/**
 * The floor of an HTTP round trip under `runtime` (floor/http-floor.ts): its own server and spawn, no edgeproc.
 * @example
 * ```ts
 * const floor = await startHttpFloor("bun");
 * ```
 */
export function startHttpFloor(runtime: Runtime): Promise<ServerHandle> {
  const [cmd, argv] = scriptCommand(runtime, join(ROOT, "scripts/bench/floor/http-floor.ts"), ["--port", "0"]);
  return startListening(`http-floor-${runtime}`, cmd, argv, ROOT);
}

async function startListening(name: string, cmd: string, argv: string[], cwd: string): Promise<ServerHandle> {
  const child = spawn(cmd, argv, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  // The access log writes a line per request: keep only the last few KiB, for a failure's message.
  const { url, log } = listening(child, name, 8192);
  return { name, url: await url, pid: child.pid!, stop: stopper(child), log };
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1.
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One cold start of `cmd args --port N`: the milliseconds from spawn to the first 200 on `/healthz`, and what
 * `atReady` measured of the server (its pid) at that moment; the server is SIGTERMed and waited for after.
 * @example
 * ```ts
 * const { ms } = await coldStart(benchServerCommand("bun", []), SERVER_ROOT);
 * ```
 */
export async function coldStart<T = undefined>(
  [cmd, args]: [string, string[]],
  cwd: string,
  atReady: (pid: number) => Promise<T> = async () => undefined as T,
): Promise<{ ms: number; ready: T }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(cmd, [...args, "--port", String(port)], { cwd, stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const deadline = started + 30_000;
    while (performance.now() < deadline && child.exitCode === null) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        const ms = performance.now() - started;
        return { ms, ready: await atReady(child.pid!) };
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    throw new Error(`${cmd}: no 200 on /healthz within 30 s (exit code ${child.exitCode})`);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

