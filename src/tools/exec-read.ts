/**
 * `answerSession`: waits for an exec session's process to exit or for the yield time to pass (as Codex does:
 * new output alone does not end the wait; a `wait_for` line or port does), reads the output since the session's cursor and answers it.
 * @module
 */
import { EdgeprocError } from "../client/client-error.ts";
import type { EdgeprocClient } from "../client/create-client.ts";
import type { OutputResponse } from "../wire/response-schemas.ts";
import type { ExecSession, ExecSessions } from "./exec-session.ts";
import { approxTokens, chunkId, type ExecSessionResult, execText, middleCut, shellExitCode } from "./exec-output.ts";
import { errorText, toolError, type ToolResult, toolText } from "./tool-result.ts";
import { type WaitFor, waitForMet, waitForQuery } from "./wait-until-exit.ts";

/** The most one cursor read may ask for: the server always allows 1 MiB (docs/api.md §4.5). */
const MAX_READ_BYTES = 1 << 20;

/** How long one answer may wait, and how much it may say. */
export interface AnswerOptions {
  /** When the call began (for the wall time). */
  startedAt: number;
  /** Stop waiting for the exit at this time. */
  deadline: number;
  /** Most bytes of output in the answer. */
  maxBytes: number;
  /** The longest wait of one request (the server's `maxWaitMs`). */
  maxWaitMs: number;
  signal?: AbortSignal;
  /** End the wait early on a matching line or a listening port. */
  waitFor?: WaitFor;
}

/** What a read of a session gives: the text the model gets, its size before the cut, and the process's state. */
interface SessionRead {
  output: string;
  originalBytes: number;
  state: OutputResponse;
}

/**
 * The answer to an exec call on `session`: its new output, with the exit code (the session is then closed) or its
 * session id. A process the server no longer knows closes the session too and answers an error.
 * @example
 * ```ts
 * return answerSession(client, sessions, session, { startedAt, deadline, maxBytes: 40_000, maxWaitMs: 300_000 });
 * ```
 */
export async function answerSession(
  client: EdgeprocClient,
  sessions: ExecSessions,
  session: ExecSession,
  options: AnswerOptions,
): Promise<ToolResult<ExecSessionResult>> {
  let read: SessionRead;
  try {
    read = await readSession(client, session, options);
  } catch (err) {
    if (err instanceof EdgeprocError && err.status === 404) {
      sessions.close(session);
      return toolError(`session ${session.sessionId} is gone: the server no longer knows its process`);
    }
    return toolError(
      `could not read the output of session ${session.sessionId}: ${errorText(err)}; ` +
        "the command may still be running, call write_stdin with empty chars to try again",
    );
  }
  const { state } = read;
  const result: ExecSessionResult = {
    chunk_id: chunkId(),
    wall_time_seconds: Math.round(Date.now() - options.startedAt) / 1000,
    original_token_count: approxTokens(read.originalBytes),
    output: read.output,
  };
  if (state.running) {
    result.session_id = session.sessionId;
  } else {
    sessions.close(session);
    result.exit_code = shellExitCode(state);
    if (state.signal) result.signal = state.signal;
  }
  const ordered = orderFields(result);
  return toolText(ordered, execText(ordered));
}

/**
 * Blocks until exit or the deadline, then reads from the cursor: everything when it fits, else the first bytes
 * and the last ones (the middle is skipped on the server, never sent). Moves the cursor past what was read.
 */
async function readSession(client: EdgeprocClient, session: ExecSession, options: AnswerOptions): Promise<SessionRead> {
  const { processId: id, cursor } = session;
  const stripAnsi = session.tty || undefined;
  const signal = options.signal;
  const limit = clampRead(options.maxBytes);
  const condition = options.waitFor ? waitForQuery(options.waitFor) : {};
  let head: OutputResponse;
  for (;;) {
    const remaining = Math.max(0, Math.ceil(options.deadline - Date.now()));
    const waitMs = Math.min(remaining, options.maxWaitMs);
    head = await client.output(id, { cursor, limit, waitMs, stripAnsi, signal, ...condition });
    if (!head.running || waitForMet(head) || remaining <= waitMs || Date.now() >= options.deadline) break;
  }
  const lost = head.gap_bytes ?? 0;
  let end = head.next_cursor ?? cursor;
  let tail = "";
  let skipped = 0;
  if (end < head.total_bytes) {
    // More than the budget: read the last bytes as well, and skip the middle.
    const from = Math.max(end, head.total_bytes - Math.ceil(options.maxBytes / 2));
    const tailLimit = clampRead(head.total_bytes - from);
    const last = await client.output(id, { cursor: from, limit: tailLimit, stripAnsi, signal });
    skipped = (last.cursor ?? from) - end + (last.gap_bytes ?? 0);
    tail = last.output;
    end = last.next_cursor ?? end;
  }
  session.cursor = end;
  const omitted = lost + skipped;
  const originalBytes = byteLength(head.output) + omitted + byteLength(tail);
  return { output: middleCut(head.output, tail, omitted, options.maxBytes), originalBytes, state: head };
}

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;
const clampRead = (bytes: number) => Math.min(MAX_READ_BYTES, Math.max(1, Math.ceil(bytes)));

/** Codex's order of the fields, so the value reads as the text does. */
function orderFields(result: ExecSessionResult): ExecSessionResult {
  const { chunk_id, wall_time_seconds, exit_code, session_id, original_token_count, output, signal } = result;
  const ordered: ExecSessionResult = { chunk_id, wall_time_seconds } as ExecSessionResult;
  if (exit_code !== undefined) ordered.exit_code = exit_code;
  if (session_id !== undefined) ordered.session_id = session_id;
  Object.assign(ordered, { original_token_count, output });
  if (signal !== undefined) ordered.signal = signal;
  return ordered;
}
