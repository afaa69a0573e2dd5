/**
 * Process-group facts read from and sent to the OS, shared by the three spawners.
 * Uses `node:fs/promises` and `node:process`, which behave the same on Node, Bun and Deno (Linux only: `/proc`).
 * @module
 */

import { readdir, readFile } from "node:fs/promises";
import process from "node:process";
import type { SignalName } from "../../core/spawner.ts";

/**
 * The pids of the live members of process group `pgid`, ascending, read from `/proc/<pid>/stat`.
 * Zombies (state `Z`) count as gone: orphans of a killed group may never be reaped in a container.
 * @example
 * ```ts
 * const left = await liveGroupMembers(child.pid); // [] once the whole group is dead
 * ```
 */
export async function liveGroupMembers(pgid: number): Promise<number[]> {
  const names = await readdir("/proc");
  const members = await Promise.all(
    names.filter((name) => /^\d+$/.test(name)).map(async (name) => {
      const stat = await readFile(`/proc/${name}/stat`, "latin1").catch(() => null);
      return stat !== null && isLiveMember(stat, pgid) ? Number(name) : null;
    }),
  );
  return members.filter((pid) => pid !== null).sort((a, b) => a - b);
}

/** True when a `/proc/<pid>/stat` line shows a non-zombie in group `pgid`. */
function isLiveMember(stat: string, pgid: number): boolean {
  // The command name may contain spaces and parentheses, so fields are counted from the last ")".
  const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return state !== "Z" && Number(group) === pgid;
}

/**
 * Sends `signal` to every process in group `pgid` (`kill(-pgid, signal)`).
 * @returns `false` when the group has no member left (ESRCH), `true` when delivered.
 * @throws the OS error for anything but ESRCH (e.g. EPERM).
 * @example
 * ```ts
 * if (!signalGroup(child.pid, "SIGTERM")) console.log("already gone");
 * ```
 */
export function signalGroup(pgid: number, signal: SignalName): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === "ESRCH") return false;
    throw error;
  }
}
