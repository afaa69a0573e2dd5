/**
 * The process group one spawn created, signalled only while it is provably still that group (docs/api.md §3.4).
 *
 * Linux never hands out a pid that is still some process's pid, pgid or sid, so while the shell lives its pid
 * names our group; once the group has been seen empty the pgid may name a stranger's group, so it is gone for
 * good. When the shell exits, one `kill(-pgid, 0)` tells whether anything is left; only then is `/proc` read, and
 * what it shows is taken as ours (a stranger would need the whole group dead and the pid handed out again in
 * the milliseconds between). After that a member is ours when it was seen before (same pid and start time) or
 * started before the last check that found the group ours (a stranger's group could not exist then). If any
 * member is ours the group is still ours, so all its members are; if none is, the group is gone and nothing is
 * signalled: losing control of a descendant beats killing a stranger.
 * @module
 */
import type { ExitStatus, SignalName, SpawnedProcess } from "../../core/spawner.ts";
import { listeningSockets, memberStats } from "./group-stats.ts";
import { watchGroup } from "./watchdog.ts";
import { groupExists, groupMembers, groupMembersSync, nowTicks, signalGroup, type GroupMember } from "./process-group.ts";

const key = (m: GroupMember) => `${m.pid}:${m.startTicks}`;

/**
 * One spawn's group.
 * @example
 * ```ts
 * const group = new GroupHandle(pid, exited);
 * await group.signal("SIGTERM"); // false once the group is gone
 * ```
 */
export class GroupHandle {
  readonly #pgid: number;
  #shellAlive = true;
  #gone = false;
  /** Members seen at the last check that found the group ours, by `pid:startTicks`. */
  #known = new Set<string>();
  /** Start ticks before which a member is ours: the time of the last check that found the group ours. */
  #confirmedTicks = 0;
  /** The first look at the group after the shell exited, while it is under way. */
  #firstLook: Promise<void> | null = null;

  constructor(pgid: number, shellExited: Promise<unknown>) {
    this.#pgid = pgid;
    watchGroup(pgid, true);
    void shellExited.then(() => {
      this.#shellAlive = false;
      if (!groupExists(pgid)) this.#markGone();
      else this.#firstLook = this.#look().then(() => void (this.#firstLook = null));
    });
  }

  /**
   * True while the group may still have members of ours: the shell lives, or the group is not known gone and
   * still exists. A syscall, no `/proc` scan; {@link members} proves it.
   */
  get alive(): boolean {
    if (this.#shellAlive) return true;
    if (!this.#gone && !groupExists(this.#pgid)) this.#markGone();
    return !this.#gone;
  }

  /** Sends `signal` to the group if it is still ours; `false` when not delivered (gone, or refused). */
  async signal(signal: SignalName): Promise<boolean> {
    if (this.#shellAlive) return this.#send(signal);
    if (this.#firstLook) await this.#firstLook;
    if (this.#gone) return false;
    return (await this.#check()).length > 0 && this.#send(signal);
  }

  /** {@link signal} without waiting, for a server that is exiting. */
  signalNow(signal: SignalName): void {
    if (this.#shellAlive) return void this.#send(signal);
    if (this.#gone) return;
    const at = nowTicks();
    const members = groupMembersSync(this.#pgid);
    // Still within the first look: what is there now is what that look would have taken as ours.
    if (this.#firstLook) this.#accept(members, at);
    if (this.#ours(members, at).length > 0) this.#send(signal);
  }

  /** The pids of the group's live members, `[]` once the group is gone or is a stranger's. */
  async members(): Promise<number[]> {
    return (await this.details()).map((m) => m.pid);
  }

  /** The group's live members as `/proc` shows them, `[]` once the group is gone or is a stranger's. */
  async details(): Promise<GroupMember[]> {
    if (this.#shellAlive) return groupMembers(this.#pgid);
    if (this.#firstLook) await this.#firstLook;
    if (this.#gone) return [];
    return this.#check();
  }

  /** The group's members now, if it is provably still ours. */
  async #check(): Promise<GroupMember[]> {
    // The time before the scan: the group is known ours at this moment only if the scan then proves it.
    const at = nowTicks();
    return this.#ours(await groupMembers(this.#pgid), at);
  }

  async #look(): Promise<void> {
    const at = nowTicks();
    this.#accept(await groupMembers(this.#pgid), at);
  }

  #accept(members: GroupMember[], at: number): void {
    if (members.length === 0) this.#markGone();
    this.#known = new Set(members.map(key));
    this.#confirmedTicks = Math.floor(at);
  }

  #markGone(): void {
    if (!this.#gone) watchGroup(this.#pgid, false);
    this.#gone = true;
  }

  #send(signal: SignalName): boolean {
    const sent = signalGroup(this.#pgid, signal);
    // With the shell alive the group cannot be empty; a refusal then is no proof it is gone.
    if (!sent && !this.#shellAlive) this.#markGone();
    return sent;
  }

  /** `members` if the group is provably still ours, else none (and the group is gone for good). */
  #ours(members: GroupMember[], at: number): GroupMember[] {
    if (!members.some((m) => this.#known.has(key(m)) || m.startTicks < this.#confirmedTicks)) {
      this.#markGone();
      this.#known.clear();
      return [];
    }
    this.#accept(members, at);
    return members;
  }
}

/** What a spawner knows of its process; {@link spawnedProcess} adds the group control. */
export type SpawnedPipes = Pick<SpawnedProcess, "pid" | "output" | "outputIsByteStream" | "stdin"> & { exited: Promise<ExitStatus> };

/**
 * A {@link SpawnedProcess} whose group is controlled through a {@link GroupHandle}: the one way every spawner
 * signals, so `kill(-pid)` is never sent to a group that may no longer be ours (and `child.kill()` would miss
 * grandchildren, and throws on Deno once the child has exited).
 * @example
 * ```ts
 * return spawnedProcess({ pid, output, stdin: null, exited });
 * ```
 */
export function spawnedProcess(pipes: SpawnedPipes): SpawnedProcess {
  const group = new GroupHandle(pipes.pid, pipes.exited);
  return {
    ...pipes,
    signalGroup: (signal) => group.signal(signal),
    signalGroupNow: (signal) => group.signalNow(signal),
    groupMembers: () => group.members(),
    groupStats: async () => memberStats(await group.details()),
    listeningSockets: async (pids) => listeningSockets(pids ?? (await group.details()).map((m) => m.pid)),
    get groupAlive() {
      return group.alive;
    },
  };
}
