/**
 * `waitUntilExit`: blocks on the server until a process exits (or meets a `wait_for` condition) or a deadline
 * passes, one request per server wait cap, as coder's `waitForProcess` retries when the server's cap fires before
 * the client's timeout.
 * @module
 */
import type { EdgeprocClient } from "../client/create-client.ts";
import type { OutputOptions } from "../client/client-types.ts";
import { compileLinePattern, PatternError } from "../output/line-pattern.ts";
import type { OutputResponse } from "../wire/response-schemas.ts";

/** What a tool may wait for besides the exit (docs/api.md §4.5): a line that matches, or a listening port. */
export interface WaitFor {
  pattern?: string;
  flags?: string;
  port?: number;
}

/**
 * The output snapshot of `id` once it has exited (or met `waitFor`), or the last snapshot at `deadline` (then
 * `running: true`). Throws what the client throws; the caller decides how to recover.
 * @example
 * ```ts
 * const snapshot = await waitUntilExit(client, id, Date.now() + 10_000, 300_000);
 * ```
 */
export async function waitUntilExit(
  client: EdgeprocClient,
  id: string,
  deadline: number,
  maxWaitMs: number,
  signal?: AbortSignal,
  waitFor?: WaitFor,
): Promise<OutputResponse> {
  const condition = waitFor ? waitForQuery(waitFor) : {};
  for (;;) {
    const remaining = Math.max(0, Math.ceil(deadline - Date.now()));
    const snapshot = await client.output(id, { waitMs: Math.min(remaining, maxWaitMs), signal, ...condition });
    if (!snapshot.running || waitForMet(snapshot) || remaining === 0 || Date.now() >= deadline) return snapshot;
  }
}

/**
 * The output query of a `wait_for`.
 * @example
 * ```ts
 * waitForQuery({ port: 3000 }); // { until: "port", port: 3000 }
 * ```
 */
export function waitForQuery(waitFor: WaitFor): Pick<OutputOptions, "until" | "pattern" | "flags" | "port"> {
  if (waitFor.port !== undefined) return { until: "port", port: waitFor.port };
  return { until: "match", pattern: waitFor.pattern, flags: waitFor.flags || undefined };
}

/**
 * What a `wait_for` is missing, as one line for a model, or `null` when it is well formed: exactly one of
 * `pattern` and `port`, a pattern the server's matcher takes, a port in 1..65535. Checked before anything starts.
 * @example
 * ```ts
 * waitForProblem({ pattern: "(" }); // "wait_for.pattern: Invalid regular expression: /(/: Unterminated group"
 * ```
 */
export function waitForProblem(waitFor: WaitFor): string | null {
  const hasPattern = waitFor.pattern !== undefined && waitFor.pattern !== "";
  if (hasPattern === (waitFor.port !== undefined)) return "wait_for needs exactly one of pattern and port";
  if (waitFor.port !== undefined) {
    const ok = Number.isInteger(waitFor.port) && waitFor.port >= 1 && waitFor.port <= 65535;
    return ok ? null : "wait_for.port must be a whole number in 1..65535";
  }
  if (waitFor.flags !== undefined && waitFor.pattern === undefined) return "wait_for.flags needs a pattern";
  try {
    compileLinePattern(waitFor.pattern!, waitFor.flags ?? "");
    return null;
  } catch (error) {
    if (error instanceof PatternError) return `wait_for.pattern: ${error.message}`;
    throw error;
  }
}

/**
 * What met the wait, as a note for the model, or `null` when nothing did.
 * @example
 * ```ts
 * waitForMet(snapshot); // 'printed "Listening on :3000" (byte 120)'
 * ```
 */
export function waitForMet(snapshot: OutputResponse): string | null {
  if (snapshot.match) return `printed ${JSON.stringify(snapshot.match.text)} (at byte ${snapshot.match.cursor})`;
  const socket = snapshot.listening?.[0];
  if (socket) return `listening on ${socket.address}:${socket.port} (pid ${socket.pid})`;
  return null;
}

/**
 * A `wait_for` in words.
 * @example
 * ```ts
 * describeWaitFor({ pattern: "ready", flags: "i" }); // "a line matching /ready/i"
 * ```
 */
export function describeWaitFor(waitFor: WaitFor): string {
  if (waitFor.port !== undefined) return `a listener on port ${waitFor.port}`;
  return `a line matching /${waitFor.pattern}/${waitFor.flags ?? ""}`;
}
