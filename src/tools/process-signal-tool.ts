/**
 * The `process_signal` tool: sends a signal to a process group (coder's `process_signal`, plus `interrupt` and
 * `hangup`).
 * @module
 */
import type { EdgeprocClient } from "../client/create-client.ts";
import type { AgentTool } from "./agent-tool.ts";
import { defineTool } from "./define-tool.ts";
import { errorText, type SignalResult, toolValue } from "./tool-result.ts";
import { ProcessSignalArgsSchema } from "./tool-schemas.ts";

const DESCRIPTION =
  'Send a signal to a tracked process and its children. Use "terminate" (SIGTERM) for graceful shutdown, ' +
  '"kill" (SIGKILL) to force stop, "interrupt" (SIGINT) to cancel like Ctrl-C, or "hangup" (SIGHUP). Use the ' +
  "process_id returned by execute with run_in_background=true or from process_list.";

/**
 * Builds the `process_signal` tool over `client`.
 * @example
 * ```ts
 * await processSignalTool(client).run({ process_id: id, signal: "terminate" });
 * ```
 */
export function processSignalTool(client: EdgeprocClient): AgentTool<"process_signal", SignalResult> {
  return defineTool("process_signal", DESCRIPTION, ProcessSignalArgsSchema, async (input, context) => {
    const { process_id: id, signal } = input;
    try {
      await client.signal(id, signal, { signal: context.signal });
    } catch (err) {
      return toolValue<SignalResult>({ success: false, error: `signal process: ${errorText(err)}` });
    }
    return toolValue<SignalResult>({
      success: true,
      message: `signal ${JSON.stringify(signal)} sent to process ${id}`,
    });
  });
}
