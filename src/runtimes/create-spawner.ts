/**
 * Picks the spawner for the runtime this code runs on, loading its module only when a process is first started,
 * so `import "edgeproc"` costs no spawner module (and an embedder that passes its own spawner never loads one).
 * @module
 */

import type { Spawner } from "../core/spawner.ts";

/** A runtime edgeproc runs on. */
export type RuntimeName = "bun" | "deno" | "node";

/**
 * The runtime this code runs on. Bun and Deno also define `process.versions.node`, so their globals decide.
 * @example
 * ```ts
 * detectRuntime(); // "bun" under `bun run`, "deno" under `deno run`, else "node"
 * ```
 */
export function detectRuntime(): RuntimeName {
  const globals = globalThis as { Bun?: unknown; Deno?: unknown };
  if (globals.Bun !== undefined) return "bun";
  if (globals.Deno !== undefined) return "deno";
  return "node";
}

/**
 * Loads the spawner on `runtime`'s own subprocess API.
 * @example
 * ```ts
 * const spawner = await loadSpawner("node"); // node:child_process, which also works under Bun and Deno
 * ```
 */
export async function loadSpawner(runtime: RuntimeName = detectRuntime()): Promise<Spawner> {
  if (runtime === "bun") return (await import("./bun/spawner.ts")).createBunSpawner();
  if (runtime === "deno") return (await import("./deno/spawner.ts")).createDenoSpawner();
  return (await import("./node/spawner.ts")).createNodeSpawner();
}

/**
 * The spawner on the current runtime's own subprocess API, chosen once here and loaded on its first spawn.
 * @example
 * ```ts
 * const spawner = createSpawner();
 * const proc = await spawner.spawn({ command: "ls", cwd: "/tmp", env: { PATH: "/usr/bin:/bin" }, stdin: false });
 * ```
 */
export function createSpawner(runtime: RuntimeName = detectRuntime()): Spawner {
  let loaded: Promise<Spawner> | undefined;
  return {
    name: runtime,
    spawn: async (request) => (await (loaded ??= loadSpawner(runtime))).spawn(request),
  };
}
