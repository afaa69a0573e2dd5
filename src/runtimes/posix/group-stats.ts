/**
 * What a group's members are doing, from `/proc` (docs/api.md §4.12 liveness, §4.5 `until=port`): CPU, memory and
 * the TCP sockets they listen on. Uses `node:fs`, which behaves the same on Node, Bun and Deno (Linux only).
 * @module
 */
import { readFileSync } from "node:fs";
import { readdir, readFile, readlink } from "node:fs/promises";
import type { ListeningSocket, MemberStats } from "../../core/spawner.ts";
import { TICKS_PER_SECOND, type GroupMember } from "./process-group.ts";

const PAGE_BYTES = pageSize();

/** The page size from the auxiliary vector (`AT_PAGESZ` = 6), as the kernel gave it to this process. */
function pageSize(): number {
  try {
    const auxv = readFileSync("/proc/self/auxv");
    const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
    for (let at = 0; at + 16 <= view.byteLength; at += 16) {
      if (view.getBigUint64(at, true) === 6n) return Number(view.getBigUint64(at + 8, true));
    }
  } catch {
    // No /proc: no stats either.
  }
  return 4096;
}

/**
 * Members as the API reports them: CPU in milliseconds, resident memory in bytes.
 * @example
 * ```ts
 * memberStats(await handle.details()); // [{ pid: 42, state: "S", cpuMs: 10, rssBytes: 3_276_800 }]
 * ```
 */
export function memberStats(members: GroupMember[]): MemberStats[] {
  return members.map((m) => ({
    pid: m.pid,
    state: m.state,
    cpuMs: (m.cpuTicks * 1000) / TICKS_PER_SECOND,
    rssBytes: m.rssPages * PAGE_BYTES,
  }));
}

/**
 * How long a read of the socket tables is reused while the members hold no socket it did not see. Reading
 * `/proc/net/tcp` costs the kernel a walk of its whole TCP hash table (3.4 ms of CPU per file on a 24 GiB VM, even
 * with one socket), so a wait polling every 100 ms reads it at most twice a second, and at once for a new socket.
 */
const TABLE_REUSE_MS = 500;

/** The last read of the LISTEN sockets of one network namespace. */
interface ListenTable {
  namespace: string;
  readAt: number;
  /**
   * The socket inodes that existed at that read (every one in the tables, and the asking members'): a socket not
   * among them is new and may listen already.
   */
  sockets: Set<string>;
  /** LISTEN socket inode → local port and address. */
  listening: Map<string, { port: number; address: string }>;
}
let lastTable: ListenTable | null = null;

/**
 * The TCP sockets in state LISTEN that `pids` hold open, IPv4 and IPv6, ascending by port: each pid's fds
 * (`/proc/<pid>/fd`, links `socket:[inode]`) against the socket table of the first pid's network namespace
 * (`/proc/<pid>/net/tcp` and `tcp6`, read again after {@link TABLE_REUSE_MS} or when a new socket shows up). A pid
 * that is gone, or whose fds may not be read, holds none; members that hold no socket cost no table read.
 * @example
 * ```ts
 * await listeningSockets([4242]); // [{ port: 8000, address: "0.0.0.0", pid: 4242 }]
 * ```
 */
export async function listeningSockets(pids: number[]): Promise<ListeningSocket[]> {
  if (pids.length === 0) return [];
  const owners = await socketOwners(pids);
  if (owners.size === 0) return [];
  const table = await listenTable(pids[0]!, new Set(owners.keys()));
  const found: ListeningSocket[] = [];
  for (const [inode, pid] of owners) {
    const socket = table.get(inode);
    if (socket) found.push({ ...socket, pid });
  }
  return found.sort((a, b) => a.port - b.port || a.pid - b.pid || a.address.localeCompare(b.address));
}

async function listenTable(pid: number, sockets: Set<string>): Promise<Map<string, { port: number; address: string }>> {
  const namespace = await readlink(`/proc/${pid}/ns/net`).catch(() => "");
  const last = lastTable;
  const fresh = last && last.namespace === namespace && performance.now() - last.readAt < TABLE_REUSE_MS;
  if (fresh && [...sockets].every((inode) => last.sockets.has(inode))) return last.listening;
  const readAt = performance.now();
  sockets = new Set(sockets);
  const [v4, v6] = await Promise.all([
    readFile(`/proc/${pid}/net/tcp`, "latin1").catch(() => ""),
    readFile(`/proc/${pid}/net/tcp6`, "latin1").catch(() => ""),
  ]);
  const listening = new Map<string, { port: number; address: string }>();
  for (const table of [v4, v6]) {
    for (const line of table.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl, local_address, rem_address, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode; 0A is LISTEN.
      if (fields.length < 10) continue;
      sockets.add(fields[9]!);
      if (fields[3] !== "0A") continue;
      const [hex, portHex] = fields[1]!.split(":");
      listening.set(fields[9]!, { port: parseInt(portHex!, 16), address: formatAddress(hex!) });
    }
  }
  lastTable = { namespace, readAt, sockets, listening };
  return listening;
}

/** Socket inode → the first of `pids` holding it. */
async function socketOwners(pids: number[]): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  const perPid = await Promise.all(
    pids.map(async (pid) => {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
      const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => "")));
      return { pid, links };
    }),
  );
  for (const { pid, links } of perPid) {
    for (const link of links) {
      if (!link.startsWith("socket:[")) continue;
      const inode = link.slice(8, -1);
      if (!owners.has(inode)) owners.set(inode, pid);
    }
  }
  return owners;
}

/** `/proc/net/tcp{,6}`'s address: 32-bit words in host order (little-endian on the machines Linux runs on). */
function formatAddress(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(hex.slice(word + b, word + b + 2), 16));
  }
  if (bytes.length === 4) return bytes.join(".");
  const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isMapped) return `::ffff:${bytes.slice(12).join(".")}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  return compressIpv6(groups);
}

/** RFC 5952 text: lowercase hex, the longest run of two or more zero groups as `::`. */
function compressIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const text = groups.map((g) => g.toString(16));
  if (bestStart === -1) return text.join(":");
  return `${text.slice(0, bestStart).join(":")}::${text.slice(bestStart + bestLength).join(":")}`;
}
