/**
 * The `process_list` tool: the processes the caller can see, as the API lists them (coder's `process_list`).
 * @module
 */
import type { EdgeprocClient } from "../client/create-client.ts";
import type { ListResponse } from "../wire/response-schemas.ts";
import type { AgentTool } from "./agent-tool.ts";
import { defineTool } from "./define-tool.ts";
import { errorText, toolValue } from "./tool-result.ts";
import { ProcessListArgsSchema } from "./tool-schemas.ts";

const DESCRIPTION =
  "List all tracked processes. Returns process IDs, commands, status (running or exited), and exit codes. Use " +
  "this to discover processes or check which are still running.";

/** What `process_list` answers when the list cannot be read. */
export interface ListFailure {
  success: false;
  error: string;
}

/**
 * Builds the `process_list` tool over `client`.
 * @example
 * ```ts
 * const { value } = await processListTool(client).run({});
 * ```
 */
export function processListTool(client: EdgeprocClient): AgentTool<"process_list", ListResponse | ListFailure> {
  return defineTool("process_list", DESCRIPTION, ProcessListArgsSchema, async (_input, context) => {
    try {
      return toolValue<ListResponse | ListFailure>(await client.list({ signal: context.signal }));
    } catch (err) {
      return toolValue<ListResponse | ListFailure>({ success: false, error: `list processes: ${errorText(err)}` });
    }
  });
}
