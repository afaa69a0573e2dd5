/**
 * The shape of an agent tool and the options every tool shares.
 * @module
 */
import type { ExecSessions } from "./exec-session.ts";
import type { ObjectJsonSchema } from "./tool-schemas.ts";
import type { ToolResult } from "./tool-result.ts";

/** What a tool call may carry besides its arguments. */
export interface ToolCallContext {
  /** Aborts the waits of the call (the process itself keeps running, as on a timeout). */
  signal?: AbortSignal;
}

/**
 * One tool, in the shape every LLM SDK can adapt: a name, a description, the JSON Schema of its arguments, and
 * `run`, which never throws: bad arguments and failures come back as results the model can read.
 */
export interface AgentTool<Name extends string = string, Result = unknown> {
  readonly name: Name;
  readonly description: string;
  readonly inputSchema: ObjectJsonSchema;
  run(args: unknown, context?: ToolCallContext): Promise<ToolResult<Result>>;
}

/**
 * Which tools {@link createAgentTools} makes: Coder's four (`execute`, `process_output`, `process_list`,
 * `process_signal`), Codex's two (`exec_command`, `write_stdin`), or all six.
 */
export type ToolSet = "coder" | "codex" | "both";

/** Options of {@link createAgentTools}; every field has coder's default. */
export interface AgentToolOptions {
  /** The tools to make (default `"both"`). */
  toolSet?: ToolSet;
  /**
   * Where `exec_command` keeps its sessions for `write_stdin` (default: new ones for each `createAgentTools`).
   * Pass a scope of one long-lived store to keep sessions across tool objects, as the MCP handler does.
   */
  execSessions?: ExecSessions;
  /**
   * Environment of every command started by `execute` or `exec_command`, over {@link NON_INTERACTIVE_ENV}; `null`
   * removes a default.
   */
  env?: Record<string, string | null>;
  /** `false` drops {@link NON_INTERACTIVE_ENV}. */
  nonInteractiveEnv?: boolean;
  /** `execute`'s wait when the model gives no `timeout` (10 s). */
  defaultTimeoutMs?: number;
  /** Longer timeouts are clamped to this, not rejected (4 h). */
  maxTimeoutMs?: number;
  /** The longest wait of one request, the server's `maxWaitMs` (5 min); longer waits take several. */
  maxWaitMs?: number;
  /** Most output bytes in a result of `execute` or `process_output` (32 KiB); Codex's tools count tokens. */
  maxOutputBytes?: number;
}

/** Options with every default filled in. */
export type ResolvedToolOptions = Required<
  Omit<AgentToolOptions, "env" | "nonInteractiveEnv" | "toolSet" | "execSessions">
> & {
  env: Record<string, string>;
};

/**
 * Set on every `execute` so no command waits for a human: editors exit at once, pagers print, git never
 * prompts, and colour codes stay out of the output (coder's `nonInteractiveEnvVars`).
 */
export const NON_INTERACTIVE_ENV: Readonly<Record<string, string>> = Object.freeze({
  GIT_EDITOR: "true",
  GIT_SEQUENCE_EDITOR: "true",
  EDITOR: "true",
  VISUAL: "true",
  GIT_TERMINAL_PROMPT: "0",
  NO_COLOR: "1",
  TERM: "dumb",
  PAGER: "cat",
  GIT_PAGER: "cat",
});

/**
 * The options with their defaults.
 * @example
 * ```ts
 * resolveToolOptions({ env: { PAGER: null } }).env.PAGER; // undefined
 * ```
 */
export function resolveToolOptions(options: AgentToolOptions = {}): ResolvedToolOptions {
  const env: Record<string, string> = options.nonInteractiveEnv === false ? {} : { ...NON_INTERACTIVE_ENV };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === null) delete env[key];
    else env[key] = value;
  }
  return {
    env,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 10_000,
    maxTimeoutMs: options.maxTimeoutMs ?? 4 * 3_600_000,
    maxWaitMs: options.maxWaitMs ?? 300_000,
    maxOutputBytes: options.maxOutputBytes ?? 32 << 10,
  };
}
