/**
 * P4 scale: 256 running processes (`sleep`, the server's default running limit) with 1000 `wait=true` requests
 * blocked on them, each on its own connection; then plain snapshots under that load. Reports whether every
 * request was answered correctly, the snapshot latency, and the server's RSS; then kills every process and times
 * how long the 1000 waiters take to be answered.
 *
 *   bun scripts/bench/p4-scale.ts     # BENCH_P4_PROCS (256), BENCH_P4_WAITERS (1000), BENCH_P4_SNAPSHOTS (1000)
 *
 * Bun's fetch opens at most 256 connections at once unless BUN_CONFIG_MAX_HTTP_REQUESTS, read when Bun starts,
 * says more: without it, this script runs itself again with it set.
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { okJson, requestJson } from "./lib/client.ts";
import { envInt, printSection, progress, table, writeResults } from "./lib/report.ts";
import { memory, sampleRss } from "./lib/proc-stats.ts";
import { benchRuntimes, startEdgeproc } from "./lib/servers.ts";
import type { Runtime } from "../../test/support/runtime.ts";
import { fmt, summarize, type Summary } from "./lib/stats.ts";

/** The P4 result of one runtime. */
export interface P4Row {
  runtime: Runtime;
  procs: number;
  waiters: number;
  /** Waiters the server counted as blocked at once (its /healthz `activity.waiters`). */
  blockedAtOnce: number;
  /** Requests of any kind that failed or answered wrongly. */
  errors: number;
  /** Plain `GET /{id}/output` latency with every waiter blocked, ms. */
  snapshotMs: Summary;
  rssBeforeMiB: number;
  /** RSS with every process running and every waiter blocked, after the snapshots. */
  rssUnderLoadMiB: number;
  /** Peak RSS sampled through the whole run. */
  rssPeakMiB: number;
  /** From the first kill to the last waiter's answer, ms. */
  drainMs: number;
}

const MiB_PER_KiB = 1 / 1024;

/**
 * Runs P4 for every runtime; prints the table and writes `bench-results/p4-scale.json`.
 * @example
 * ```ts
 * const { rows } = await runP4();
 * ```
 */
export async function runP4(): Promise<{ rows: P4Row[] }> {
  const procs = envInt("BENCH_P4_PROCS", 256);
  const waiters = envInt("BENCH_P4_WAITERS", 1000);
  const snapshots = envInt("BENCH_P4_SNAPSHOTS", 1000);
  const rows: P4Row[] = [];
  for (const runtime of benchRuntimes()) rows.push(await measureRuntime(runtime, procs, waiters, snapshots));
  const path = writeResults("p4-scale", { config: { procs, waiters, snapshots }, rows });
  printSection(`P4 scale: ${waiters} waiters over ${procs} running processes, ${snapshots} snapshots`, p4Table(rows), path);
  return { rows };
}

/**
 * The P4 table.
 * @example
 * ```ts
 * console.log(p4Table(rows));
 * ```
 */
export function p4Table(rows: P4Row[]): string {
  return table(
    ["runtime", "blocked at once", "errors", "snapshot median ms", "p90", "p99", "RSS before MiB", "RSS under load MiB", "RSS peak MiB", "kill → all answered ms"],
    rows.map((r) => [
      r.runtime,
      `${r.blockedAtOnce}/${r.waiters}`,
      String(r.errors),
      fmt(r.snapshotMs.median),
      fmt(r.snapshotMs.p90),
      fmt(r.snapshotMs.p99),
      fmt(r.rssBeforeMiB, 1),
      fmt(r.rssUnderLoadMiB, 1),
      fmt(r.rssPeakMiB, 1),
      fmt(r.drainMs, 0),
    ]),
  );
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function measureRuntime(runtime: Runtime, procs: number, waiterCount: number, snapshots: number): Promise<P4Row> {
  progress(`P4 ${runtime}: starting server`);
  const server = await startEdgeproc(runtime);
  const base = `${server.url}/api/v0/processes`;
  let errors = 0;
  const ids: string[] = [];
  try {
    const rssBefore = (await memory(server.pid)).rssKiB;
    const sampler = await sampleRss(server.pid, 20);
    progress(`P4 ${runtime}: starting ${procs} processes`);
    await pool(
      Array.from({ length: procs }, (_, i) => i),
      8,
      async () => {
        ids.push((await okJson<{ id: string }>("POST", `${base}/start`, { command: "exec sleep 600" })).id);
      },
    );
    progress(`P4 ${runtime}: opening ${waiterCount} waiters`);
    const answered = Array.from({ length: waiterCount }, (_, i) =>
      requestJson<{ running?: boolean; exit_code?: number }>("GET", `${base}/${ids[i % ids.length]}/output?wait=true`).then(
        (reply) => reply.status === 200 && reply.body.running === false,
        () => false,
      ),
    );
    let blockedAtOnce = 0;
    const deadline = performance.now() + 60_000;
    while (blockedAtOnce < waiterCount && performance.now() < deadline) {
      const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5000) })
        .then((r) => r.json() as Promise<{ activity: { waiters: number } }>)
        .catch(() => null);
      blockedAtOnce = Math.max(blockedAtOnce, health?.activity.waiters ?? 0);
      if (blockedAtOnce < waiterCount) await new Promise((r) => setTimeout(r, 50));
    }
    progress(`P4 ${runtime}: ${blockedAtOnce} waiters blocked; ${snapshots} snapshots`);
    const latencies: number[] = [];
    for (let i = 0; i < snapshots; i++) {
      const started = performance.now();
      const reply = await requestJson<{ running?: boolean }>("GET", `${base}/${ids[i % ids.length]}/output`);
      latencies.push(performance.now() - started);
      if (reply.status !== 200 || reply.body.running !== true) errors++;
    }
    const rssUnderLoad = (await memory(server.pid)).rssKiB;
    progress(`P4 ${runtime}: killing every process`);
    const killed = performance.now();
    await pool(ids, 8, async (id) => {
      const reply = await requestJson("POST", `${base}/${id}/signal`, { signal: "kill" });
      if (reply.status !== 200) errors++;
    });
    const results = await Promise.all(answered);
    const drainMs = performance.now() - killed;
    errors += results.filter((ok) => !ok).length;
    const { peakKiB } = await sampler.stop();
    return {
      runtime,
      procs: ids.length,
      waiters: waiterCount,
      blockedAtOnce,
      errors,
      snapshotMs: summarize(latencies),
      rssBeforeMiB: rssBefore * MiB_PER_KiB,
      rssUnderLoadMiB: rssUnderLoad * MiB_PER_KiB,
      rssPeakMiB: peakKiB * MiB_PER_KiB,
      drainMs,
    };
  } finally {
    await server.stop();
  }
}

/** The connection limit P4 needs from Bun's fetch: every waiter plus room for the snapshots. */
export const BUN_MAX_HTTP_REQUESTS = "4096";

if (import.meta.main) {
  if (process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) await runP4();
  else {
    const again = spawnSync(process.execPath, process.argv.slice(1), {
      stdio: "inherit",
      env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: BUN_MAX_HTTP_REQUESTS },
    });
    process.exit(again.status ?? 1);
  }
}
