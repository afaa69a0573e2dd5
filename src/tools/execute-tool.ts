/**
 * The `execute` tool: runs a shell command and waits for it up to a timeout, as coder's `execute` does. A
 * command that outlives its timeout keeps running, and the model gets its id to come back to it.
 * @module
 */
import { EdgeprocError } from "../client/client-error.ts";
import type { EdgeprocClient } from "../client/create-client.ts";
import type { OutputResponse } from "../wire/response-schemas.ts";
import type { AgentTool, ResolvedToolOptions } from "./agent-tool.ts";
import { defineTool } from "./define-tool.ts";
import { capSnapshot } from "./cap-output.ts";
import { formatDuration, parseDuration } from "./duration.ts";
import { ExecuteArgsSchema } from "./tool-schemas.ts";
import { errorText, type ExecuteResult, executeResult, toolError, toolValue } from "./tool-result.ts";
import { describeWaitFor, waitForMet, waitForProblem, waitUntilExit } from "./wait-until-exit.ts";

const DESCRIPTION =
  "Execute a shell command. Runs the command and waits for completion up to the timeout (default 10s, override " +
  "with the timeout parameter e.g. '30s', '5m'). If the command exceeds the timeout, the response includes a " +
  "background_process_id; use process_output with that ID to re-attach and wait for the result. Use " +
  "run_in_background=true for persistent processes (dev servers, file watchers) or when you want to continue " +
  "other work while the command runs. Never use shell '&' for backgrounding. To start a server and continue once " +
  "it is ready, give wait_for: {pattern: 'ready|listening'} or {port: 3000}: the call returns as soon as that " +
  "happens, with the background_process_id, and the server keeps running.";

const NO_SHELL =
  ' The server has no POSIX shell (sh) on its PATH. Commands run with "sh -c"; install sh (on Windows: Git Bash, ' +
  "MSYS2 or WSL) and restart the server.";

/**
 * Builds the `execute` tool over `client`.
 * @example
 * ```ts
 * const execute = executeTool(client, resolveToolOptions());
 * const result = await execute.run({ command: "npm test", timeout: "5m" });
 * ```
 */
export function executeTool(client: EdgeprocClient, options: ResolvedToolOptions): AgentTool<"execute", ExecuteResult> {
  return defineTool("execute", DESCRIPTION, ExecuteArgsSchema, async (input, context) => {
    let { command } = input;
    let background = input.run_in_background === true;
    // A trailing "&" makes the shell fork and exit at once, leaving an orphan nobody tracks: run it in the
    // background instead. "&&" and "|&" are not backgrounding.
    const trimmed = command.trim();
    if (!background && trimmed.endsWith("&") && !trimmed.endsWith("&&") && !trimmed.endsWith("|&")) {
      background = true;
      command = trimmed.slice(0, -1).trim();
      if (command === "") return toolError("command is required");
    }
    const waitFor = input.wait_for;
    const problem = waitFor && waitForProblem(waitFor);
    if (problem) return toolError(problem);
    const request = { command, workdir: input.workdir, env: options.env };
    const signal = context.signal;
    if (background && !waitFor) {
      try {
        const { id } = await client.start({ ...request, background: true }, { signal });
        return toolValue(
          executeResult({ success: true, exit_code: 0, wall_duration_ms: 0, background_process_id: id }),
        );
      } catch (err) {
        return toolValue(failure(`start background process: ${errorText(err)}${shellHint(err)}`, 0));
      }
    }

    let timeoutMs = options.defaultTimeoutMs;
    const given = input.timeout;
    if (given !== undefined) {
      try {
        timeoutMs = parseDuration(given);
      } catch (err) {
        return toolError(`invalid timeout ${JSON.stringify(given)}: ${(err as Error).message}`);
      }
      if (timeoutMs <= 0) return toolError(`timeout must be positive, got ${JSON.stringify(given)}`);
      timeoutMs = Math.min(timeoutMs, options.maxTimeoutMs);
    }

    const startedAt = Date.now();
    let id: string;
    try {
      // Waiting for readiness means the process is meant to outlive the call: a background process.
      id = (await client.start({ ...request, background: waitFor !== undefined }, { signal })).id;
    } catch (err) {
      return toolValue(failure(`start process: ${errorText(err)}${shellHint(err)}`, Date.now() - startedAt));
    }
    const deadline = startedAt + timeoutMs;
    const label = formatDuration(timeoutMs);
    let result: ExecuteResult;
    try {
      const snapshot = await waitUntilExit(client, id, deadline, options.maxWaitMs, signal, waitFor);
      const met = waitFor && waitForMet(snapshot);
      if (met) result = ready(snapshot, id, met, options);
      else if (snapshot.running) {
        const waited = waitFor ? ` waiting for ${describeWaitFor(waitFor)}` : "";
        const missed = `command timed out after ${label}${waited}`;
        result = stillRunning(snapshot, id, missed, options);
      } else {
        result = exited(snapshot, options);
        if (waitFor) Object.assign(result, { success: false, error: `exited before ${describeWaitFor(waitFor)}` });
      }
    } catch (err) {
      result = await recover(client, id, err, Date.now() >= deadline || signal?.aborted === true, label, options);
    }
    result.wall_duration_ms = Date.now() - startedAt;
    return toolValue(result);
  });
}

/**
 * After a failed wait (timeout or transport), a fresh snapshot so the model still gets the output: the real
 * result when the process has exited, else the partial output and the id to re-attach.
 */
async function recover(
  client: EdgeprocClient,
  id: string,
  cause: unknown,
  timedOut: boolean,
  label: string,
  options: ResolvedToolOptions,
): Promise<ExecuteResult> {
  let snapshot: OutputResponse;
  try {
    snapshot = await client.output(id);
  } catch (err) {
    if (err instanceof EdgeprocError && err.status === 404) {
      return failure(
        `process ${id} is no longer known to the server; its outcome is unknown. ` +
          "Re-run the command only if it is safe to run twice.",
        0,
      );
    }
    const error = timedOut
      ? `command timed out after ${label}; failed to get output: ${errorText(err)}`
      : `get process output: ${errorText(cause)}; use process_output with ID ${id} to retry`;
    return executeResult({ success: false, exit_code: -1, wall_duration_ms: 0, error, background_process_id: id });
  }
  if (!snapshot.running) return exited(snapshot, options);
  const error = timedOut
    ? `command timed out after ${label}`
    : `get process output: ${errorText(cause)} (process still running, use process_output to check later)`;
  return stillRunning(snapshot, id, error, options);
}

/**
 * The result of a process that has exited: `success` when its exit code is 0.
 * @example
 * ```ts
 * exited(await client.output(id), resolveToolOptions());
 * ```
 */
export function exited(snapshot: OutputResponse, options: ResolvedToolOptions): ExecuteResult {
  const exitCode = snapshot.exit_code ?? 0;
  return executeResult({
    success: exitCode === 0,
    ...capSnapshot(snapshot, options.maxOutputBytes),
    exit_code: exitCode,
    wall_duration_ms: 0,
    note: snapshot.signal ? `process ended by ${snapshot.signal}` : undefined,
  });
}

/** A process that met its `wait_for` and runs on: a success, with its id to come back to. */
function ready(snapshot: OutputResponse, id: string, met: string, options: ResolvedToolOptions): ExecuteResult {
  return executeResult({
    success: true,
    ...capSnapshot(snapshot, options.maxOutputBytes),
    exit_code: -1,
    wall_duration_ms: 0,
    note: `ready: ${met}; the process is still running`,
    background_process_id: id,
  });
}

function stillRunning(
  snapshot: OutputResponse,
  id: string,
  error: string,
  options: ResolvedToolOptions,
): ExecuteResult {
  return executeResult({
    success: false,
    ...capSnapshot(snapshot, options.maxOutputBytes),
    exit_code: -1,
    wall_duration_ms: 0,
    error,
    background_process_id: id,
  });
}

function failure(error: string, wallMs: number): ExecuteResult {
  return executeResult({ success: false, exit_code: -1, wall_duration_ms: wallMs, error });
}

/** Coder's guidance when the error says `sh` itself could not be found. */
function shellHint(err: unknown): string {
  if (!(err instanceof EdgeprocError) || err.code !== "start_failed") return "";
  return /\bsh\b.*(not found|ENOENT)|(not found|ENOENT).*\bsh\b/i.test(err.body.detail ?? "") ? NO_SHELL : "";
}
