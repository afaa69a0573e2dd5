/**
 * The exit codes of the client subcommands and the one mapping from a failure (a usage error, an unreachable server,
 * an API error) to the line printed on stderr and the code the CLI exits with. The help text is printed from the
 * same table, so what is documented is what happens.
 * @module
 */
import { EdgeprocError } from "../../client/client-error.ts";

/** The codes of sysexits.h the CLI uses, plus 0 and 1. */
export const EXIT = { ok: 0, failure: 1, usage: 64, unavailable: 69, noPermission: 77 } as const;

/** The exit code table of the help text: code, then when. */
export const EXIT_CODE_HELP: readonly [number, string][] = [
  [EXIT.ok, "done (kill: the group is gone)"],
  [EXIT.failure, "no such process (404), still running (rm: 409), survivors (kill), another API error"],
  [EXIT.usage, "bad usage (EX_USAGE): an unknown option, a missing ID or command"],
  [EXIT.unavailable, "the server cannot be reached (EX_UNAVAILABLE): start one with `edgeproc serve`"],
  [EXIT.noPermission, "the server needs a token, or refused it (EX_NOPERM): --token or EDGEPROC_TOKEN"],
];

/** How `run` exits once its process started, below the table of the help text. */
export const RUN_EXIT_HELP = "run, once its process started, exits with the process's code, 128+n for signal n.";

/**
 * A failure the CLI reports as one line and an exit code of its own choosing.
 * @example
 * ```ts
 * throw new CliError("no process abc", EXIT.failure);
 * ```
 */
export class CliError extends Error {
  override name = "CliError";
  /** What the CLI exits with. */
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * Bad usage: the CLI prints the message and the subcommand's usage, and exits 64.
 * @example
 * ```ts
 * throw new UsageError("kill needs a process ID");
 * ```
 */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

const UNREACHABLE_CODES = /^(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|ConnectionRefused|ConnectionClosed)$/;

/**
 * Whether `err` is what a request throws when no server answered (refused, reset, no such host): no HTTP status.
 * @example
 * ```ts
 * isUnreachable(new TypeError("fetch failed")); // true
 * ```
 */
export function isUnreachable(err: unknown): boolean {
  if (err instanceof EdgeprocError || err instanceof CliError) return false;
  if (err instanceof TypeError) return true;
  // Node's fetch throws TypeError("fetch failed") with the socket error as its cause; Bun throws its own codes.
  const code = String((err as { code?: unknown; cause?: { code?: unknown } })?.code ?? "");
  return UNREACHABLE_CODES.test(code);
}

/** What a failed subcommand prints (without the `edgeproc: ` prefix) and exits with. */
export interface Failure {
  message: string;
  exitCode: number;
}

/**
 * The line and exit code of `err`, thrown by a subcommand talking to `url` about process `id` (if any).
 * @example
 * ```ts
 * describeFailure(new TypeError("fetch failed"), "http://127.0.0.1:7070"); // { exitCode: 69, ... }
 * ```
 */
export function describeFailure(err: unknown, url: string, id?: string): Failure {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof EdgeprocError) {
    const exitCode = EXIT.noPermission;
    if (err.status === 401) return { message: "the server needs a token: --token or EDGEPROC_TOKEN", exitCode };
    if (err.status === 403) return { message: `the server refused the request: ${err.message}`, exitCode };
    if (err.status === 404) {
      return { message: id === undefined ? err.message : `no process ${id}`, exitCode: EXIT.failure };
    }
    if (err.code === "still_running") {
      const detail = err.body.detail ? ` ${err.body.detail}` : "";
      const message = `process ${id} is still running;${detail} stop it with: edgeproc kill ${id}`;
      return { message, exitCode: EXIT.failure };
    }
    const detail = err.body.detail ? ` (${err.body.detail})` : "";
    return { message: `${err.message}${detail}`, exitCode: EXIT.failure };
  }
  if (isUnreachable(err)) {
    return {
      message: `cannot reach the edgeproc server at ${url}; is it running? Start one with: edgeproc serve`,
      exitCode: EXIT.unavailable,
    };
  }
  return { message: err instanceof Error ? err.message : String(err), exitCode: EXIT.failure };
}
