/**
 * `npm run bench`: every benchmark, one after the other, each in its own process against fresh servers, then the
 * summary with the targets. Name benchmarks to run only those: `bun scripts/bench/all.ts p1 p3`; `cost` (the
 * per-request CPU profile of request-cost.ts), `binary` (the single executable's cold start) and `p6` (pattern
 * waiters on a flood, wake latency of until=match) run only when named.
 *
 * Knobs (environment): BENCH_RUNTIMES=bun,node,deno; BENCH_P1_N, BENCH_P2_N, BENCH_P2_BYTES, BENCH_P3_N,
 * BENCH_P4_PROCS, BENCH_P4_WAITERS, BENCH_P4_SNAPSHOTS, BENCH_P5_N, BENCH_BINARY_N; BENCH_SKIP_SANDBOX_AGENT=1;
 * BENCH_SCRATCH (where sandbox-agent is installed; default $TMPDIR/edgeproc-bench); BENCH_SERVER_ROOT (benchmark
 * the servers of another checkout, e.g. a copy from before a change) with BENCH_RESULTS_DIR (write its JSON elsewhere).
 * @module
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { BUN_MAX_HTTP_REQUESTS } from "./p4-scale.ts";
import { progress } from "./lib/report.ts";
import { ROOT } from "./lib/servers.ts";
import { printSummary } from "./summary.ts";

const BENCHES = {
  p1: "p1-round-trip.ts",
  p2: "p2-ingest.ts",
  p3: "p3-wake.ts",
  p4: "p4-scale.ts",
  p5: "p5-cold-start.ts",
  p6: "p6-wait-match.ts",
  cost: "request-cost.ts",
  binary: "binary-cold-start.ts",
} as const;

/** What runs without arguments: the benchmarks with targets. The profile (`cost`) and `binary` run when named. */
const DEFAULT = ["p1", "p2", "p3", "p4", "p5"];

const named = process.argv.slice(2);
const wanted = named.length ? named : DEFAULT;
for (const name of named) if (!(name in BENCHES)) throw new Error(`Unknown benchmark ${name}; pick from ${Object.keys(BENCHES).join(", ")}`);
const started = performance.now();
let failed = 0;
for (const [name, file] of Object.entries(BENCHES)) {
  if (!wanted.includes(name)) continue;
  progress(`running ${name} (${file})`);
  const run = spawnSync(process.execPath, [join(ROOT, "scripts/bench", file)], {
    stdio: "inherit",
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: process.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? BUN_MAX_HTTP_REQUESTS },
  });
  if (run.status !== 0) {
    failed++;
    console.error(`bench: ${name} failed (exit ${run.status ?? run.signal})`);
  }
}
console.log("\n# Summary");
printSummary();
progress(`all done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
