/**
 * Profile: what a request costs the server. Over HTTP, the CPU time the server process spends per request (from
 * /proc/<pid>/task/*\/schedstat, so other load on the machine barely moves it) and the median wall time, for
 * requests that do more and more: `/healthz`, a snapshot, a `/run` refused by validation, a `/run` of `true`, and
 * start + wait; with the default access log on stderr and with `--quiet`. Then, in process on each runtime, the
 * same round trip layer by layer (floor/layer-cost.ts): raw spawn, spawner, manager, fetch handler.
 *
 *   bun scripts/bench/request-cost.ts     # BENCH_COST_N (default 200 per kind), BENCH_LAYER_ROUNDS (15)
 * @module
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { okJson, requestJson } from "./lib/client.ts";
import { envInt, printSection, progress, table, writeResults } from "./lib/report.ts";
import { cpuNs } from "./lib/proc-stats.ts";
import { type Runtime, scriptCommand } from "../../test/support/runtime.ts";
import { benchRuntimes, ROOT, startEdgeproc } from "./lib/servers.ts";
import { fmt } from "./lib/stats.ts";

/** One request kind on one server. */
export interface CostRow {
  runtime: Runtime;
  accessLog: boolean;
  request: string;
  cpuUs: number;
  medianMs: number;
}

/** One layer of the in-process breakdown. */
export interface LayerRow {
  runtime: Runtime;
  layer: string;
  cpuUs: number;
  medianMs: number;
}

/**
 * Runs the profile; prints both tables and writes `bench-results/request-cost.json`.
 * @example
 * ```ts
 * const { rows, layers } = await runCost();
 * ```
 */
export async function runCost(): Promise<{ rows: CostRow[]; layers: LayerRow[] }> {
  const n = envInt("BENCH_COST_N", 200);
  const rows: CostRow[] = [];
  const layers: LayerRow[] = [];
  for (const runtime of benchRuntimes()) {
    for (const accessLog of [true, false]) rows.push(...(await measureServer(runtime, accessLog, n)));
    progress(`cost ${runtime}: layers in process`);
    const [cmd, args] = scriptCommand(runtime, join(ROOT, "scripts/bench/floor/layer-cost.ts"));
    const out = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
    if (out.status !== 0) throw new Error(`layer-cost (${runtime}) failed: ${out.stderr}`);
    for (const line of out.stdout.trim().split("\n")) layers.push(JSON.parse(line) as LayerRow);
  }
  const path = writeResults("request-cost", { config: { n }, rows, layers });
  printSection(
    `Request cost over HTTP (server CPU µs per request; median ms; N=${n})`,
    table(
      ["runtime", "request", "CPU µs, access log", "CPU µs, --quiet", "median ms, --quiet"],
      rows
        .filter((r) => !r.accessLog)
        .map((quiet) => {
          const logged = rows.find((r) => r.accessLog && r.runtime === quiet.runtime && r.request === quiet.request);
          return [quiet.runtime, quiet.request, fmt(logged?.cpuUs, 0), fmt(quiet.cpuUs, 0), fmt(quiet.medianMs)];
        }),
    ),
  );
  printSection(
    "The same round trip by layer, in process (CPU µs per operation; median ms)",
    table(["runtime", "layer", "CPU µs", "median ms"], layers.map((l) => [l.runtime, l.layer, fmt(l.cpuUs, 0), fmt(l.medianMs)])),
    path,
  );
  return { rows, layers };
}

async function measureServer(runtime: Runtime, accessLog: boolean, n: number): Promise<CostRow[]> {
  progress(`cost ${runtime}: server${accessLog ? "" : " --quiet"}`);
  const server = await startEdgeproc(runtime, accessLog ? [] : ["--quiet"]);
  const base = `${server.url}/api/v0/processes`;
  const rows: CostRow[] = [];
  try {
    const { id } = await okJson<{ id: string }>("POST", `${base}/run`, { command: "echo hi" });
    const kinds: Record<string, () => Promise<unknown>> = {
      "GET /healthz": () => okJson("GET", `${server.url}/healthz`),
      "GET /{id}/output": () => okJson("GET", `${base}/${id}/output`),
      "POST /run → 400": () => requestJson("POST", `${base}/run`, { command: "" }),
      "POST /run true": () => okJson("POST", `${base}/run`, { command: "true" }),
      "start + wait true": async () => {
        const started = await okJson<{ id: string }>("POST", `${base}/start`, { command: "true" });
        return okJson("GET", `${base}/${started.id}/output?wait=true`);
      },
    };
    for (const [request, op] of Object.entries(kinds)) {
      for (let i = 0; i < 20; i++) await op();
      const before = await cpuNs(server.pid);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        await op();
        times.push(performance.now() - started);
      }
      const cpuUs = ((await cpuNs(server.pid)) - before) / n / 1000;
      times.sort((a, b) => a - b);
      rows.push({ runtime, accessLog, request, cpuUs, medianMs: times[times.length >> 1]! });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

if (import.meta.main) await runCost();
