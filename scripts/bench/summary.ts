/**
 * Prints every table of the last benchmark results (`bench-results/*.json`) and the targets, as Markdown, and
 * writes `bench-results/summary.json`.
 *
 *   bun scripts/bench/summary.ts
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { p1Table } from "./p1-round-trip.ts";
import { p2Table } from "./p2-ingest.ts";
import { p3Table } from "./p3-wake.ts";
import { p4Table } from "./p4-scale.ts";
import { p5Table } from "./p5-cold-start.ts";
import { printSection, RESULTS_DIR, table, writeResults } from "./lib/report.ts";
import { checkTargets, type Results } from "./targets.ts";

function load<T>(name: string): (T & { date: string; machine: { loadavg?: number[] } }) | undefined {
  const path = join(RESULTS_DIR, `${name}.json`);
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined;
}

/**
 * Prints the summary of whatever results exist.
 * @example
 * ```ts
 * printSummary();
 * ```
 */
export function printSummary(): void {
  const p1 = load<NonNullable<Results["p1"]>>("p1-round-trip");
  const p2 = load<NonNullable<Results["p2"]>>("p2-ingest");
  const p3 = load<NonNullable<Results["p3"]>>("p3-wake");
  const p4 = load<NonNullable<Results["p4"]>>("p4-scale");
  const p5 = load<NonNullable<Results["p5"]>>("p5-cold-start");
  const when = (r: { date: string; machine: { loadavg?: number[] } } | undefined) =>
    r ? ` — ${r.date}, load ${r.machine.loadavg?.map((l) => l.toFixed(2)).join(" ") ?? "?"}` : "";
  if (p1) printSection(`P1 round trip of \`sh -c true\`, ms${when(p1)}`, p1Table(p1.rows));
  if (p2) printSection(`P2 output ingest${when(p2)}`, p2Table(p2.rows));
  if (p3) printSection(`P3 wake latency, ms${when(p3)}`, p3Table(p3.rows));
  if (p4) printSection(`P4 scale${when(p4)}`, p4Table(p4.rows));
  if (p5) printSection(`P5 cold start, ms${when(p5)}`, p5Table(p5.rows));
  const cost = load<NonNullable<Results["cost"]>>("request-cost");
  const checks = checkTargets({ p1, p2, p3, p4, p5, cost });
  const verdict = (met: boolean | null) => (met === null ? "not measured" : met ? "met" : "MISSED");
  printSection("Targets", table(["target", "verdict", "measured"], checks.map((c) => [c.target, verdict(c.met), c.measured])));
  writeResults("summary", { targets: checks });
}

if (import.meta.main) printSummary();
