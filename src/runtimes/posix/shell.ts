/**
 * The shell every spawner runs, and the script it is given.
 * @module
 */

/**
 * The shell, by absolute path: found without any `PATH`, so a request's `env` cannot hide it. Commands inside the
 * script still resolve through the request's own `PATH`.
 * @example
 * ```ts
 * spawn(SHELL, ["-c", shellScript("ls")]);
 * ```
 */
export const SHELL = "/bin/sh";

/**
 * The `sh -c` script that puts stderr on stdout's pipe before running `command`, so one pipe keeps their order.
 * @example
 * ```ts
 * spawn(SHELL, ["-c", shellScript("echo hi >&2")]);
 * ```
 */
export function shellScript(command: string): string {
  return `exec 2>&1\n${command}`;
}
