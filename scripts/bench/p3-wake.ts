/**
 * P3 wake latency: from a process's exit to the answer of a `GET /{id}/output?wait=true` blocked on it. The
 * command's last act prints the wall clock in ns (`date +%s%N`); the client compares it with its own wall clock
 * (`performance.timeOrigin + performance.now()`, sub-millisecond) when the response body has arrived.
 *
 *   bun scripts/bench/p3-wake.ts                # BENCH_P3_N (default 100), BENCH_P3_WARMUP (10)
 * @module
 */
import { okJson } from "./lib/client.ts";
import { envInt, printSection, progress, table, writeResults } from "./lib/report.ts";
import { benchRuntimes, startEdgeproc } from "./lib/servers.ts";
import type { Runtime } from "../../test/support/runtime.ts";
import { fmt, summarize, type Summary } from "./lib/stats.ts";

/** Wake latency of one runtime. */
export interface P3Row {
  runtime: Runtime;
  /** Milliseconds from the printed timestamp to the full response. */
  ms: Summary;
  /** Samples dropped because the process exited before the wait request was sent. */
  notBlocked: number;
}

/** The command: sleep long enough for the wait to be blocked, then print the time as the very last act. */
const COMMAND = "sleep 0.05; exec date +%s%N";

const wallMs = () => performance.timeOrigin + performance.now();

/**
 * How far {@link wallMs} runs ahead of the kernel's wall clock that `date` reads, in ms: read right after
 * `Date.now()` ticks (it has whole milliseconds), so the difference is the offset, not the truncation.
 */
function clockOffsetMs(): number {
  const offsets: number[] = [];
  for (let i = 0; i < 7; i++) {
    const before = Date.now();
    let now: number;
    while ((now = Date.now()) === before);
    offsets.push(wallMs() - now);
  }
  return summarize(offsets).median;
}

/**
 * Runs P3 for every runtime; prints the table and writes `bench-results/p3-wake.json`.
 * @example
 * ```ts
 * const { rows } = await runP3();
 * ```
 */
export async function runP3(): Promise<{ rows: P3Row[]; clockSkewMs: number }> {
  const n = envInt("BENCH_P3_N", 100);
  const warmup = envInt("BENCH_P3_WARMUP", 10);
  // Subtracted from every sample: the client clock must agree with the clock `date` reads.
  const clockSkewMs = clockOffsetMs();
  const rows: P3Row[] = [];
  for (const runtime of benchRuntimes()) rows.push(await measureRuntime(runtime, n, warmup, clockSkewMs));
  const path = writeResults("p3-wake", { config: { n, warmup, command: COMMAND }, clockSkewMs, rows });
  printSection(
    `P3 wake latency, exit → wait=true response (ms; N=${n}; client clock offset ${clockSkewMs.toFixed(3)} ms, corrected)`,
    p3Table(rows),
    path,
  );
  return { rows, clockSkewMs };
}

/**
 * The P3 table.
 * @example
 * ```ts
 * console.log(p3Table(rows));
 * ```
 */
export function p3Table(rows: P3Row[]): string {
  return table(
    ["runtime", "median", "p90", "p99", "min", "not blocked (dropped)"],
    rows.map((r) => [r.runtime, fmt(r.ms.median), fmt(r.ms.p90), fmt(r.ms.p99), fmt(r.ms.min), String(r.notBlocked)]),
  );
}

async function measureRuntime(runtime: Runtime, n: number, warmup: number, skewMs: number): Promise<P3Row> {
  progress(`P3 ${runtime}: starting server`);
  const server = await startEdgeproc(runtime);
  const base = `${server.url}/api/v0/processes`;
  const samples: number[] = [];
  let notBlocked = 0;
  try {
    for (let i = 0; i < warmup + n; i++) {
      const { id } = await okJson<{ id: string }>("POST", `${base}/start`, { command: COMMAND });
      const sentMs = wallMs() - skewMs;
      const reply = await okJson<{ output: string; running: boolean }>("GET", `${base}/${id}/output?wait=true`);
      const receivedMs = wallMs() - skewMs;
      if (reply.running) throw new Error(`P3 ${runtime}: the wait answered a running process`);
      // ns since the epoch exceed 2^53: cut to µs as a BigInt first, then to ms.
      const exitedMs = Number(BigInt(reply.output.trim()) / 1000n) / 1000;
      if (i < warmup) continue;
      if (exitedMs < sentMs) notBlocked++;
      else samples.push(receivedMs - exitedMs);
    }
  } finally {
    await server.stop();
  }
  return { runtime, ms: summarize(samples), notBlocked };
}

if (import.meta.main) await runP3();
