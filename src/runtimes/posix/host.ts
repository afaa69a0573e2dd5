/**
 * The {@link Host} of the machine edgeproc runs on, through `node:` modules that behave the same on Node, Bun and
 * Deno; and the server's environment, the default base environment of every child.
 * @module
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import process from "node:process";
import { definedEntries } from "../../core/child-env.ts";
import type { Host } from "../../core/host.ts";

/**
 * The real machine.
 * @example
 * ```ts
 * new ProcessManager({ spawner, host: posixHost });
 * ```
 */
export const posixHost: Host = {
  // One stat of a local directory: ~3 µs synchronously, where the promise API costs ~110 µs on Node and Deno (a
  // trip through the thread pool). The spawn that follows enters the directory on this thread anyway.
  isDirectory: async (path) => {
    try {
      return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
      return false; // ENOTDIR, EACCES, ELOOP: not a directory we can use
    }
  },
  homeDir: () => homedir(),
  cwd: () => process.cwd(),
};

/**
 * The server's own environment as a base environment for children: a reader of its live value, asked once per
 * start, so a change the embedder makes to it later still reaches the next child.
 * @example
 * ```ts
 * const env = serverEnvironment()(); // { HOME: "/root", ... }
 * ```
 */
export function serverEnvironment(): () => Record<string, string> {
  // On Deno one call (`Deno.env.toObject()`, ~27 µs for 35 keys), where enumerating `process.env` makes a call
  // per key (~150 µs).
  const deno = (globalThis as unknown as { Deno?: { env: { toObject(): Record<string, string> } } }).Deno;
  return deno ? () => deno.env.toObject() : () => definedEntries(process.env);
}
