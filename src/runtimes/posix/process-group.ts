/**
 * Process-group facts read from and sent to the OS, shared by the three spawners.
 * Uses `node:fs` and `node:process`, which behave the same on Node, Bun and Deno (Linux only: `/proc`).
 * @module
 */

import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import process from "node:process";
import type { SignalName } from "../../core/spawner.ts";

/** A live member of a group, as `/proc/<pid>/stat` shows it. */
export interface GroupMember {
  pid: number;
  /** Start time in clock ticks since boot (field 22). */
  startTicks: number;
  /** The state letter (field 3): R, S, D, T, t, I, ... (zombies are not members). */
  state: string;
  /** User + system CPU time in clock ticks (fields 14 and 15). */
  cpuTicks: number;
  /** Resident pages (field 24). */
  rssPages: number;
}

/** Linux reports start and CPU times in USER_HZ, which is 100 on every architecture's userspace ABI. */
export const TICKS_PER_SECOND = 100;
const BOOT_OFFSET_MS = bootOffsetMs();

/** Milliseconds since boot at `performance.now()` = 0, from one read of `/proc/uptime`. */
function bootOffsetMs(): number {
  try {
    const uptimeS = Number(readFileSync("/proc/uptime", "latin1").split(" ")[0]);
    return uptimeS * 1000 - performance.now();
  } catch {
    return 0;
  }
}

/**
 * Now, in the clock ticks since boot that start times are counted in.
 * @example
 * ```ts
 * const born = nowTicks(); // a process started after this has startTicks >= born
 * ```
 */
export function nowTicks(): number {
  return ((BOOT_OFFSET_MS + performance.now()) / 1000) * TICKS_PER_SECOND;
}

/**
 * The live members of process group `pgid`, ascending by pid, read from `/proc/<pid>/stat`.
 * Zombies (state `Z`) count as gone: orphans of a killed group may never be reaped in a container.
 * @example
 * ```ts
 * const left = await groupMembers(child.pid); // [] once the whole group is dead
 * ```
 */
export async function groupMembers(pgid: number): Promise<GroupMember[]> {
  const names = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  const members = await Promise.all(
    names.map(async (name) => memberOf(await readFile(`/proc/${name}/stat`, "latin1").catch(() => null), name, pgid)),
  );
  return members.filter((m) => m !== null).sort((a, b) => a.pid - b.pid);
}

/** {@link groupMembers}, synchronously: for a server that is exiting and can no longer wait. */
export function groupMembersSync(pgid: number): GroupMember[] {
  const members: GroupMember[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string | null = null;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "latin1");
    } catch {
      // Gone between the listing and the read.
    }
    const member = memberOf(stat, name, pgid);
    if (member) members.push(member);
  }
  return members.sort((a, b) => a.pid - b.pid);
}

/** The member a `/proc/<pid>/stat` line shows, when it is a non-zombie in group `pgid`. */
function memberOf(stat: string | null, name: string, pgid: number): GroupMember | null {
  if (stat === null) return null;
  // The command name may contain spaces and parentheses, so fields are counted from the last ")": state is
  // field 3, pgrp field 5, utime and stime fields 14 and 15, starttime field 22, rss field 24.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || Number(fields[2]) !== pgid) return null;
  return {
    pid: Number(name),
    startTicks: Number(fields[19]),
    state: fields[0]!,
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    rssPages: Number(fields[21]),
  };
}

/**
 * True while group `pgid` has any member, zombies included (`kill(-pgid, 0)`): a syscall, no `/proc` scan.
 * @example
 * ```ts
 * if (!groupExists(child.pid)) console.log("the whole group is gone");
 * ```
 */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but is not ours to signal.
    return (error as { code?: unknown }).code === "EPERM";
  }
}

/**
 * Sends `signal` to every process in group `pgid` (`kill(-pgid, signal)`). Never throws: ESRCH (no member left),
 * EPERM (the group is not ours: ours run as this server's user) and any other error all mean "not delivered".
 * @returns `true` when delivered.
 * @example
 * ```ts
 * if (!signalGroup(child.pid, "SIGTERM")) console.log("not delivered");
 * ```
 */
export function signalGroup(pgid: number, signal: SignalName): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
