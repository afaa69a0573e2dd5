/**
 * The shell every spawner runs, and the script it is given.
 * @module
 */

/**
 * The shell, by absolute path: found without any `PATH`, so a request's `env` cannot hide it. Commands inside the
 * script still resolve through the request's own `PATH`.
 * @example
 * ```ts
 * spawn(SHELL, ["-c", "ls"]);
 * ```
 */
export const SHELL = "/bin/sh";

/**
 * Arguments of {@link SHELL} that run `command` as exactly `sh -c command`, with stderr on stdout's pipe, for a
 * runtime that cannot hand the child one pipe as both fd 1 and fd 2 (Deno): a first shell makes fd 2 a copy of
 * fd 1 and execs `sh -c command` in its place, so line numbers, `$0` and `/proc/<pid>/cmdline` are those of a plain
 * `sh -c`. With `ready`, the first shell writes a "." before that, once it runs (the Deno spawner's session check).
 * @example
 * ```ts
 * spawn(SHELL, mergedStderrArgs("echo hi >&2"));
 * ```
 */
export function mergedStderrArgs(command: string, ready = false): string[] {
  return ["-c", `${ready ? "printf .; " : ""}exec ${SHELL} -c "$1" 2>&1`, "sh", command];
}
