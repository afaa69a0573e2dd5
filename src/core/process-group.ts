/**
 * A record's process group as the core sees it, through the spawner's view of the OS: whether it still has
 * members, and the verified-kill wait of docs/api.md §4.4 (until the group has no live member).
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

/**
 * True while group `pgid` has a live member (the shell or a descendant that outlived it).
 * @example
 * ```ts
 * if (await groupAlive(spawner, proc.pid)) proc.signal("SIGTERM");
 * ```
 */
export async function groupAlive(spawner: Pick<Spawner, "liveGroupMembers">, pgid: number): Promise<boolean> {
  return (await spawner.liveGroupMembers(pgid)).length > 0;
}
