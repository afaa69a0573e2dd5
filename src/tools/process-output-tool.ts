/**
 * The `process_output` tool: a process's output, after waiting up to `wait_timeout` for it to exit (coder's
 * `process_output`).
 * @module
 */
import type { EdgeprocClient } from "../client/create-client.ts";
import { stripAnsi } from "../output/strip-ansi.ts";
import type { OutputResponse } from "../wire/response-schemas.ts";
import type { AgentTool, ResolvedToolOptions } from "./agent-tool.ts";
import { defineTool } from "./define-tool.ts";
import { parseDuration } from "./duration.ts";
import { exited } from "./execute-tool.ts";
import { errorText, type ExecuteResult, executeResult, toolError, toolValue } from "./tool-result.ts";
import { ProcessOutputArgsSchema } from "./tool-schemas.ts";
import { describeWaitFor, waitForMet, waitForProblem, waitUntilExit } from "./wait-until-exit.ts";

const DESCRIPTION = "Retrieve output from a tracked process by ID. Use the process_id returned by execute with " +
  "run_in_background=true or from a timed-out execute's background_process_id. Blocks up to 10s for the " +
  "process to exit, then returns the output and exit_code. If still running after the timeout, returns the " +
  "output so far. Use wait_timeout to override the default 10s wait (e.g. '30s', or '0s' for an immediate " +
  "snapshot without waiting). Use wait_for ({pattern} or {port}) to return as soon as a server is ready.";

/**
 * Builds the `process_output` tool over `client`.
 * @example
 * ```ts
 * const tool = processOutputTool(client, resolveToolOptions());
 * await tool.run({ process_id: id, wait_timeout: "0s" });
 * ```
 */
export function processOutputTool(
  client: EdgeprocClient,
  options: ResolvedToolOptions,
): AgentTool<"process_output", ExecuteResult> {
  return defineTool("process_output", DESCRIPTION, ProcessOutputArgsSchema, async (input, context) => {
    const { process_id: id, wait_timeout: given, wait_for: waitFor } = input;
    const problem = waitFor && waitForProblem(waitFor);
    if (problem) return toolError(problem);
    let timeoutMs = 10_000;
    if (given !== undefined) {
      try {
        timeoutMs = Math.min(parseDuration(given), options.maxTimeoutMs);
      } catch (err) {
        return toolError(`invalid wait_timeout ${JSON.stringify(given)}: ${(err as Error).message}`);
      }
    }
    const signal = context.signal;
    let snapshot: OutputResponse;
    try {
      snapshot = timeoutMs > 0
        ? await waitUntilExit(client, id, Date.now() + timeoutMs, options.maxWaitMs, signal, waitFor)
        : await client.output(id, { signal });
    } catch (err) {
      // The wait may have died in transport; a plain snapshot may still work, unless the caller gave up.
      if (signal?.aborted) return toolValue(failure(`get process output: ${errorText(err)}`));
      try {
        snapshot = await client.output(id);
      } catch (again) {
        return toolValue(failure(`get process output: ${errorText(again)}`));
      }
    }
    // A terminal's output is read as text for the model: no escape sequences, LF line ends (docs/api.md §4.11).
    if (snapshot.tty) snapshot = { ...snapshot, output: stripAnsi(snapshot.output).text };
    if (!snapshot.running) return toolValue(exited(snapshot, options));
    // Success is not decided yet; coder reports true with a note.
    const result = exited(snapshot, options);
    const met = waitFor && waitForMet(snapshot);
    const note = met
      ? `ready: ${met}; the process is still running`
      : waitFor
        ? `process is still running; still waiting for ${describeWaitFor(waitFor)}`
        : "process is still running";
    return toolValue(executeResult({ ...result, success: true, exit_code: -1, note }));
  });
}

function failure(error: string): ExecuteResult {
  return executeResult({ success: false, exit_code: -1, wall_duration_ms: 0, error });
}
