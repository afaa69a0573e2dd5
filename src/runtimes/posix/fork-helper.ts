/**
 * Starts children from a small resident Perl process instead of the server (docs/performance.md, "Fork helper").
 * Node forks the whole server for every child (libuv has no vfork on Linux): ~1 ms of the server's CPU that grows
 * with its memory, blocking its event loop. The helper (fork-helper-script.ts) forks itself instead, makes the
 * child's real pipes, and reports the exit as `waitpid` saw it; the server opens its own ends of the pipes through
 * `/proc/<helper>/fd/N`, as it does with the pipe maker's. Without Perl, or on a kernel without `pidfd_open`, it
 * answers `null` and the spawner forks as before.
 *
 * If the helper dies (only SIGKILL or the OOM killer can end it: it ignores the rest), the children it was
 * parent of cannot be waited for any more: their groups are killed and each is reported ended by SIGKILL, and the
 * next start gets a new helper. When the server dies, the helper sees EOF and exits; the watchdog ends the groups.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { constants as os } from "node:os";
import process from "node:process";
import { type ExitStatus, SpawnError, type SpawnRequest } from "../../core/spawner.ts";
import { FORK_HELPER_SCRIPT } from "./fork-helper-script.ts";
import { closeQuietly } from "./pipe-maker.ts";

/**
 * Turns our non-blocking ends of a child's pipes (output's read end, stdin's write end or `null`) into streams;
 * it may take `spareFds` more descriptors of its own (Bun dups each one it adopts).
 */
export interface Adopter<T> {
  adopt(output: number, stdin: number | null): T;
  spareFds: number;
}

/** A child the helper started: its pid and the streams over its pipes. */
export interface HelperChild<T> {
  pid: number;
  streams: T;
  exited: Promise<ExitStatus>;
  /** Called when the helper died before this child ended: its group must be killed; `exited` then settles. */
  onOrphaned(kill: () => Promise<unknown>): void;
}

interface Pending {
  started(pid: number, fds: number[]): void;
  failed(error: Error): void;
  exited(status: ExitStatus): void;
  orphaned(): void;
}

const SIGNAL_NAMES = new Map(Object.entries(os.signals).map(([name, n]) => [n, name]));
const ERRNO_NAMES = new Map(Object.entries(os.errno).map(([name, n]) => [n, name]));

/**
 * One resident helper, started on first use and again after it died.
 * @example
 * ```ts
 * const adopter = { spareFds: 0, adopt: (output: number, stdin: number | null) => ({ output, stdin }) };
 * const child = await new ForkHelper().spawn(request, "/bin/sh", adopter); // null: fork in process instead
 * ```
 */
export class ForkHelper {
  #helper: ChildProcess | null = null;
  #ready: Promise<boolean> | null = null;
  /** Set once the helper could not start at all: no Perl, or no pidfd_open. */
  #unavailable = false;
  readonly #pending = new Map<string, Pending>();
  #nextId = 0;

  /**
   * Starts `shell -c command` through the helper, or answers `null` when there is none (the caller forks).
   * @throws {SpawnError} when the OS refused the start (a missing cwd, out of descriptors); nothing ran.
   */
  async spawn<T>(request: SpawnRequest, shell: string, adopter: Adopter<T>): Promise<HelperChild<T> | null> {
    // NUL separates the order's fields: one inside a field would shorten the command or add a variable. Refused
    // as the runtimes' own spawns refuse it (a C string cannot hold one).
    if (hasNul(request)) throw new SpawnError('Cannot start "sh": a NUL byte in the command, cwd or environment');
    const helper = this.#unavailable ? null : this.#started();
    if (!helper || !(await this.#ready)) return null;
    // The descriptors we open once the child runs are taken now: out of them then, the child would run unread.
    const reserved = reserveFds((request.stdin ? 2 : 1) * (1 + adopter.spareFds));
    const id = String(this.#nextId++);
    const stdout = helper.stdout as unknown as { ref?: () => void; unref?: () => void };
    // Referenced while a child of the helper starts or runs, as a child of ours keeps the event loop alive.
    stdout.ref?.();
    const done = () => {
      this.#pending.delete(id);
      if (this.#pending.size === 0) stdout.unref?.();
    };
    let settleExit!: (status: ExitStatus) => void;
    const exited = new Promise<ExitStatus>((resolve) => (settleExit = resolve));
    let killOrphan: (() => Promise<unknown>) | null = null;
    return new Promise<HelperChild<T>>((resolve, reject) => {
      const refuse = (error: Error) => {
        for (const fd of reserved) closeQuietly(fd);
        done();
        reject(error);
      };
      this.#pending.set(id, {
        started: (pid, fds) => {
          for (const fd of reserved) closeSync(fd);
          try {
            const output = openEnd(helper.pid!, fds[0]!, constants.O_RDONLY);
            const stdin = fds[1] === undefined ? null : openEnd(helper.pid!, fds[1], constants.O_WRONLY);
            const streams = adopter.adopt(output, stdin);
            killOrphan = async () => {};
            resolve({ pid, streams, exited, onOrphaned: (kill) => (killOrphan = kill) });
          } catch (cause) {
            // Cannot happen with the descriptors reserved; if it does, the child must not run unread. Its exit
            // still comes and ends the entry; the reserved descriptors are closed already.
            killOrphan = async () => {};
            process.kill(-pid, "SIGKILL");
            reject(new SpawnError(`Cannot start "sh": ${(cause as Error).message}`, { cause }));
          } finally {
            writeOrder(helper, ["c", id]);
          }
        },
        failed: refuse,
        exited: (status) => {
          done();
          settleExit(status);
        },
        orphaned: () => {
          if (!killOrphan) return refuse(new SpawnError('Cannot start "sh": the fork helper exited during the start'));
          done();
          void killOrphan().finally(() => settleExit({ exitCode: null, signal: "SIGKILL" }));
        },
      });
      const fields = ["s", id, request.cwd, request.stdin ? "1" : "0", shell, request.command];
      for (const [key, value] of Object.entries(request.env)) fields.push(`${key}=${value}`);
      writeOrder(helper, fields);
    });
  }

  #started(): ChildProcess | null {
    if (this.#helper) return this.#helper;
    let helper: ChildProcess;
    try {
      helper = spawn("perl", ["-e", FORK_HELPER_SCRIPT], { detached: true, stdio: ["pipe", "pipe", "ignore"] });
    } catch {
      // Out of descriptors or processes just now: this start forks itself, and the next one tries again.
      return null;
    }
    helper.unref();
    // Its answers keep the event loop alive only while a start waits for them or a child of the helper runs.
    const stdout = helper.stdout as unknown as { unref?: () => void };
    (helper.stdin as unknown as { unref?: () => void }).unref?.();
    helper.stdin!.on("error", () => {});
    let ready!: (ok: boolean) => void;
    this.#ready = new Promise<boolean>((resolve) => (ready = resolve));
    let everReady = false;
    let buffered = "";
    helper.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        if (line === "r") {
          everReady = true;
          if (this.#pending.size === 0) stdout.unref?.();
          ready(true);
        } else this.#answer(line.split(" "));
      }
    });
    const gone = () => {
      if (this.#helper !== helper) return;
      this.#helper = null;
      // Never ready: no Perl (ENOENT), or a kernel without pidfd_open. The spawner forks itself from now on.
      if (!everReady) this.#unavailable = true;
      ready(false);
      for (const pending of [...this.#pending.values()]) pending.orphaned();
    };
    helper.on("error", gone);
    helper.on("exit", gone);
    this.#helper = helper;
    return helper;
  }

  #answer([kind, id, a, b, c]: string[]): void {
    const pending = this.#pending.get(id ?? "");
    if (!pending) return;
    if (kind === "p") pending.started(Number(a), [b, c].filter((fd) => fd !== undefined).map(Number));
    else if (kind === "x") pending.exited({ exitCode: Number(a), signal: null });
    else if (kind === "k") pending.exited({ exitCode: null, signal: SIGNAL_NAMES.get(Number(a)) ?? `SIG${a}` });
    else if (kind === "e") pending.failed(helperError(Number(a), b));
  }
}

/** The error of a start the helper refused; `code` as a runtime's own spawn error would carry it. */
function helperError(errno: number, stage: string | undefined): Error {
  const code = ERRNO_NAMES.get(errno) ?? `E${errno}`;
  const what = stage === "c" ? "chdir" : stage === "x" ? "exec" : "fork";
  return Object.assign(new Error(`${what} failed: ${code}`), { code });
}

function hasNul(request: SpawnRequest): boolean {
  if (request.command.includes("\0") || request.cwd.includes("\0")) return true;
  for (const [key, value] of Object.entries(request.env)) if (key.includes("\0") || value.includes("\0")) return true;
  return false;
}

/** One order, in one write: `<byte length>\n<fields joined by NUL>`. */
function writeOrder(helper: ChildProcess, fields: string[]): void {
  const payload = fields.join("\0");
  helper.stdin!.write(`${Buffer.byteLength(payload)}\n${payload}`);
}

/** Our own description of the helper's descriptor `fd`, non-blocking. */
function openEnd(helperPid: number, fd: number, mode: number): number {
  return openSync(`/proc/${helperPid}/fd/${fd}`, mode | constants.O_NONBLOCK);
}

/** `count` descriptors held on /dev/null. @throws {SpawnError} when there are not that many left. */
function reserveFds(count: number): number[] {
  const fds: number[] = [];
  try {
    for (let i = 0; i < count; i++) fds.push(openSync("/dev/null", "r"));
    return fds;
  } catch (cause) {
    for (const fd of fds) closeSync(fd);
    throw new SpawnError(`Cannot start "sh": ${(cause as Error).message}`, { cause });
  }
}
