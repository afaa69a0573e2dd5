/**
 * The spawner contract: how edgeproc starts a shell, reads its output, writes its stdin and signals its group.
 * The core owns this port; one implementation per runtime lives in `src/runtimes/`, and nothing else touches a
 * runtime's subprocess API.
 * @module
 */

/** The signals edgeproc sends, by their POSIX names. */
export type SignalName = "SIGKILL" | "SIGTERM" | "SIGINT" | "SIGHUP";

/** What to run and how. */
export interface SpawnRequest {
  /** Run as `sh -c <command>`. */
  command: string;
  /** Working directory; the caller has checked that it exists. */
  cwd: string;
  /** The child's whole environment (it replaces the parent's, on every runtime). */
  env: Record<string, string>;
  /** `true`: stdin is a pipe ({@link SpawnedProcess.stdin}); `false`: `/dev/null`. */
  stdin: boolean;
  /**
   * Run on a pseudo-terminal of this size instead of pipes: fds 0, 1 and 2 are the terminal, the shell leads a new
   * session with it as its controlling terminal, `output` is the terminal's byte stream and `stdin` always writes
   * to it (whatever {@link stdin} says).
   */
  tty?: TtySize | null;
}

/** A terminal's size in character cells. */
export interface TtySize {
  cols: number;
  rows: number;
}

/** How a process ended. Exactly one of `exitCode` and `signal` is non-null. */
export interface ExitStatus {
  /** The exit code of a normal exit (`exit 137` gives 137 and no signal). */
  exitCode: number | null;
  /** The signal that ended the process, e.g. `"SIGKILL"`. */
  signal: string | null;
}

/** One live member of a group, for liveness (docs/api.md §4.12). */
export interface MemberStats {
  pid: number;
  /** The state letter of `/proc/<pid>/stat`: R, S, D, T, t, I, ... */
  state: string;
  /** User + system CPU time so far. */
  cpuMs: number;
  rssBytes: number;
}

/** A TCP socket in state LISTEN that a member of a group holds. */
export interface ListeningSocket {
  port: number;
  /** The local address: `0.0.0.0`, `127.0.0.1`, `::`, `::1`, `::ffff:127.0.0.1`... */
  address: string;
  pid: number;
}

/** A running shell, leader of its own session and process group (pgid = pid). */
export interface SpawnedProcess {
  /** The shell's pid, which is also its process group id. */
  readonly pid: number;
  /** stdout and stderr of the whole group in the order written, one pipe. Cancel it to stop capture. */
  readonly output: ReadableStream<Uint8Array>;
  /**
   * Whether {@link output} is a byte stream, read into our own buffers; unset: found out by trying, and on Node a
   * failed try costs ~45 µs (the error formats its message).
   */
  readonly outputIsByteStream?: boolean;
  /** The stdin pipe when requested, else `null`. Closing it sends EOF. */
  readonly stdin: WritableStream<Uint8Array> | null;
  /** Settles when the shell itself exits (its descendants may live on); never rejects. */
  readonly exited: Promise<ExitStatus>;
  /**
   * Sends `signal` to the whole process group while it is provably still the group this spawn created: once the
   * group has been seen empty, or its id may belong to another process's group, nothing is signalled again.
   * Never rejects.
   * @returns `true` when delivered, `false` when the group is gone or the OS refused.
   */
  signalGroup(signal: SignalName): Promise<boolean>;
  /** {@link signalGroup} synchronously, for a server that is exiting; never throws. */
  signalGroupNow(signal: SignalName): void;
  /** The pids of the group's live members (zombies count as gone); `[]` once the group is gone. */
  groupMembers(): Promise<number[]>;
  /** True while the group may still have members (cheap; {@link groupMembers} proves it). */
  readonly groupAlive: boolean;
  /** The group's live members with their CPU and memory; `[]` once the group is gone. */
  groupStats?(): Promise<MemberStats[]>;
  /**
   * The TCP sockets the group's live members listen on (or those of `pids`, members found by {@link groupStats});
   * `[]` once the group is gone.
   */
  listeningSockets?(pids?: number[]): Promise<ListeningSocket[]>;
  /**
   * A terminal's new size (the foreground job gets SIGWINCH); present for a {@link SpawnRequest.tty} spawn only.
   * @throws {Error} when the terminal is gone.
   */
  resize?(size: TtySize): Promise<void>;
}

/** Starts processes with one runtime's own API. */
export interface Spawner {
  /** Which API this is: `"node"`, `"bun"` or `"deno"`. */
  readonly name: string;
  /**
   * Starts `sh -c command` in a new session, stdout and stderr on one pipe.
   * @throws {SpawnError} when the OS refuses (every runtime's failure arrives here as a rejection).
   */
  spawn(request: SpawnRequest): Promise<SpawnedProcess>;
}

/**
 * The OS refused to start a process.
 * @example
 * ```ts
 * throw new SpawnError('Cannot start "sh": executable not found', { cause: err });
 * ```
 */
export class SpawnError extends Error {
  override name = "SpawnError";
}

/**
 * A terminal was asked for where this runtime or image cannot make one (no `script(1)` for the Node and Deno
 * spawners); nothing ran.
 * @example
 * ```ts
 * throw new TtyUnavailableError("script(1) from util-linux is not installed");
 * ```
 */
export class TtyUnavailableError extends SpawnError {
  override name = "TtyUnavailableError";
}
