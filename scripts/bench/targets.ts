/**
 * The performance targets of the "Performance" issue, checked against the JSON the benchmarks wrote.
 * @module
 */
import type { P1Row } from "./p1-round-trip.ts";
import type { P2Row } from "./p2-ingest.ts";
import type { P3Row } from "./p3-wake.ts";
import type { P4Row } from "./p4-scale.ts";
import type { P5Row } from "./p5-cold-start.ts";
import type { LayerRow } from "./request-cost.ts";
import { fmt, fmtRatio } from "./lib/stats.ts";

/** Whatever results exist; a benchmark that did not run leaves its targets "not measured". */
export interface Results {
  p1?: { rows: P1Row[]; sandboxAgent: string };
  p2?: { rows: P2Row[] };
  p3?: { rows: P3Row[] };
  p4?: { rows: P4Row[] };
  p5?: { rows: P5Row[] };
  cost?: { layers: LayerRow[] };
}

/** One target and how it went. */
export interface TargetCheck {
  target: string;
  /** `null`: not measured. */
  met: boolean | null;
  measured: string;
}

const notMeasured = (target: string, why = "not measured"): TargetCheck => ({ target, met: null, measured: why });

/**
 * Every target with its verdict and the numbers behind it.
 * @example
 * ```ts
 * for (const t of checkTargets(results)) console.log(t.target, t.met);
 * ```
 */
export function checkTargets(results: Results): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const p1 = (runtime: string, variant: string) => results.p1?.rows.find((r) => r.runtime === runtime && r.variant === variant);
  const httpFloorOf = (row: P1Row) => (row.variant.includes("start+wait") ? "http floor, start+wait" : "http floor");
  // The goals of the performance issue (#14): Bun against the Rust peer, Node and Deno against their own floors.
  for (const [variant, limit] of [["start+wait", 1.05], ["run", 0.9]] as const) {
    const target = `P1 bun ${variant} ≤ ${limit.toFixed(2)}× sandbox-agent run (median)`;
    const row = p1("bun", variant);
    const peer = p1("bun", "sandbox-agent run");
    if (!row || !peer || row.vsSandboxAgent.median === null) checks.push(notMeasured(target, results.p1?.sandboxAgent));
    else {
      checks.push({
        target,
        met: row.vsSandboxAgent.median <= limit,
        measured:
          `${fmt(row.ms.median)} ms vs ${fmt(peer.ms.median)} ms = ${fmtRatio(row.vsSandboxAgent.median)} ` +
          `(bun floor ${fmt(p1("bun", "floor")?.ms.median)} ms; bun's own HTTP floor for the same requests ` +
          `${fmt(p1("bun", httpFloorOf(row))?.ms.median)} ms = ` +
          `${fmtRatio(p1("bun", httpFloorOf(row))?.vsSandboxAgent.median ?? null)})`,
      });
    }
  }
  const floors = (runtime: string, row: P1Row) =>
    `${fmt(row.ms.median)} ms vs floor ${fmt(p1(runtime, "floor")?.ms.median)} ms = ${fmtRatio(row.vsFloor.median)}; ` +
    `vs the new-session floor ${fmt(p1(runtime, "floor, new session")?.ms.median)} ms = ${fmtRatio(row.vsSessionFloor)}; ` +
    `vs the HTTP floor ${fmt(p1(runtime, httpFloorOf(row))?.ms.median)} ms = ${fmtRatio(row.vsHttpFloor ?? null)}`;
  const goals: [runtime: string, variant: string, what: string, limit: number, of: (row: P1Row) => number | null][] = [
    ["node", "start+wait", "its raw spawn floor", 1.5, (row) => row.vsFloor.median],
    ["node", "run", "its raw spawn floor", 1.5, (row) => row.vsFloor.median],
    ["deno", "start+wait", "its new-session floor", 0.9, (row) => row.vsSessionFloor],
    ["deno", "start+wait", "its raw spawn floor", 1.5, (row) => row.vsFloor.median],
    ["deno", "run", "its raw spawn floor", 1.5, (row) => row.vsFloor.median],
  ];
  for (const [runtime, variant, what, limit, of] of goals) {
    const target = `P1 ${runtime} ${variant} ≤ ${limit.toFixed(2)}× ${what} (median)`;
    const row = p1(runtime, variant);
    const value = row ? of(row) : null;
    checks.push(!row || value === null ? notMeasured(target) : { target, met: value <= limit, measured: floors(runtime, row) });
  }
  const p2 = results.p2?.rows.find((r) => r.runtime === "bun" && r.variant === "server");
  const p2Floor = results.p2?.rows.find((r) => r.runtime === "bun" && r.variant === "floor");
  const p2Shell = results.p2?.rows.find((r) => r.runtime === "bun" && r.variant === "shell pipe");
  checks.push(
    p2
      ? {
          target: "P2 bun server ≥ 600 MiB/s",
          met: p2.mibPerSecond.median >= 600,
          measured:
            `${fmt(p2.mibPerSecond.median, 0)} MiB/s (bun reading the pipe itself: ${fmt(p2Floor?.mibPerSecond.median, 0)} MiB/s; ` +
            `shell pipe: ${fmt(p2Shell?.mibPerSecond.median, 0)} MiB/s)`,
        }
      : notMeasured("P2 bun server ≥ 600 MiB/s"),
    p2
      ? { target: "P2 bun server RSS growth ≤ 32 MiB", met: p2.rssGrowthMiB <= 32, measured: `+${fmt(p2.rssGrowthMiB, 1)} MiB` }
      : notMeasured("P2 bun server RSS growth ≤ 32 MiB"),
  );
  for (const row of results.p3?.rows ?? []) {
    checks.push({ target: `P3 ${row.runtime} wake median ≤ 2 ms`, met: row.ms.median <= 2, measured: `${fmt(row.ms.median)} ms (p90 ${fmt(row.ms.p90)})` });
  }
  if (!results.p3) checks.push(notMeasured("P3 wake median ≤ 2 ms"));
  for (const row of results.p4?.rows ?? []) {
    const met = row.errors === 0 && row.blockedAtOnce === row.waiters && row.rssPeakMiB <= 200 && row.snapshotMs.p99 <= 20;
    checks.push({
      target: `P4 ${row.runtime}: no error, RSS ≤ 200 MiB, snapshot p99 ≤ 20 ms`,
      met,
      measured: `${row.errors} errors, ${row.blockedAtOnce}/${row.waiters} blocked, peak RSS ${fmt(row.rssPeakMiB, 0)} MiB, p99 ${fmt(row.snapshotMs.p99)} ms`,
    });
  }
  if (!results.p4) checks.push(notMeasured("P4 no error, RSS ≤ 200 MiB, p99 ≤ 20 ms"));
  for (const [runtime, limit] of [["bun", 100], ["deno", 200], ["node", 300]] as const) {
    const target = `P5 ${runtime} cold start ≤ ${limit} ms (median)`;
    const row = results.p5?.rows.find((r) => r.runtime === runtime);
    checks.push(row ? { target, met: row.ms.median <= limit, measured: `${fmt(row.ms.median, 0)} ms (p90 ${fmt(row.ms.p90, 0)})` } : notMeasured(target));
  }
  const layer = results.cost?.layers.find((l) => l.runtime === "bun" && l.layer === "api.fetch POST /run");
  const raw = results.cost?.layers.find((l) => l.runtime === "bun" && l.layer === "raw runtime spawn");
  const cpuTarget = "CPU per /run in process, bun ≤ 900 µs";
  checks.push(
    layer
      ? { target: cpuTarget, met: layer.cpuUs <= 900, measured: `${fmt(layer.cpuUs, 0)} µs (raw spawn ${fmt(raw?.cpuUs, 0)} µs)` }
      : notMeasured(cpuTarget, "not measured (bun scripts/bench/all.ts cost)"),
  );
  return checks;
}
