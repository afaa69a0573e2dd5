/**
 * `edgeproc/tools`: coder's agent tools (`execute`, `process_output`, `process_list`, `process_signal`) over
 * an edgeproc client, usable with any LLM SDK.
 * @example
 * ```ts
 * import { createClient } from "edgeproc/client";
 * import { createAgentTools } from "edgeproc/tools";
 * const tools = createAgentTools(createClient({ baseUrl: "http://127.0.0.1:7070" }));
 * for (const tool of Object.values(tools)) console.log(tool.name, tool.inputSchema);
 * ```
 * @module
 */
export { type AgentTools, createAgentTools } from "./create-agent-tools.ts";
export {
  type AgentTool,
  type AgentToolOptions,
  NON_INTERACTIVE_ENV,
  type ResolvedToolOptions,
  resolveToolOptions,
  type ToolCallContext,
} from "./agent-tool.ts";
export type { ListFailure } from "./process-list-tool.ts";
export { type ExecuteResult, type SignalResult, toolError, type ToolResult, toolValue } from "./tool-result.ts";
export * from "./tool-schemas.ts";
export { capOutput, capSnapshot, MAX_OUTPUT_TO_MODEL } from "./cap-output.ts";
export { formatDuration, parseDuration } from "./duration.ts";
