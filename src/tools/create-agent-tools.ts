/**
 * `createAgentTools`: coder's four process tools (`execute`, `process_output`, `process_list`,
 * `process_signal`) over an edgeproc client, in a shape any LLM SDK can adapt.
 * @module
 */
import type { EdgeprocClient } from "../client/create-client.ts";
import type { ListResponse } from "../wire/response-schemas.ts";
import { type AgentTool, type AgentToolOptions, resolveToolOptions } from "./agent-tool.ts";
import { executeTool } from "./execute-tool.ts";
import { type ListFailure, processListTool } from "./process-list-tool.ts";
import { processOutputTool } from "./process-output-tool.ts";
import { processSignalTool } from "./process-signal-tool.ts";
import type { ExecuteResult, SignalResult } from "./tool-result.ts";

/** The four tools, keyed by name. */
export interface AgentTools {
  execute: AgentTool<"execute", ExecuteResult>;
  process_output: AgentTool<"process_output", ExecuteResult>;
  process_list: AgentTool<"process_list", ListResponse | ListFailure>;
  process_signal: AgentTool<"process_signal", SignalResult>;
}

/**
 * The agent tools over `client`. Hand each tool's `name`, `description` and `inputSchema` to the model, call
 * `run` with the arguments it sends, and give it back `text`.
 * @example
 * ```ts
 * const client = createClient({ baseUrl: "http://127.0.0.1:7070", chatId });
 * const tools = createAgentTools(client);
 * const result = await tools.execute.run({ command: "git status" });
 * console.log(result.text); // {"success":true,"output":"On branch main\n...","exit_code":0,...}
 * ```
 */
export function createAgentTools(client: EdgeprocClient, options: AgentToolOptions = {}): AgentTools {
  const resolved = resolveToolOptions(options);
  return {
    execute: executeTool(client, resolved),
    process_output: processOutputTool(client, resolved),
    process_list: processListTool(client),
    process_signal: processSignalTool(client),
  };
}
