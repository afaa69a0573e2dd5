/**
 * The projection from a core record to the wire (docs/api.md §3–4): the one place that names the snake_case
 * fields of a process's state, so `GET /{id}`, `/output`, `/run`, `/signal` and the stream's `exit` event agree.
 * @module
 */
import type { ManagedProcess } from "../core/managed-process.ts";
import type { SignalOutcome } from "../core/process-manager.ts";
import type { OutputQuery } from "../wire/request-schemas.ts";
import type { OutputResponse, ProcessInfo, SignalResponse, StartResponse } from "../wire/response-schemas.ts";
import { stripAnsi } from "../output/strip-ansi.ts";

/** Bytes an incremental read returns when the query sets no `limit`. */
const DEFAULT_READ_BYTES = 65_536;

/** How a process ended, as the wire says it: `exit_code` (-1 for a signal) and the signal's name. */
type ExitFields = Pick<ProcessInfo, "exit_code" | "signal">;

function exitFields(proc: ManagedProcess): ExitFields {
  const status = proc.exitStatus;
  if (!status) return {};
  const fields: ExitFields = { exit_code: status.exitCode ?? -1 };
  if (status.signal) fields.signal = status.signal;
  return fields;
}

/** The state fields an output answer repeats from ProcessInfo, in the order the answer lists them. */
function stateFields(proc: ManagedProcess) {
  const state: Omit<OutputResponse, "output" | "truncated" | "cursor" | "next_cursor" | "gap_bytes"> = {
    running: proc.running,
    ...exitFields(proc),
    timed_out: proc.timedOut,
    pid: proc.pid,
    started_at_ms: proc.startedAtMs,
    ...(proc.exitedAtMs !== null && { exited_at_ms: proc.exitedAtMs }),
    total_bytes: proc.totalBytes,
    ...(proc.lastOutputAtMs !== null && { last_output_at_ms: proc.lastOutputAtMs }),
    stdin_open: proc.stdinOpen,
    group_alive: proc.groupAlive,
    ...ttyFields(proc),
  };
  return state;
}

/** Whether the process runs on a terminal, and the terminal's size now. */
function ttyFields(proc: ManagedProcess): Pick<ProcessInfo, "tty" | "cols" | "rows"> {
  const size = proc.ttySize;
  return size === null ? { tty: false } : { tty: true, cols: size.cols, rows: size.rows };
}

/**
 * The record as `list` and `GET /{id}` report it (docs/api.md §3.2, §4.3).
 * @example
 * ```ts
 * c.json(processInfo(manager.get(id, scope)));
 * ```
 */
export function processInfo(proc: ManagedProcess): ProcessInfo {
  const info: ProcessInfo = {
    id: proc.id,
    command: proc.params.command,
    workdir: proc.params.workdir,
    background: proc.params.background,
    running: proc.running,
    started_at_unix: Math.floor(proc.startedAtMs / 1000),
    pid: proc.pid,
    timed_out: proc.timedOut,
    started_at_ms: proc.startedAtMs,
    total_bytes: proc.totalBytes,
    stdin_open: proc.stdinOpen,
    group_alive: proc.groupAlive,
    ...ttyFields(proc),
    ...exitFields(proc),
  };
  if (proc.exitedAtMs !== null) {
    info.exited_at_unix = Math.floor(proc.exitedAtMs / 1000);
    info.exited_at_ms = proc.exitedAtMs;
  }
  if (proc.lastOutputAtMs !== null) info.last_output_at_ms = proc.lastOutputAtMs;
  return info;
}

/** The liveness fields of docs/api.md §4.12. */
type Liveness = Pick<ProcessInfo, "group_members" | "cpu_ms" | "rss_bytes" | "state" | "listening_ports">;
type State = NonNullable<ProcessInfo["state"]>;
/** `/proc`'s state letters as the wire's five: traced is stopped, dead is a zombie, idle or waking is sleeping. */
const STATES: Record<string, State> = { R: "R", S: "S", D: "D", T: "T", t: "T", Z: "Z", X: "Z" };

/**
 * What the group's live members do (docs/api.md §4.12): one look at `/proc`.
 * @example
 * ```ts
 * c.json({ ...processInfo(proc), ...(await liveness(proc)) });
 * ```
 */
export async function liveness(proc: ManagedProcess): Promise<Liveness> {
  const members = await proc.groupStats();
  const ports = await proc.listeningSockets(members.map((m) => m.pid));
  const fields: Liveness = {
    group_members: members.length,
    cpu_ms: Math.round(members.reduce((sum, m) => sum + m.cpuMs, 0)),
    rss_bytes: members.reduce((sum, m) => sum + m.rssBytes, 0),
    listening_ports: [...new Set(ports.map((s) => s.port))],
  };
  // The leader's state while it lives, else the busiest member's.
  let shown = members.find((m) => m.pid === proc.pid);
  if (!shown) for (const m of members) if (!shown || m.cpuMs > shown.cpuMs) shown = m;
  if (shown) fields.state = STATES[shown.state] ?? "S";
  return fields;
}

/**
 * The output answer (docs/api.md §3.3, §4.5): state first, then output, so `running: false` always comes with
 * the final bytes.
 * @example
 * ```ts
 * c.json(outputBody(proc, { cursor: 0, limit: 4096 }));
 * ```
 */
export function outputBody(
  proc: ManagedProcess,
  query: Pick<OutputQuery, "cursor" | "limit"> & { strip?: boolean },
): OutputResponse {
  const state = stateFields(proc);
  const text = query.cursor === undefined ? proc.snapshot() : proc.read(query.cursor, query.limit ?? DEFAULT_READ_BYTES);
  if (query.strip) {
    const { text: plain, incompleteTail } = stripAnsi(text.output);
    text.output = plain;
    // A sequence cut by the read's end is read again whole by the next one; the cursor stays a raw byte offset.
    // Never back to the read's own start: a reader must always make progress.
    if (incompleteTail && "next_cursor" in text && (state.running || text.next_cursor < proc.totalBytes)) {
      const back = text.next_cursor - new TextEncoder().encode(incompleteTail).byteLength;
      if (back > text.cursor) text.next_cursor = back;
    }
  }
  return { ...text, ...state } as OutputResponse;
}

/**
 * The data of the stream's final `exit` event (docs/api.md §4.7).
 * @example
 * ```ts
 * stream.writeSSE({ event: "exit", data: JSON.stringify(exitEvent(proc)) });
 * ```
 */
export function exitEvent(proc: ManagedProcess): { exit_code?: number; signal?: string; timed_out: boolean } {
  // The order the event always had: exit_code, timed_out, then signal.
  const { exit_code, signal } = exitFields(proc);
  return { exit_code, timed_out: proc.timedOut, ...(signal !== undefined && { signal }) };
}

/**
 * The answer of `POST /start`.
 * @example
 * ```ts
 * c.json(startResponse(process, started, body.client_token));
 * ```
 */
export function startResponse(proc: ManagedProcess, started: boolean, token: string | null | undefined): StartResponse {
  const reply: StartResponse = { id: proc.id, started };
  if (token) Object.assign(reply, { attached: !started, client_token: token });
  return reply;
}

/**
 * The answer of `POST /{id}/signal` (docs/api.md §3.4, §4.4); with a wait, whether the group is gone and how
 * the shell ended.
 * @example
 * ```ts
 * c.json(signalResponse(await manager.signal(id, scope, "SIGTERM", 5000), "terminate"));
 * ```
 */
export function signalResponse(outcome: SignalOutcome, name: string): SignalResponse {
  const proc = outcome.process;
  const message = `Signal ${JSON.stringify(name)} sent to process ${JSON.stringify(proc.id)}.`;
  if (outcome.survivors === null) return { message };
  const exited = !proc.running && outcome.survivors.length === 0;
  return { message, exited, survivors: outcome.survivors, ...exitFields(proc) };
}
