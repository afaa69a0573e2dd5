/**
 * Output of the benchmarks: aligned Markdown tables on stdout, JSON under `bench-results/`, and the knobs read
 * from the environment.
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ROOT } from "./servers.ts";

/**
 * A positive integer from the environment, else `fallback`.
 * @example
 * ```ts
 * const n = envInt("BENCH_P1_N", 200);
 * ```
 */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

/**
 * A Markdown table with padded columns, so it reads in a terminal and pastes into a document.
 * @example
 * ```ts
 * console.log(table(["a", "b"], [["1", "2"]]));
 * ```
 */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(headers), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** Where the JSON results go: `bench-results/` (gitignored), or `BENCH_RESULTS_DIR` (e.g. for a "before" run). */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? join(ROOT, "bench-results");

/**
 * Writes `bench-results/<name>.json` with the machine it ran on; returns the path.
 * @example
 * ```ts
 * writeResults("p1-round-trip", { rows });
 * ```
 */
export function writeResults(name: string, data: object): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    // Other work on the machine skews every number; the load when the results were written says how much.
    loadavg: loadavg(),
  };
  writeFileSync(path, `${JSON.stringify({ name, date: new Date().toISOString(), machine, ...data }, null, 2)}\n`);
  return path;
}

/**
 * Prints a section title, the table and where the JSON went.
 * @example
 * ```ts
 * printSection("P1 round trip", table(headers, rows), path);
 * ```
 */
export function printSection(title: string, body: string, path?: string): void {
  console.log(`\n## ${title}\n\n${body}\n${path ? `\n(JSON: ${path})` : ""}`);
}

/**
 * A short line on stderr about progress, kept off stdout so the tables stay clean.
 * @example
 * ```ts
 * progress("P1 bun: warm-up");
 * ```
 */
export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
