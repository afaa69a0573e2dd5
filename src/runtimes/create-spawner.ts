/**
 * Picks the spawner for the runtime this code runs on.
 * @module
 */

import type { Spawner } from "../core/spawner.ts";
import { createBunSpawner } from "./bun/spawner.ts";
import { createDenoSpawner } from "./deno/spawner.ts";
import { createNodeSpawner } from "./node/spawner.ts";

/**
 * The runtime this code runs on. Bun and Deno also define `process.versions.node`, so their globals decide.
 * @example
 * ```ts
 * detectRuntime(); // "bun" under `bun run`, "deno" under `deno run`, else "node"
 * ```
 */
export function detectRuntime(): "bun" | "deno" | "node" {
  const globals = globalThis as { Bun?: unknown; Deno?: unknown };
  if (globals.Bun !== undefined) return "bun";
  if (globals.Deno !== undefined) return "deno";
  return "node";
}

/**
 * The spawner on the current runtime's own subprocess API, chosen once here.
 * @example
 * ```ts
 * const spawner = createSpawner();
 * const proc = await spawner.spawn({ command: "ls", cwd: "/tmp", env: { PATH: "/usr/bin:/bin" }, stdin: false });
 * ```
 */
export function createSpawner(): Spawner {
  const runtime = detectRuntime();
  if (runtime === "bun") return createBunSpawner();
  if (runtime === "deno") return createDenoSpawner();
  return createNodeSpawner();
}
