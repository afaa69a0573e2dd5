/**
 * P5 cold start: from the exec of a server (the npm `start` command of each runtime) to its first 200 on
 * `/healthz`, polled every millisecond or so on a port picked beforehand. Runtimes alternate run by run.
 *
 *   bun scripts/bench/p5-cold-start.ts          # BENCH_P5_N (default 10)
 * @module
 */
import { envInt, printSection, progress, table, writeResults } from "./lib/report.ts";
import { benchRuntimes, benchServerCommand, coldStart, ROOT, SERVER_ROOT } from "./lib/servers.ts";
import type { Runtime } from "../../test/support/runtime.ts";
import { fmt, summarize, type Summary } from "./lib/stats.ts";

/** Cold start of one runtime. */
export interface P5Row {
  runtime: Runtime;
  /** The command that was timed. */
  command: string;
  ms: Summary;
}

/**
 * Runs P5; prints the table and writes `bench-results/p5-cold-start.json`.
 * @example
 * ```ts
 * const { rows } = await runP5();
 * ```
 */
export async function runP5(): Promise<{ rows: P5Row[] }> {
  const n = Math.max(1, envInt("BENCH_P5_N", 10));
  const runtimes = benchRuntimes();
  const samples = new Map<Runtime, number[]>(runtimes.map((r) => [r, []]));
  for (const runtime of runtimes) await startOnce(runtime); // warm the page cache (and tsx's, on older checkouts)
  for (let i = 0; i < n; i++) {
    progress(`P5 run ${i + 1}/${n}`);
    for (let j = 0; j < runtimes.length; j++) {
      const runtime = runtimes[(i + j) % runtimes.length]!;
      samples.get(runtime)!.push(await startOnce(runtime));
    }
  }
  const rows = runtimes.map((runtime) => {
    const [cmd, args] = benchServerCommand(runtime, ["--port", "N"]);
    return { runtime, command: [cmd, ...args].join(" ").replaceAll(SERVER_ROOT.replace(/\/?$/, "/"), "").replaceAll(ROOT, ""), ms: summarize(samples.get(runtime)!) };
  });
  const path = writeResults("p5-cold-start", { config: { n }, rows });
  printSection(`P5 cold start, exec → first 200 on /healthz (ms; N=${n})`, p5Table(rows), path);
  return { rows };
}

/**
 * The P5 table.
 * @example
 * ```ts
 * console.log(p5Table(rows));
 * ```
 */
export function p5Table(rows: P5Row[]): string {
  return table(
    ["runtime", "command", "median", "p90", "min", "max"],
    rows.map((r) => [r.runtime, `\`${r.command}\``, fmt(r.ms.median, 0), fmt(r.ms.p90, 0), fmt(r.ms.min, 0), fmt(r.ms.max, 0)]),
  );
}

/** One start of `runtime`'s server entry: milliseconds to the first 200 on `/healthz`. */
async function startOnce(runtime: Runtime): Promise<number> {
  return (await coldStart(benchServerCommand(runtime, []), SERVER_ROOT)).ms;
}

if (import.meta.main) await runP5();
