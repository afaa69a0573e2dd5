/**
 * `GET /{id}/stream` (docs/api.md §4.7): the output as server-sent events from a cursor, with `gap` and `exit` events
 * and heartbeats; a client that goes away frees everything the stream held.
 * @module
 */
import type { Context } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import { ProcessApiError } from "../core/errors.ts";
import type { ManagedProcess } from "../core/managed-process.ts";
import type { ProcessManager } from "../core/process-manager.ts";
import { NON_NEGATIVE_INTEGER } from "../wire/integers.ts";
import { StreamQuerySchema } from "../wire/request-schemas.ts";
import { chatScope } from "./chat-headers.ts";
import { exitEvent } from "./process-view.ts";
import { parseWith } from "./validate.ts";

/** Heartbeat period: under Bun's and proxies' idle timeouts, and what docs/api.md §4.7 promises (≤ 15 s). */
export const HEARTBEAT_MS = 10_000;
/** Bytes per `output` event. */
const EVENT_BYTES = 65_536;

/**
 * The handler of `GET /{id}/stream`.
 * @example
 * ```ts
 * app.get("/:id/stream", (c) => streamOutput(c, manager));
 * ```
 */
export function streamOutput(c: Context, manager: ProcessManager, heartbeatMs = HEARTBEAT_MS): Response {
  const proc = manager.get(c.req.param("id")!, chatScope(c.req.raw.headers));
  const query = parseWith(StreamQuerySchema, c.req.query());
  const cursor = query.cursor ?? lastEventId(c.req.header("last-event-id"));
  // Hono answers HEAD by running the GET route and dropping its body uncancelled: a stream would pump forever.
  if (c.req.raw.method === "HEAD") return c.body(null, 200, { "Content-Type": "text/event-stream" });
  return streamSSE(c, async (stream) => {
    const gone = new AbortController();
    stream.onAbort(() => gone.abort());
    const release = manager.hold("streams");
    try {
      await pump(stream, manager, proc, cursor, gone.signal, heartbeatMs);
    } finally {
      release();
    }
  });
}

function lastEventId(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 0;
  if (!NON_NEGATIVE_INTEGER.test(raw)) {
    throw new ProcessApiError("invalid_request", "Last-Event-ID must be a non-negative integer.", undefined, [
      { field: "Last-Event-ID", detail: "not a non-negative integer" },
    ]);
  }
  return Number(raw);
}

async function pump(
  stream: SSEStreamingApi,
  manager: ProcessManager,
  proc: ManagedProcess,
  start: number,
  gone: AbortSignal,
  heartbeatMs: number,
): Promise<void> {
  let cursor = start;
  while (!gone.aborted) {
    const exited = !proc.running;
    const read = proc.read(cursor, EVENT_BYTES);
    if (read.gap_bytes > 0) {
      await stream.writeSSE({ event: "gap", data: JSON.stringify({ gap_bytes: read.gap_bytes }) });
    }
    if (read.next_cursor > read.cursor) {
      const data = { data: read.output, cursor: read.cursor, next_cursor: read.next_cursor };
      await stream.writeSSE({ event: "output", id: String(read.next_cursor), data: JSON.stringify(data) });
      cursor = read.next_cursor;
      continue;
    }
    cursor = read.next_cursor;
    if (exited) {
      // The state was read before the bytes, so every byte is out when this says exited.
      await stream.writeSSE({ event: "exit", data: JSON.stringify(exitEvent(proc)) });
      return;
    }
    const woke = await manager.waitForOutput(proc, proc.totalBytes, heartbeatMs, gone);
    if (!woke && !gone.aborted) await stream.write(": heartbeat\n\n");
  }
}
