/**
 * The command a user typed to start the `edgeproc` bin, so that its `--help` shows a usage line they can retype.
 * @module
 */
import type { RuntimeName } from "../runtimes/create-spawner.ts";

/**
 * How the bin was started, read from what npm and Bun set for `npx` and `bunx` (`npm_command=exec`,
 * `npm_lifecycle_event=npx` or `bunx`). Under Bun, `bunx` only runs the bin on Bun with `--bun` (else its
 * `#!/usr/bin/env node` line wins); under Deno, a bin is run as `deno run -A npm:edgeproc`.
 * @example
 * ```ts
 * invokedAs("node", { npm_command: "exec", npm_lifecycle_event: "npx" }); // "npx edgeproc"
 * invokedAs("node", {}); // "edgeproc"
 * ```
 */
export function invokedAs(runtime: RuntimeName, env: Record<string, string | undefined>): string {
  if (runtime === "deno") return "deno run -A npm:edgeproc";
  if (env.npm_command === "exec" && env.npm_lifecycle_event === "npx") return "npx edgeproc";
  if (env.npm_command === "exec" && env.npm_lifecycle_event === "bunx") {
    return runtime === "bun" ? "bunx --bun edgeproc" : "bunx edgeproc";
  }
  return "edgeproc";
}
