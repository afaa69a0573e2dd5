/**
 * `createAgentTools`: coder's four process tools (`execute`, `process_output`, `process_list`,
 * `process_signal`) and OpenAI Codex's two exec-session tools (`exec_command`, `write_stdin`) over an edgeproc
 * client, in a shape any LLM SDK can adapt.
 * @module
 */
import type { EdgeprocClient } from "../client/create-client.ts";
import type { ListResponse } from "../wire/response-schemas.ts";
import { type AgentTool, type AgentToolOptions, resolveToolOptions, type ToolSet } from "./agent-tool.ts";
import { execCommandTool } from "./exec-command-tool.ts";
import type { ExecSessionResult } from "./exec-output.ts";
import { createExecSessionStore } from "./exec-session.ts";
import { executeTool } from "./execute-tool.ts";
import { type ListFailure, processListTool } from "./process-list-tool.ts";
import { processOutputTool } from "./process-output-tool.ts";
import { processSignalTool } from "./process-signal-tool.ts";
import type { ExecuteResult, SignalResult } from "./tool-result.ts";
import { writeStdinTool } from "./write-stdin-tool.ts";

const TOOL_SETS: readonly ToolSet[] = ["coder", "codex", "both"];

/** Coder's four tools, keyed by name. */
export interface CoderTools {
  execute: AgentTool<"execute", ExecuteResult>;
  process_output: AgentTool<"process_output", ExecuteResult>;
  process_list: AgentTool<"process_list", ListResponse | ListFailure>;
  process_signal: AgentTool<"process_signal", SignalResult>;
}

/** Codex's two exec-session tools, keyed by name. */
export interface CodexTools {
  exec_command: AgentTool<"exec_command", ExecSessionResult>;
  write_stdin: AgentTool<"write_stdin", ExecSessionResult>;
}

/** All six tools, as `createAgentTools` makes them by default. */
export type AgentTools = CoderTools & CodexTools;

/** The tools of a {@link ToolSet}. */
export type ToolsOf<S extends ToolSet> = S extends "coder" ? CoderTools : S extends "codex" ? CodexTools : AgentTools;

/**
 * The agent tools over `client`. Hand each tool's `name`, `description` and `inputSchema` to the model, call
 * `run` with the arguments it sends, and give it back `text`. `toolSet` picks Coder's tools, Codex's, or both.
 * @example
 * ```ts
 * const client = createClient({ baseUrl: "http://127.0.0.1:7070", chatId });
 * const tools = createAgentTools(client);
 * const result = await tools.execute.run({ command: "git status" });
 * console.log(result.text); // {"success":true,"output":"On branch main\n...","exit_code":0,...}
 * const codex = createAgentTools(client, { toolSet: "codex" });
 * console.log((await codex.exec_command.run({ cmd: "sh", yield_time_ms: 500 })).text); // ...session ID 1000...
 * ```
 */
export function createAgentTools<S extends ToolSet = "both">(
  client: EdgeprocClient,
  options: AgentToolOptions & { toolSet?: S } = {},
): ToolsOf<S> {
  const resolved = resolveToolOptions(options);
  const set: ToolSet = options.toolSet ?? "both";
  if (!TOOL_SETS.includes(set)) {
    throw new TypeError(`toolSet must be "coder", "codex" or "both", got ${JSON.stringify(options.toolSet)}`);
  }
  const coder: CoderTools | {} = set === "codex" ? {} : {
    execute: executeTool(client, resolved),
    process_output: processOutputTool(client, resolved),
    process_list: processListTool(client),
    process_signal: processSignalTool(client),
  };
  if (set === "coder") return coder as ToolsOf<S>;
  const sessions = options.execSessions ?? createExecSessionStore().scope("");
  const codex: CodexTools = {
    exec_command: execCommandTool(client, resolved, sessions),
    write_stdin: writeStdinTool(client, resolved, sessions),
  };
  return { ...coder, ...codex } as ToolsOf<S>;
}
