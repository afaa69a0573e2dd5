/**
 * The wait conditions of `GET /{id}/output` and `POST /run` (docs/api.md §4.5, §4.9): until exit, new output, a
 * line that matches a pattern, or a port the group listens on. Checked as a whole here (a field of one condition
 * given with another is a 400, never silently ignored), then waited on.
 * @module
 */
import { linePattern, MatchWatches, type LineMatch } from "../core/match-wait.ts";
import { ProcessApiError } from "../core/errors.ts";
import type { ManagedProcess } from "../core/managed-process.ts";
import type { ProcessManager } from "../core/process-manager.ts";
import type { ListeningSocket } from "../core/spawner.ts";
import { waitFor } from "../core/wait.ts";
import { MAX_LINE_BYTES } from "../output/line-cut.ts";
import { PatternError, type LinePattern } from "../output/line-pattern.ts";

/** What a wait ends on. */
export type WaitCondition =
  | { until: "exit" }
  | { until: "output" }
  | { until: "match"; pattern: LinePattern }
  | { until: "port"; port: number };

/** The condition's fields as the wire carries them (query strings or a body), already type-checked. */
export interface ConditionFields {
  until?: "exit" | "output" | "match" | "port" | null;
  pattern?: string | null;
  flags?: string | null;
  port?: number | null;
}

/** What a wait adds to the answer: the matching line, or the sockets on the port. */
export interface WaitOutcome {
  match?: LineMatch;
  listening?: ListeningSocket[];
}

/** How often `until=port` looks at the group's sockets: Linux has no event for a socket that starts to listen. */
export const PORT_POLL_MS = 100;

const invalid = (field: string, detail: string) =>
  new ProcessApiError("invalid_request", detail, undefined, [{ field, detail }]);

/**
 * The condition `fields` ask for.
 * @throws {ProcessApiError} `invalid_request` for a missing or stray field, or a pattern the matcher refuses.
 * @example
 * ```ts
 * waitCondition({ until: "match", pattern: "ready" }); // { until: "match", pattern: LinePattern }
 * ```
 */
export function waitCondition(fields: ConditionFields): WaitCondition {
  const until = fields.until ?? "exit";
  const has = (value: unknown) => value !== undefined && value !== null;
  if (until !== "match" && has(fields.pattern)) return fail("pattern", "pattern needs until=match.");
  if (until !== "match" && has(fields.flags)) return fail("flags", "flags need until=match.");
  if (until !== "port" && has(fields.port)) return fail("port", "port needs until=port.");
  if (until === "port") {
    if (!has(fields.port)) return fail("port", "until=port needs a port (1..65535).");
    return { until, port: fields.port! };
  }
  if (until !== "match") return { until };
  if (!has(fields.pattern) || fields.pattern === "") return fail("pattern", "until=match needs a pattern.");
  try {
    return { until, pattern: linePattern(fields.pattern!, fields.flags ?? "", MAX_LINE_BYTES) };
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    return fail(fields.flags && /\bflags?\b/i.test(error.message) ? "flags" : "pattern", error.message);
  }
}

function fail(field: string, detail: string): never {
  throw invalid(field, detail);
}

const watches = new WeakMap<ManagedProcess, MatchWatches>();

/**
 * Waits on `condition` for at most `ms` (and while `signal` is not aborted); `cursor` is where `output` and
 * `match` begin (default: output counts from 0 for a match, from what is already written for new output).
 * @example
 * ```ts
 * const outcome = await awaitCondition(manager, proc, { until: "port", port: 3000 }, undefined, 5000);
 * ```
 */
export async function awaitCondition(
  manager: ProcessManager,
  proc: ManagedProcess,
  condition: WaitCondition,
  cursor: number | undefined,
  ms: number,
  signal?: AbortSignal,
): Promise<WaitOutcome> {
  // No wait without a time: a condition alone does not block (docs/api.md §4.5).
  if (ms <= 0) return {};
  switch (condition.until) {
    case "exit":
      await manager.waitForExit(proc, ms, signal);
      return {};
    case "output":
      // Bytes already readable at the cursor answer at once; else wake on the next byte written.
      if (cursor !== undefined && proc.read(cursor, 1).next_cursor > cursor) return {};
      await manager.waitForOutput(proc, proc.totalBytes, ms, signal);
      return {};
    case "match":
      return waitForMatch(manager, proc, condition.pattern, cursor ?? 0, ms, signal);
    case "port":
      return waitForPort(manager, proc, condition.port, ms, signal);
  }
}

async function waitForMatch(
  manager: ProcessManager,
  proc: ManagedProcess,
  pattern: LinePattern,
  cursor: number,
  ms: number,
  signal?: AbortSignal,
): Promise<WaitOutcome> {
  let perRecord = watches.get(proc);
  if (!perRecord) watches.set(proc, (perRecord = new MatchWatches(proc, MAX_LINE_BYTES)));
  const wait = perRecord.wait(pattern, cursor);
  let match: LineMatch | null = null;
  const release = manager.hold("waiters");
  try {
    await waitFor(wait.settled.then((m) => void (match = m)), Math.min(ms, manager.limits.maxWaitMs), signal);
  } finally {
    wait.cancel();
    release();
  }
  return match ? { match } : {};
}

/**
 * Looks at the group's sockets every {@link PORT_POLL_MS} until one listens on `port`, the group is gone (a shell
 * that exited while a member still starts the server keeps the wait going), `ms` pass or `signal` aborts.
 */
async function waitForPort(
  manager: ProcessManager,
  proc: ManagedProcess,
  port: number,
  ms: number,
  signal?: AbortSignal,
): Promise<WaitOutcome> {
  const deadline = performance.now() + Math.min(ms, manager.limits.maxWaitMs);
  const release = manager.hold("waiters");
  try {
    for (;;) {
      const listening = (await proc.listeningSockets()).filter((s) => s.port === port);
      if (listening.length > 0) return { listening };
      const left = deadline - performance.now();
      if (left <= 0 || signal?.aborted || (!proc.running && !proc.groupAlive)) return {};
      await waitFor(proc.running ? proc.exited : new Promise(() => {}), Math.min(PORT_POLL_MS, left), signal);
    }
  } finally {
    release();
  }
}
