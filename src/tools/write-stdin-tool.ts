/**
 * The `write_stdin` tool (OpenAI Codex's unified exec): types into an `exec_command` session, or only waits, and
 * answers the output produced since that session's previous read.
 * @module
 */
import { EdgeprocError } from "../client/client-error.ts";
import type { EdgeprocClient } from "../client/create-client.ts";
import type { AgentTool, ResolvedToolOptions } from "./agent-tool.ts";
import { defineTool } from "./define-tool.ts";
import { clamp, type ExecSessionResult, outputBudget } from "./exec-output.ts";
import { answerSession } from "./exec-read.ts";
import type { ExecSession, ExecSessions } from "./exec-session.ts";
import { errorText, toolError, type ToolResult } from "./tool-result.ts";
import { WriteStdinArgsSchema } from "./tool-schemas.ts";

const DESCRIPTION =
  "Type characters into a command that exec_command left running (its session_id), or send none to just wait " +
  "for it. Answers the output it produced since the last answer for that session, and its exit code once it has " +
  "ended (the session is then closed) or the session_id while it still runs.";

/**
 * Codex's waits of `write_stdin`: a write collects for 250 ms by default (at most 30 s); a poll without input
 * waits 5 s to 5 min, so a model does not spin on a quiet command.
 */
export const WRITE_YIELD_MS = { default: 250, min: 250, max: 30_000, pollMin: 5_000, pollMax: 300_000 } as const;

/**
 * Builds the `write_stdin` tool over `client`, reading the sessions `exec_command` keeps in `sessions`.
 * @example
 * ```ts
 * const tool = writeStdinTool(client, resolveToolOptions(), sessions);
 * await tool.run({ session_id: 1000, chars: "exit\n" });
 * ```
 */
export function writeStdinTool(
  client: EdgeprocClient,
  options: ResolvedToolOptions,
  sessions: ExecSessions,
): AgentTool<"write_stdin", ExecSessionResult> {
  return defineTool("write_stdin", DESCRIPTION, WriteStdinArgsSchema, async (input, context) => {
    const startedAt = Date.now();
    const named = input.session_id;
    const number = typeof named === "number" ? named : /^\s*\d+\s*$/.test(named) ? Number(named) : NaN;
    const session = Number.isSafeInteger(number) ? sessions.find(number) : undefined;
    if (!session) {
      return toolError(
        `write_stdin failed: no running session ${JSON.stringify(named)}; it has ended (its last answer gave the ` +
          "exit code), or it is not a session_id that exec_command answered",
      );
    }
    const chars = input.chars ?? "";
    const asked = input.yield_time_ms ?? WRITE_YIELD_MS.default;
    const yieldMs = chars === ""
      ? clamp(asked, WRITE_YIELD_MS.pollMin, WRITE_YIELD_MS.pollMax)
      : clamp(asked, WRITE_YIELD_MS.min, WRITE_YIELD_MS.max);
    const signal = context.signal;
    return sessions.serial(session, async () => {
      if (chars !== "") {
        const failed = await write(client, sessions, session, chars, signal);
        if (failed) return failed;
      }
      return answerSession(client, sessions, session, {
        startedAt,
        deadline: Date.now() + yieldMs,
        maxBytes: outputBudget(input.max_output_tokens),
        maxWaitMs: options.maxWaitMs,
        signal,
      });
    });
  });
}

/**
 * Sends `chars` to the session's process: as typed on a terminal, where the line discipline makes Ctrl-C and
 * Ctrl-D work; on a pipe those two are done for it (SIGINT to the group, end of input). A process that exited
 * meanwhile is not a failure: the answer then reports its exit, as Codex's does.
 */
async function write(
  client: EdgeprocClient,
  sessions: ExecSessions,
  session: ExecSession,
  chars: string,
  signal: AbortSignal | undefined,
): Promise<ToolResult<ExecSessionResult> | undefined> {
  const id = session.processId;
  try {
    if (!session.tty && chars === "\u0003") await client.signal(id, "interrupt", { signal });
    else if (!session.tty && chars.endsWith("\u0004")) {
      await client.stdin(id, { data: chars.slice(0, -1), eof: true }, { signal });
    } else await client.stdin(id, { data: chars }, { signal });
    return undefined;
  } catch (err) {
    if (err instanceof EdgeprocError && err.status === 404) {
      sessions.close(session);
      return toolError(`write_stdin failed: session ${session.sessionId} is gone: the server no longer knows it`);
    }
    const exited = await client.get(id).then((info) => !info.running, () => false);
    if (exited) return undefined;
    return toolError(`write_stdin failed: ${errorText(err)}`);
  }
}
