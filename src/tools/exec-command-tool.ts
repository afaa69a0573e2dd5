/**
 * The `exec_command` tool (OpenAI Codex's unified exec): starts a command, waits up to `yield_time_ms` for it to
 * finish, and answers its output with the exit code, or with a session id to carry on with `write_stdin`.
 * @module
 */
import type { EdgeprocClient } from "../client/create-client.ts";
import type { StartInput } from "../client/client-types.ts";
import type { AgentTool, ResolvedToolOptions } from "./agent-tool.ts";
import { defineTool } from "./define-tool.ts";
import { answerSession } from "./exec-read.ts";
import { clamp, type ExecSessionResult, outputBudget } from "./exec-output.ts";
import type { ExecSessions } from "./exec-session.ts";
import { errorText, toolError } from "./tool-result.ts";
import { ExecCommandArgsSchema } from "./tool-schemas.ts";
import { waitForProblem } from "./wait-until-exit.ts";

const DESCRIPTION =
  "Run a shell command line (sh -c) and wait up to yield_time_ms for it to finish. The answer holds what it " +
  "printed so far and, if it finished, its exit code; if it is still running, a session_id instead: pass that to " +
  "write_stdin to type input into the command or to wait for more of its output. Set tty to true for programs " +
  "that need a terminal (REPLs, prompts) or that only print in big blocks when not on one. To start a server and " +
  "go on once it is ready, give wait_for: {pattern: 'ready|listening'} or {port: 3000}.";

/** Codex's bounds of `yield_time_ms` for `exec_command`, with the longer ceiling (5 min). */
export const EXEC_YIELD_MS = { default: 10_000, min: 250, max: 300_000 } as const;

/**
 * Builds the `exec_command` tool over `client`, keeping its sessions in `sessions`.
 * @example
 * ```ts
 * const tool = execCommandTool(client, resolveToolOptions(), createExecSessionStore().scope(""));
 * const { text } = await tool.run({ cmd: "python3 -i", tty: true, yield_time_ms: 1000 });
 * ```
 */
export function execCommandTool(
  client: EdgeprocClient,
  options: ResolvedToolOptions,
  sessions: ExecSessions,
): AgentTool<"exec_command", ExecSessionResult> {
  return defineTool("exec_command", DESCRIPTION, ExecCommandArgsSchema, async (input, context) => {
    const problem = input.wait_for && waitForProblem(input.wait_for);
    if (problem) return toolError(problem);
    const startedAt = Date.now();
    const tty = input.tty === true;
    // A pipe process gets a stdin pipe so write_stdin can reach it; a terminal's stdin is always writable.
    const request: StartInput = {
      command: input.cmd,
      workdir: input.workdir,
      env: options.env,
      ...(tty ? { tty: true } : { stdin: true }),
    };
    let id: string;
    try {
      id = (await client.start(request, { signal: context.signal })).id;
    } catch (err) {
      return toolError(`exec_command failed: ${errorText(err)}`);
    }
    const session = sessions.open(id, tty);
    const yieldMs = clamp(input.yield_time_ms ?? EXEC_YIELD_MS.default, EXEC_YIELD_MS.min, EXEC_YIELD_MS.max);
    return sessions.serial(session, () =>
      answerSession(client, sessions, session, {
        startedAt,
        deadline: startedAt + yieldMs,
        maxBytes: outputBudget(input.max_output_tokens),
        maxWaitMs: options.maxWaitMs,
        signal: context.signal,
        waitFor: input.wait_for,
      }),
    );
  });
}
