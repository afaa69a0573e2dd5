/**
 * `waitUntilExit`: blocks on the server until a process exits or a deadline passes, one request per server
 * wait cap, as coder's `waitForProcess` retries when the server's cap fires before the client's timeout.
 * @module
 */
import type { EdgeprocClient } from "../client/create-client.ts";
import type { OutputResponse } from "../wire/response-schemas.ts";

/**
 * The output snapshot of `id` once it has exited, or the last snapshot at `deadline` (then `running: true`).
 * Throws what the client throws; the caller decides how to recover.
 * @example
 * ```ts
 * const snapshot = await waitUntilExit(client, id, Date.now() + 10_000, 300_000);
 * ```
 */
export async function waitUntilExit(
  client: EdgeprocClient,
  id: string,
  deadline: number,
  maxWaitMs: number,
  signal?: AbortSignal,
): Promise<OutputResponse> {
  for (;;) {
    const remaining = Math.max(0, Math.ceil(deadline - Date.now()));
    const snapshot = await client.output(id, { waitMs: Math.min(remaining, maxWaitMs), signal });
    if (!snapshot.running || remaining === 0 || Date.now() >= deadline) return snapshot;
  }
}
