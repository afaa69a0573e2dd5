/**
 * The verified-kill wait of docs/api.md §4.4: after a signal, wait until a record's group has no live member.
 * @module
 */
import { delay, waitFor } from "./wait.ts";

/**
 * Waits until `exited` settles and `members()` reports none left, or `ms` pass; answers the pids still alive.
 * @example
 * ```ts
 * const survivors = await groupSurvivors(() => proc.groupMembers(), proc.exited, 5000);
 * ```
 */
export async function groupSurvivors(
  members: () => Promise<number[]>,
  exited: Promise<unknown>,
  ms: number,
): Promise<number[]> {
  // Monotonic time, not an injectable wall clock: this is a duration.
  const deadline = performance.now() + ms;
  // waitFor, not a race with delay(ms): its timer is cleared when the process exits first.
  await waitFor(exited, ms);
  let survivors = await members();
  while (survivors.length > 0 && performance.now() < deadline) {
    // No OS event tells when a group empties, so /proc is polled, briefly.
    await delay(Math.min(20, deadline - performance.now()));
    survivors = await members();
  }
  return survivors;
}
