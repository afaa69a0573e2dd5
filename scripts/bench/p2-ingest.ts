/**
 * P2 output ingest: a process writing 1 GiB (`head -c 1073741824 /dev/zero`) until it exits, read through the
 * server (`POST /start` + `GET /{id}/output?wait=true`) against the same runtime reading the same pipe itself
 * (floor/raw-floor.ts). Reports MiB/s and the peak RSS growth of the reading process (sampled from
 * `/proc/<pid>/status`), interleaved: server, server on a terminal, floor, shell, server, ... The `server, tty`
 * row is the same start with `tty: true` (docs/api.md §4.11): the bytes cross a pseudo-terminal (and, on Node and
 * Deno, script(1)'s copy). The shell pipe row, `head | cat > /dev/null`, is what this machine's pipes carry with no
 * runtime involved; `shell tty`, `script -q -c 'head ...' /dev/null | cat > /dev/null`, is what this machine's
 * pseudo-terminals carry the same way (script(1) reading the terminal and copying it to a pipe).
 *
 *   bun scripts/bench/p2-ingest.ts              # BENCH_P2_N (default 3), BENCH_P2_BYTES (default 1073741824)
 * @module
 */
import { spawn } from "node:child_process";
import { okJson } from "./lib/client.ts";
import { startFloor } from "./lib/floor.ts";
import { envInt, printSection, progress, table, writeResults } from "./lib/report.ts";
import { memory, sampleRss } from "./lib/proc-stats.ts";
import { benchRuntimes, startEdgeproc } from "./lib/servers.ts";
import type { Runtime } from "../../test/support/runtime.ts";
import { fmt, fmtRatio, ratio, summarize, type Summary } from "./lib/stats.ts";

const MiB = 1024 * 1024;

/** One measured reader of one runtime. */
export interface P2Row {
  runtime: Runtime;
  variant: "server" | "server, tty" | "floor" | "shell pipe" | "shell tty";
  /** Throughput of each run, MiB/s. */
  mibPerSecond: Summary;
  /** Largest peak-RSS growth over the runs, MiB (peak sampled every 5 ms minus the RSS just before the run). */
  rssGrowthMiB: number;
  /** VmHWM after the runs minus VmRSS before the first one, MiB. */
  hwmGrowthMiB: number;
  /** Median throughput over the floor's. */
  vsFloor: number | null;
}

/**
 * Runs P2 for every runtime; prints the table and writes `bench-results/p2-ingest.json`.
 * @example
 * ```ts
 * const { rows } = await runP2();
 * ```
 */
export async function runP2(): Promise<{ rows: P2Row[] }> {
  const n = Math.max(1, envInt("BENCH_P2_N", 3));
  const bytes = envInt("BENCH_P2_BYTES", 1024 * MiB);
  const rows: P2Row[] = [];
  for (const runtime of benchRuntimes()) rows.push(...(await measureRuntime(runtime, n, bytes)));
  const path = writeResults("p2-ingest", { config: { n, bytes }, rows });
  printSection(`P2 output ingest of ${(bytes / MiB).toFixed(0)} MiB (N=${n} each, interleaved)`, p2Table(rows), path);
  return { rows };
}

/**
 * The P2 table.
 * @example
 * ```ts
 * console.log(p2Table(rows));
 * ```
 */
export function p2Table(rows: P2Row[]): string {
  return table(
    ["runtime", "reader", "MiB/s median", "MiB/s min–max", "× floor", "peak RSS growth MiB", "VmHWM growth MiB"],
    rows.map((r) => [
      r.runtime,
      r.variant,
      fmt(r.mibPerSecond.median, 0),
      `${fmt(r.mibPerSecond.min, 0)}–${fmt(r.mibPerSecond.max, 0)}`,
      fmtRatio(r.vsFloor),
      fmt(r.rssGrowthMiB, 1),
      fmt(r.hwmGrowthMiB, 1),
    ]),
  );
}

async function measureRuntime(runtime: Runtime, n: number, bytes: number): Promise<P2Row[]> {
  progress(`P2 ${runtime}: starting server and floor worker`);
  const server = await startEdgeproc(runtime);
  const floor = await startFloor(runtime);
  const base = `${server.url}/api/v0/processes`;
  const throughServer = (tty: boolean) => async (size: number) => {
    const started = performance.now();
    const command = `head -c ${size} /dev/zero`;
    const { id } = await okJson<{ id: string }>("POST", `${base}/start`, { command, tty });
    const reply = await okJson<{ running: boolean; exit_code?: number; total_bytes: number }>(
      "GET",
      `${base}/${id}/output?wait=true`,
    );
    const ms = performance.now() - started;
    if (reply.running || reply.exit_code !== 0 || reply.total_bytes !== size) {
      throw new Error(`P2 ${runtime}: unexpected reply ${JSON.stringify({ ...reply, output: undefined })}`);
    }
    await okJson("DELETE", `${base}/${id}`);
    return ms;
  };
  const throughShell = (tty: boolean) => (size: number) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const head = `head -c ${size} /dev/zero`;
      const script = tty ? `script -q -e -c '${head}' /dev/null` : head;
      const child = spawn("sh", ["-c", `${script} | cat > /dev/null`], { stdio: "ignore" });
      child.once("error", reject);
      child.once("exit", (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`shell pipe exited ${code}`))));
    });
  const result = {
    server: { pid: server.pid, read: throughServer(false), rates: [] as number[], growth: 0, before: 0, hwm: 0 },
    "server, tty": { pid: server.pid, read: throughServer(true), rates: [] as number[], growth: 0, before: 0, hwm: 0 },
    floor: { pid: floor.pid, read: (size: number) => floor.ingest(size), rates: [] as number[], growth: 0, before: 0, hwm: 0 },
    "shell pipe": { pid: 0, read: throughShell(false), rates: [] as number[], growth: Number.NaN, before: 0, hwm: Number.NaN },
    "shell tty": { pid: 0, read: throughShell(true), rates: [] as number[], growth: Number.NaN, before: 0, hwm: Number.NaN },
  };
  try {
    // Warm-up: JIT and first allocations are not the pipe's cost.
    for (const v of Object.values(result)) await v.read(64 * MiB);
    for (const v of Object.values(result)) if (v.pid) v.before = (await memory(v.pid)).rssKiB;
    for (let i = 0; i < n; i++) {
      for (const [name, v] of Object.entries(result)) {
        progress(`P2 ${runtime}: ${name} run ${i + 1}/${n}`);
        const sampler = v.pid ? await sampleRss(v.pid) : null;
        const ms = await v.read(bytes);
        v.rates.push(bytes / MiB / (ms / 1000));
        if (!sampler) continue;
        const { startKiB, peakKiB, hwmKiB } = await sampler.stop();
        v.growth = Math.max(v.growth, (peakKiB - startKiB) / 1024);
        v.hwm = (hwmKiB - v.before) / 1024;
      }
    }
  } finally {
    await floor.stop();
    await server.stop();
  }
  const floorRates = summarize(result.floor.rates);
  return (["server", "server, tty", "floor", "shell pipe", "shell tty"] as const).map((variant) => {
    const v = result[variant];
    const rates = summarize(v.rates);
    return {
      runtime,
      variant,
      mibPerSecond: rates,
      rssGrowthMiB: v.growth,
      hwmGrowthMiB: v.hwm,
      vsFloor: ratio(rates.median, floorRates.median),
    };
  });
}

if (import.meta.main) await runP2();
