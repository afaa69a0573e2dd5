/**
 * Verified kills (docs/api.md §4.4): after a signal, wait until a process group has no live member, as the OS reports it.
 * @module
 */
import type { Spawner } from "./spawner.ts";
import { delay } from "./wait.ts";

/**
 * Waits until `exited` settles and group `pgid` has no live member, or `ms` pass; answers the pids still alive.
 * @example
 * ```ts
 * const survivors = await groupSurvivors(spawner, proc.child.pid, proc.exited, 5000);
 * ```
 */
export async function groupSurvivors(
  spawner: Pick<Spawner, "liveGroupMembers">,
  pgid: number,
  exited: Promise<unknown>,
  ms: number,
): Promise<number[]> {
  // Monotonic time, not an injectable wall clock: this is a duration.
  const deadline = performance.now() + ms;
  await Promise.race([exited, delay(ms)]);
  let survivors = await spawner.liveGroupMembers(pgid);
  while (survivors.length > 0 && performance.now() < deadline) {
    // No OS event tells when a group empties, so /proc is polled, briefly.
    await delay(Math.min(20, deadline - performance.now()));
    survivors = await spawner.liveGroupMembers(pgid);
  }
  return survivors;
}
