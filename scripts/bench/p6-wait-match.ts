/**
 * P6 waiting for a line (docs/api.md §4.5 `until=match`): what pattern waiters cost a flooding process, and how soon
 * a waiter wakes after its line is written.
 *
 * - Ingest: a process writing 256 MiB of 50-byte log lines (`yes LINE | head -c N`), read through the server
 *   (`POST /start` + `GET /{id}/output?wait=true`) with no pattern waiter (the baseline, same run), with 100
 *   waiters of one pattern that never matches, and with 100 waiters of 10 distinct patterns (10 each); interleaved.
 *   Every waiter scans every line, so this is the worst case: waiters that match stop scanning.
 * - Wake: `sleep 0.3; echo "READY $(date +%s%N)"` with one `until=match` waiter; latency = the answer's arrival
 *   minus the time printed in the line (one clock: the same machine).
 *
 *   bun scripts/bench/p6-wait-match.ts          # BENCH_P6_N (default 3), BENCH_P6_BYTES, BENCH_P6_WAKES (default 20)
 * @module
 */
import { okJson } from "./lib/client.ts";
import { envInt, printSection, progress, table, writeResults } from "./lib/report.ts";
import { benchRuntimes, startEdgeproc } from "./lib/servers.ts";
import type { Runtime } from "../../test/support/runtime.ts";
import { fmt, fmtRatio, ratio, summarize, type Summary } from "./lib/stats.ts";

const MiB = 1024 * 1024;
const LINE = "GET /api/items?page=3 200 12ms user=42 trace=ab12cd";
const VARIANTS = ["no waiters", "100 waiters, 1 pattern", "100 waiters, 10 patterns"] as const;

/** One measured variant of one runtime. */
export interface P6Row {
  runtime: Runtime;
  variant: (typeof VARIANTS)[number] | "wake latency ms";
  /** MiB/s per run, or wake latencies in ms. */
  values: Summary;
  /** Median over the same run's no-waiter median (ingest rows). */
  vsBaseline: number | null;
}

/**
 * Runs P6 for every runtime; prints the table and writes `bench-results/p6-wait-match.json`.
 * @example
 * ```ts
 * const { rows } = await runP6();
 * ```
 */
export async function runP6(): Promise<{ rows: P6Row[] }> {
  const n = Math.max(1, envInt("BENCH_P6_N", 3));
  const bytes = envInt("BENCH_P6_BYTES", 256 * MiB);
  const wakes = Math.max(1, envInt("BENCH_P6_WAKES", 20));
  const rows: P6Row[] = [];
  for (const runtime of benchRuntimes()) rows.push(...(await measureRuntime(runtime, n, bytes, wakes)));
  const path = writeResults("p6-wait-match", { config: { n, bytes, wakes }, rows });
  const body = table(
    ["runtime", "variant", "median", "min–max", "× no waiters", "p90"],
    rows.map((r) => [
      r.runtime,
      r.variant,
      fmt(r.values.median, r.variant === "wake latency ms" ? 1 : 0),
      `${fmt(r.values.min, 1)}–${fmt(r.values.max, 1)}`,
      fmtRatio(r.vsBaseline),
      fmt(r.values.p90, 1),
    ]),
  );
  printSection(`P6 until=match: ingest of ${bytes / MiB} MiB of lines in MiB/s (N=${n}), wake latency`, body, path);
  return { rows };
}

async function measureRuntime(runtime: Runtime, n: number, bytes: number, wakes: number): Promise<P6Row[]> {
  progress(`P6 ${runtime}: starting server`);
  const server = await startEdgeproc(runtime);
  const base = `${server.url}/api/v0/processes`;
  const ingest = async (patterns: string[], size: number): Promise<number> => {
    const started = performance.now();
    const { id } = await okJson<{ id: string }>("POST", `${base}/start`, { command: `yes '${LINE}' | head -c ${size}` });
    const waiters = patterns.map((p) =>
      okJson<{ match?: unknown }>("GET", `${base}/${id}/output?until=match&pattern=${encodeURIComponent(p)}&wait_ms=300000`),
    );
    const reply = await okJson<{ running: boolean; total_bytes: number }>("GET", `${base}/${id}/output?wait=true`);
    const ms = performance.now() - started;
    const answers = await Promise.all(waiters);
    if (reply.running || reply.total_bytes !== size || answers.some((a) => a.match)) {
      throw new Error(`P6 ${runtime}: unexpected reply ${JSON.stringify({ ...reply, output: undefined })}`);
    }
    await okJson("DELETE", `${base}/${id}`);
    return ms;
  };
  const patternsOf = {
    "no waiters": [] as string[],
    "100 waiters, 1 pattern": Array.from({ length: 100 }, () => "ERROR|panic: .* at line \\d+"),
    "100 waiters, 10 patterns": Array.from({ length: 100 }, (_, i) => `listening on port ${8000 + (i % 10)}\\b`),
  };
  const rates: Record<(typeof VARIANTS)[number], number[]> = {
    "no waiters": [],
    "100 waiters, 1 pattern": [],
    "100 waiters, 10 patterns": [],
  };
  const latencies: number[] = [];
  try {
    for (const v of VARIANTS) await ingest(patternsOf[v], 16 * MiB); // warm-up
    for (let i = 0; i < n; i++) {
      for (const v of VARIANTS) {
        progress(`P6 ${runtime}: ${v} run ${i + 1}/${n}`);
        rates[v].push(bytes / MiB / ((await ingest(patternsOf[v], bytes)) / 1000));
      }
    }
    for (let i = 0; i < wakes; i++) {
      const command = 'sleep 0.3; echo "READY $(date +%s%N)"; sleep 5';
      const { id } = await okJson<{ id: string }>("POST", `${base}/start`, { command });
      const reply = await okJson<{ match?: { text: string } }>(
        "GET",
        `${base}/${id}/output?until=match&pattern=${encodeURIComponent("^READY \\d+$")}&wait_ms=10000`,
      );
      const arrived = Date.now();
      if (!reply.match) throw new Error(`P6 ${runtime}: no match`);
      latencies.push(arrived - Number(reply.match.text.split(" ")[1]) / 1e6);
      await okJson("POST", `${base}/${id}/signal`, { signal: "kill", wait_ms: 5000 });
      await okJson("DELETE", `${base}/${id}`);
    }
  } finally {
    await server.stop();
  }
  const baseline = summarize(rates["no waiters"]).median;
  const rows: P6Row[] = VARIANTS.map((variant) => {
    const values = summarize(rates[variant]);
    return { runtime, variant, values, vsBaseline: ratio(values.median, baseline) };
  });
  rows.push({ runtime, variant: "wake latency ms", values: summarize(latencies), vsBaseline: null });
  return rows;
}

if (import.meta.main) await runP6();
