/**
 * P1 round trip: start → exit → output of `sh -c true`, one keep-alive client, sequential.
 * Besides wall time, the CPU time the serving process (or floor worker) spent per round trip, from
 * /proc/<pid>/task/*\/schedstat: it measures the server's own cost even when the machine is busy.
 * Per runtime, interleaved in rounds (the order rotating each round):
 *   - `start+wait`: `POST /start` then `GET /{id}/output?wait=true`
 *   - `run`: `POST /run`
 *   - `run, tty`: `POST /run` with `tty: true` (docs/api.md §4.11)
 *   - `script(1) floor` (Node and Deno, whose terminal is script's): `script -q -e -c true /dev/null` spawned by the
 *     driver, stdin a pipe kept open and stdout read to EOF: what that program alone costs (no CPU column)
 *   - `floor`: the same runtime spawning and reaping `sh -c true` with a pipe in process (floor/raw-floor.ts)
 *   - `floor, new session`: the same, in a new session (`detached`), as edgeproc's contract needs
 *   - `floor, setsid` (Deno only): the same through setsid(1) and a first shell, as the Deno spawner makes a session
 *     without forking the runtime (floor/run-piped.ts)
 *   - `http floor`, `http floor, start+wait`: the runtime's own HTTP server answering `POST /run`, or `POST /start`
 *     then `GET /wait/{id}`, with that new-session spawn (floor/http-floor.ts): what any server pays, HTTP included
 *   - `start+wait (baseline)`, `run (baseline)`: the same requests to the server of `BENCH_BASELINE_ROOT` (a copy
 *     of the code before a change), when set: before and after in one run
 *   - `sandbox-agent run`: the Rust peer's `POST /v1/processes/run` (skipped with a message when unavailable)
 *
 *   bun scripts/bench/p1-round-trip.ts          # BENCH_P1_N (default 200), BENCH_P1_WARMUP (30), BENCH_P1_ROUND (10)
 * @module
 */
import { spawn } from "node:child_process";
import { okJson } from "./lib/client.ts";
import { startFloor } from "./lib/floor.ts";
import { envInt, printSection, progress, table, writeResults } from "./lib/report.ts";
import { cpuNs } from "./lib/proc-stats.ts";
import { startSandboxAgent } from "./lib/sandbox-agent.ts";
import { BASELINE_ROOT, benchRuntimes, type ServerHandle, startEdgeproc, startHttpFloor } from "./lib/servers.ts";
import type { Runtime } from "../../test/support/runtime.ts";
import { fmt, fmtRatio, ratio, summarize, type Summary } from "./lib/stats.ts";

/** One measured variant of one runtime. */
export interface P1Row {
  runtime: Runtime;
  variant:
    | "start+wait"
    | "run"
    | "run, tty"
    | "script(1) floor"
    | "start+wait (baseline)"
    | "run (baseline)"
    | "floor"
    | "floor, new session"
    | "floor, setsid"
    | "http floor"
    | "http floor, start+wait"
    | "sandbox-agent run";
  ms: Summary;
  /** CPU time of the serving process (or the floor worker) per round trip, µs: robust to other load. */
  cpuUsPerOp: number;
  /** Median over the floor's median, and p90 over the floor's p90. */
  vsFloor: { median: number | null; p90: number | null };
  /** Median over the new-session floor's median. */
  vsSessionFloor: number | null;
  /**
   * Median over the HTTP floor's median for the same requests (`http floor, start+wait` for a start+wait row);
   * absent in results from before it was measured.
   */
  vsHttpFloor?: number | null;
  /** Median over sandbox-agent's median, and p90 over its p90 (same run). */
  vsSandboxAgent: { median: number | null; p90: number | null };
}

type Variant = P1Row["variant"];

interface OutputReply {
  running: boolean;
  exit_code?: number;
}

/** `script -q -e -c true /dev/null` as the Node and Deno spawners run it: stdin held open, stdout to EOF, exit 0. */
function scriptFloor(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-q", "-e", "-c", "true", "/dev/null"], { stdio: ["pipe", "pipe", "ignore"] });
    child.stdout!.resume();
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`script(1) floor exited ${code}`))));
  });
}

function checkExited(reply: OutputReply, what: string): void {
  if (reply.running !== false || reply.exit_code !== 0) throw new Error(`${what}: unexpected reply ${JSON.stringify(reply)}`);
}

/**
 * Runs P1 for every runtime and returns its rows; prints the table and writes `bench-results/p1-round-trip.json`.
 * @example
 * ```ts
 * const { rows } = await runP1();
 * ```
 */
export async function runP1(): Promise<{ rows: P1Row[]; sandboxAgent: string }> {
  const n = envInt("BENCH_P1_N", 200);
  const warmup = envInt("BENCH_P1_WARMUP", 30);
  const round = Math.max(1, envInt("BENCH_P1_ROUND", 10));
  const peer = await startSandboxAgent();
  const sandboxAgent = "error" in peer ? `skipped: ${peer.error}` : "measured";
  if ("error" in peer) console.log(`P1: sandbox-agent column skipped: ${peer.error}`);
  const rows: P1Row[] = [];
  try {
    for (const runtime of benchRuntimes()) rows.push(...(await measureRuntime(runtime, "error" in peer ? null : peer, n, warmup, round)));
  } finally {
    if (!("error" in peer)) await peer.stop();
  }
  const path = writeResults("p1-round-trip", { config: { n, warmup, round }, sandboxAgent, rows });
  printSection(
    `P1 round trip of \`sh -c true\` (ms; N=${n} each after ${warmup} warm-up, interleaved in rounds of ${round})`,
    p1Table(rows),
    path,
  );
  return { rows, sandboxAgent };
}

/**
 * The P1 table.
 * @example
 * ```ts
 * console.log(p1Table(rows));
 * ```
 */
export function p1Table(rows: P1Row[]): string {
  return table(
    [
      "runtime",
      "variant",
      "median",
      "p90",
      "CPU µs/op",
      "× floor (median / p90)",
      "× floor, new session",
      "× http floor (same requests)",
      "× sandbox-agent run (median / p90)",
    ],
    rows.map((r) => [
      r.runtime,
      r.variant,
      fmt(r.ms.median),
      fmt(r.ms.p90),
      fmt(r.cpuUsPerOp, 0),
      `${fmtRatio(r.vsFloor.median)} / ${fmtRatio(r.vsFloor.p90)}`,
      fmtRatio(r.vsSessionFloor),
      fmtRatio(r.vsHttpFloor ?? null),
      `${fmtRatio(r.vsSandboxAgent.median)} / ${fmtRatio(r.vsSandboxAgent.p90)}`,
    ]),
  );
}

async function measureRuntime(
  runtime: Runtime,
  peer: ServerHandle | null,
  n: number,
  warmup: number,
  round: number,
): Promise<P1Row[]> {
  progress(`P1 ${runtime}: starting server and floor worker`);
  const server = await startEdgeproc(runtime);
  const baseline = BASELINE_ROOT ? await startEdgeproc(runtime, [], BASELINE_ROOT) : null;
  const httpFloor = await startHttpFloor(runtime);
  const floor = await startFloor(runtime);
  const startWait = (at: ServerHandle) => async () => {
    const base = `${at.url}/api/v0/processes`;
    const { id } = await okJson<{ id: string }>("POST", `${base}/start`, { command: "true" });
    checkExited(await okJson<OutputReply>("GET", `${base}/${id}/output?wait=true`), "start+wait");
  };
  const run = (at: ServerHandle, path = "/api/v0/processes/run", extra = {}) => async () =>
    checkExited(await okJson<OutputReply>("POST", `${at.url}${path}`, { command: "true", ...extra }), "run");
  const once: Record<Variant, () => Promise<void>> = {
    "start+wait": startWait(server),
    run: run(server),
    "run, tty": run(server, undefined, { tty: true }),
    "script(1) floor": scriptFloor,
    "start+wait (baseline)": startWait(baseline ?? server),
    "run (baseline)": run(baseline ?? server),
    "http floor": run(httpFloor, "/run"),
    "http floor, start+wait": async () => {
      const { id } = await okJson<{ id: string }>("POST", `${httpFloor.url}/start`, { command: "true" });
      checkExited(await okJson<OutputReply>("GET", `${httpFloor.url}/wait/${id}`), "http floor, start+wait");
    },
    floor: async () => {
      throw new Error("the floor runs in batches");
    },
    "floor, new session": async () => {
      throw new Error("the floor runs in batches");
    },
    "floor, setsid": async () => {
      throw new Error("the floor runs in batches");
    },
    "sandbox-agent run": async () => {
      const reply = await okJson<{ exitCode: number }>("POST", `${peer!.url}/v1/processes/run`, {
        command: "sh",
        args: ["-c", "true"],
      });
      if (reply.exitCode !== 0) throw new Error(`sandbox-agent: unexpected reply ${JSON.stringify(reply)}`);
    },
  };
  const variants: Variant[] = [
    "start+wait",
    "run",
    "run, tty",
    ...(runtime === "bun" ? [] : (["script(1) floor"] as const)),
    ...(baseline ? (["start+wait (baseline)", "run (baseline)"] as const) : []),
    "floor",
    "floor, new session",
    ...(runtime === "deno" ? (["floor, setsid"] as const) : []),
    "http floor",
    "http floor, start+wait",
    ...(peer ? (["sandbox-agent run"] as const) : []),
  ];
  const samples = new Map<Variant, number[]>(variants.map((v) => [v, []]));
  const cpu = new Map<Variant, number>(variants.map((v) => [v, 0]));
  const inFloor = (variant: Variant) => variant.startsWith("floor");
  const pidOf = (variant: Variant) => {
    if (inFloor(variant)) return floor.pid;
    if (variant === "sandbox-agent run") return peer!.pid;
    if (variant.startsWith("http floor")) return httpFloor.pid;
    return variant.endsWith("(baseline)") ? baseline!.pid : server.pid;
  };
  const batch = async (variant: Variant, count: number, keep: boolean) => {
    // The floor's script(1) is a new process each time: no process to read a CPU figure from.
    const noCpu = variant === "script(1) floor";
    const cpuBefore = keep && !noCpu ? await cpuNs(pidOf(variant)) : 0;
    let times: number[];
    if (inFloor(variant)) {
      times = await floor.spawn(count, variant === "floor, setsid" ? "setsid" : variant === "floor, new session");
    } else {
      times = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await once[variant]();
        times.push(performance.now() - started);
      }
    }
    if (keep) {
      samples.get(variant)!.push(...times);
      cpu.set(variant, noCpu ? Number.NaN : cpu.get(variant)! + (await cpuNs(pidOf(variant))) - cpuBefore);
    }
  };
  try {
    for (const variant of variants) await batch(variant, warmup, false);
    progress(`P1 ${runtime}: measuring ${variants.join(", ")} (N=${n} each)`);
    for (let done = 0, r = 0; done < n; done += round, r++) {
      const count = Math.min(round, n - done);
      for (let i = 0; i < variants.length; i++) await batch(variants[(i + r) % variants.length]!, count, true);
    }
  } finally {
    await floor.stop();
    await httpFloor.stop();
    await baseline?.stop();
    await server.stop();
  }
  const summaries = new Map(variants.map((v) => [v, summarize(samples.get(v)!)]));
  const floorMs = summaries.get("floor")!;
  const sessionFloorMs = summaries.get("floor, new session")!;
  const peerMs = summaries.get("sandbox-agent run");
  const httpFloorMs = summaries.get("http floor")!;
  const httpStartWaitMs = summaries.get("http floor, start+wait")!;
  return variants.map((variant) => {
    const ms = summaries.get(variant)!;
    return {
      runtime,
      variant,
      ms,
      cpuUsPerOp: cpu.get(variant)! / ms.n / 1000,
      vsFloor: { median: ratio(ms.median, floorMs.median), p90: ratio(ms.p90, floorMs.p90) },
      vsSessionFloor: ratio(ms.median, sessionFloorMs.median),
      vsHttpFloor: ratio(ms.median, (variant.includes("start+wait") ? httpStartWaitMs : httpFloorMs).median),
      vsSandboxAgent: { median: ratio(ms.median, peerMs?.median), p90: ratio(ms.p90, peerMs?.p90) },
    };
  });
}

if (import.meta.main) await runP1();
