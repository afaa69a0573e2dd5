/**
 * The `process_signal` tool: sends a signal to a process group (coder's `process_signal`, plus `interrupt` and
 * `hangup`).
 * @module
 */
import type { EdgeprocClient } from "../client/create-client.ts";
import type { AgentTool } from "./agent-tool.ts";
import { errorText, type SignalResult, toolError, toolValue } from "./tool-result.ts";
import { argsJsonSchema, parseArgs, ProcessSignalArgsSchema } from "./tool-schemas.ts";

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
  return {
    name: "process_signal",
    description: DESCRIPTION,
    inputSchema: argsJsonSchema(ProcessSignalArgsSchema),
    async run(args, context = {}) {
      const parsed = parseArgs(ProcessSignalArgsSchema, args);
      if ("error" in parsed) return toolError(parsed.error);
      const { process_id: id, signal } = parsed.value;
      try {
        await client.signal(id, signal, { signal: context.signal });
      } catch (err) {
        return toolValue<SignalResult>({ success: false, error: `signal process: ${errorText(err)}` });
      }
      return toolValue<SignalResult>({
        success: true,
        message: `signal ${JSON.stringify(signal)} sent to process ${id}`,
      });
    },
  };
}
