/**
 * Follows `GET /{id}/stream` to the exit event, writing the output as it comes and reconnecting from the last
 * cursor when the connection drops (a restarted proxy, a server's request timeout), as an `EventSource` would.
 * @module
 */
import type { EdgeprocClient } from "../../client/create-client.ts";
import type { StreamEvent } from "../../client/sse-events.ts";
import { delay } from "../../core/wait.ts";
import { isUnreachable } from "./exit-codes.ts";
import { warn, writeOut } from "./write-out.ts";

/** The `exit` event of a stream: how the process ended. */
export type ExitEvent = Extract<StreamEvent, { type: "exit" }>;

/** Options of {@link followStream}. */
export interface FollowOptions {
  /** Where to start (default 0). */
  cursor?: number;
  /** Print every event as a JSON line rather than the output text. */
  json?: boolean;
  /** Reconnections in a row without a new event before giving up (default 5), 100 ms apart, doubling. */
  retries?: number;
}

/**
 * Streams the output of `id` to stdout until it exits, and resolves with the exit event. A dropped connection is
 * resumed from the last `next_cursor`; an API error (404, 401) is thrown at once.
 * @example
 * ```ts
 * const exit = await followStream(client, id);
 * process.exitCode = exit.exit_code;
 * ```
 */
export async function followStream(
  client: EdgeprocClient,
  id: string,
  options: FollowOptions = {},
): Promise<ExitEvent> {
  let cursor = options.cursor ?? 0;
  const retries = options.retries ?? 5;
  let failures = 0;
  for (;;) {
    let lastError: unknown;
    try {
      for await (const event of client.stream(id, { cursor })) {
        failures = 0;
        if (options.json) await writeOut(`${JSON.stringify(event)}\n`);
        if (event.type === "exit") return event;
        if (event.type === "gap") {
          if (!options.json) await warn(`${event.gap_bytes} bytes of output are lost (older than the server keeps)`);
          continue;
        }
        if (!options.json) await writeOut(event.data);
        cursor = event.next_cursor;
      }
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      lastError = err;
    }
    // The stream ended without an exit event, or the connection failed: resume where it stopped.
    if (++failures > retries) {
      throw lastError ?? new Error(`the output stream of ${id} kept ending before the process exited`);
    }
    await delay(100 * 2 ** (failures - 1));
  }
}
