/**
 * The {@link Host} of the machine edgeproc runs on, through `node:` modules that behave the same on Node, Bun and
 * Deno; and the server's environment, the default base environment of every child.
 * @module
 */
import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import process from "node:process";
import type { Host } from "../../core/host.ts";

/**
 * The real machine.
 * @example
 * ```ts
 * new ProcessManager({ spawner, host: posixHost });
 * ```
 */
export const posixHost: Host = {
  isDirectory: (path) => stat(path).then((info) => info.isDirectory(), () => false),
  homeDir: () => homedir(),
  cwd: () => process.cwd(),
};

/**
 * The server's own environment, as a base environment for children.
 * @example
 * ```ts
 * const env = serverEnvironment();
 * ```
 */
export function serverEnvironment(): Record<string, string | undefined> {
  return process.env;
}
