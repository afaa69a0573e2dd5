/**
 * `edgeproc/tools`: coder's agent tools (`execute`, `process_output`, `process_list`, `process_signal`) and
 * OpenAI Codex's exec sessions (`exec_command`, `write_stdin`) over an edgeproc client, usable with any LLM SDK.
 * @example
 * ```ts
 * import { createClient } from "edgeproc/client";
 * import { createAgentTools } from "edgeproc/tools";
 * const tools = createAgentTools(createClient({ baseUrl: "http://127.0.0.1:7070" }));
 * for (const tool of Object.values(tools)) console.log(tool.name, tool.inputSchema);
 * ```
 * @module
 */
export {
  type AgentTools,
  type CoderTools,
  type CodexTools,
  createAgentTools,
  type ToolsOf,
} from "./create-agent-tools.ts";
export {
  type AgentTool,
  type AgentToolOptions,
  NON_INTERACTIVE_ENV,
  type ResolvedToolOptions,
  resolveToolOptions,
  type ToolCallContext,
  type ToolSet,
} from "./agent-tool.ts";
export {
  createExecSessionStore,
  type ExecSession,
  type ExecSessions,
  type ExecSessionStore,
  type ExecSessionStoreOptions,
} from "./exec-session.ts";
export { type ExecSessionResult, execText } from "./exec-output.ts";
export type { ListFailure } from "./process-list-tool.ts";
export {
  type ExecuteResult,
  type SignalResult,
  toolError,
  type ToolResult,
  toolText,
  toolValue,
} from "./tool-result.ts";
export * from "./tool-schemas.ts";
export { capOutput, capSnapshot, MAX_OUTPUT_TO_MODEL } from "./cap-output.ts";
export { formatDuration, parseDuration } from "./duration.ts";
