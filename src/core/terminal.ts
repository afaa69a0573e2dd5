/**
 * What a start on a terminal adds to the manager's work (docs/api.md §4.11): the spawn request, the failure a
 * runtime without a terminal gives, and resizing.
 * @module
 */
import type { ManagedProcess } from "./managed-process.ts";
import { ProcessApiError } from "./errors.ts";
import { SpawnError, type SpawnRequest, type TtySize, TtyUnavailableError } from "./spawner.ts";
import type { StartParams } from "./start-params.ts";

/** `TERM` of a terminal whose start does not set one: what xterm.js and most terminal emulators are. */
const DEFAULT_TERM = "xterm-256color";

/**
 * The spawner's request for `params` with the child's whole environment `env`.
 * @example
 * ```ts
 * spawner.spawn(spawnRequest(params, env));
 * ```
 */
export function spawnRequest(params: StartParams, env: Record<string, string>): SpawnRequest {
  const request: SpawnRequest = { command: params.command, cwd: params.workdir, env, stdin: params.stdin };
  if (params.tty === null) return request;
  // The request's own TERM wins; the server's (whatever terminal it was started from) does not.
  if (params.env.TERM === undefined) env.TERM = DEFAULT_TERM;
  return { ...request, tty: params.tty };
}

/**
 * The API error of a spawn that failed.
 * @example
 * ```ts
 * await spawner.spawn(request).catch((err) => { throw startFailure(err); });
 * ```
 */
export function startFailure(err: unknown): ProcessApiError {
  const detail = err instanceof SpawnError || err instanceof Error ? err.message : String(err);
  if (err instanceof TtyUnavailableError) {
    return new ProcessApiError("tty_unavailable", "This server cannot run a process on a terminal.", detail);
  }
  return new ProcessApiError("start_failed", "Failed to start process.", detail);
}

/**
 * Resizes the terminal of `proc`: 409 `not_a_tty` for a pipe process, 409 `not_running` once it exited.
 * @example
 * ```ts
 * await resizeTerminal(proc, { cols: 120, rows: 40 });
 * ```
 */
export async function resizeTerminal(proc: ManagedProcess, size: TtySize): Promise<void> {
  const quoted = JSON.stringify(proc.id);
  if (proc.params.tty === null) {
    throw new ProcessApiError("not_a_tty", `Process ${quoted} does not run on a terminal.`, "Start it with tty: true.");
  }
  if (!proc.running) throw new ProcessApiError("not_running", `Process ${quoted} is not running.`);
  try {
    await proc.resize(size);
  } catch (err) {
    // The terminal went away between the check and the call: the process is ending.
    throw new ProcessApiError("not_running", `Process ${quoted} is not running.`, (err as Error).message);
  }
}
