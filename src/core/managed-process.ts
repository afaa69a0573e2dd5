/**
 * One process record: the spawned shell, its output log, its state, and the promises its waiters block on.
 * @module
 */
import { OutputLog } from "../output/output-log.ts";
import type { ProcessInfo } from "../wire/response-schemas.ts";
import type { ExitStatus, SignalName, SpawnedProcess } from "./spawner.ts";
import type { Limits } from "./limits.ts";
import { MAX_TIMER_MS, waitFor } from "./wait.ts";

/** What a record was started with; a `client_token` repeat must match it exactly. */
export interface StartParams {
  command: string;
  workdir: string;
  env: Record<string, string>;
  background: boolean;
  timeoutMs: number | null;
  killGraceMs: number;
  stdin: boolean;
}

/**
 * A process the manager tracks, from spawn until its record is reaped.
 * @example
 * ```ts
 * const proc = new ManagedProcess("id", 1, params, null, child, limits, Date.now);
 * await proc.exited;
 * ```
 */
export class ManagedProcess {
  readonly log: OutputLog;
  readonly startedAtMs: number;
  running = true;
  timedOut = false;
  exitStatus: ExitStatus | null = null;
  exitedAtMs: number | null = null;
  lastOutputAtMs: number | null = null;
  stdinWriter: WritableStreamDefaultWriter<Uint8Array> | null = null;
  /** Settles once the record is exited (API.md 3.5); never rejects. */
  readonly exited: Promise<void>;
  private markExited!: () => void;
  private outputWaiters = new Set<() => void>();
  private stdinTail: Promise<void> = Promise.resolve();
  private timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  private killTimer: ReturnType<typeof setTimeout> | undefined;

  readonly id: string;
  /** Start order, to sort records that started in the same millisecond. */
  readonly seq: number;
  readonly params: StartParams;
  readonly chatId: string | null;
  readonly child: SpawnedProcess;
  private readonly now: () => number;

  constructor(
    id: string,
    seq: number,
    params: StartParams,
    chatId: string | null,
    child: SpawnedProcess,
    limits: Limits,
    now: () => number,
  ) {
    this.id = id;
    this.seq = seq;
    this.params = params;
    this.chatId = chatId;
    this.child = child;
    this.now = now;
    this.startedAtMs = now();
    this.log = new OutputLog({ headBytes: limits.headBytes, tailBytes: limits.tailBytes, windowBytes: limits.windowBytes });
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    if (child.stdin) this.stdinWriter = child.stdin.getWriter();
    const pumped = this.pump();
    void child.exited.then((status) => this.afterShellExit(status, pumped, limits.pipeGraceMs));
  }

  /** The record as `list` and `GET /{id}` report it. */
  info(): ProcessInfo {
    const info: ProcessInfo = {
      id: this.id,
      command: this.params.command,
      workdir: this.params.workdir,
      background: this.params.background,
      running: this.running,
      started_at_unix: Math.floor(this.startedAtMs / 1000),
      pid: this.child.pid,
      timed_out: this.timedOut,
      started_at_ms: this.startedAtMs,
      total_bytes: this.log.totalBytes,
      stdin_open: this.stdinWriter !== null,
    };
    if (this.exitStatus) {
      info.exit_code = this.exitStatus.exitCode ?? -1;
      if (this.exitStatus.signal) info.signal = this.exitStatus.signal;
    }
    if (this.exitedAtMs !== null) {
      info.exited_at_unix = Math.floor(this.exitedAtMs / 1000);
      info.exited_at_ms = this.exitedAtMs;
    }
    if (this.lastOutputAtMs !== null) info.last_output_at_ms = this.lastOutputAtMs;
    return info;
  }

  /**
   * Settles once more than `offset` bytes exist, or the record exits. When `giveUp` aborts, the waiter is
   * forgotten: an idle process polled or streamed for hours must not collect one waiter per timed-out wait.
   */
  outputPast(offset: number, giveUp?: AbortSignal): Promise<void> {
    if (!this.running || this.log.totalBytes > offset) return Promise.resolve();
    return new Promise((resolve) => {
      const forget = () => this.outputWaiters.delete(check);
      const check = () => {
        if (!this.running || this.log.totalBytes > offset) {
          forget();
          giveUp?.removeEventListener("abort", forget);
          resolve();
        }
      };
      this.outputWaiters.add(check);
      giveUp?.addEventListener("abort", forget, { once: true });
    });
  }

  /** Arms the timeout of API.md 4.1: SIGTERM to the group, SIGKILL after the grace. */
  armTimeout(timeoutMs: number, graceMs: number): void {
    // A longer timer would fire at once (see MAX_TIMER_MS): wait in steps.
    const step = Math.min(timeoutMs, MAX_TIMER_MS);
    this.timeoutTimer = setTimeout(() => {
      if (step < timeoutMs) return this.armTimeout(timeoutMs - step, graceMs);
      this.timedOut = true;
      this.child.signalGroup("SIGTERM");
      // Kept past the shell's exit: a descendant that ignores TERM still gets its KILL.
      this.killTimer = setTimeout(() => this.child.signalGroup("SIGKILL"), Math.min(graceMs, MAX_TIMER_MS));
    }, step);
  }

  /** Sends a signal to the group; `false` when no member is left. */
  signal(signal: SignalName): boolean {
    return this.child.signalGroup(signal);
  }

  /** Cancels the timers of this record (when it is dropped). */
  dispose(): void {
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.killTimer);
  }

  /**
   * Writes `data` to stdin in request order, then optionally closes it. One request writes at a time and only
   * once the pipe has drained the previous one, so a child that never reads holds at most one request's bytes.
   * @returns `"stalled"` when `ms` passed or `signal` aborted first (the bytes may still be written later),
   * `"closed"` when there is no open stdin or the child closed it.
   */
  async writeStdin(data: Uint8Array, eof: boolean, ms: number, signal?: AbortSignal): Promise<"ok" | "closed" | "stalled"> {
    const previous = this.stdinTail;
    let release!: () => void;
    this.stdinTail = new Promise((resolve) => (release = resolve));
    try {
      if (!(await waitFor(previous, ms, signal))) return "stalled";
      const writer = this.stdinWriter;
      if (!writer) return "closed";
      if (!(await waitFor(writer.ready, ms, signal))) return "stalled";
      if (data.byteLength > 0) {
        let failed = false;
        const written = writer.write(data).catch(() => void (failed = true));
        if (!(await waitFor(written, ms, signal))) return "stalled";
        if (failed) {
          this.stdinWriter = null;
          return "closed";
        }
      }
      if (eof) await this.closeStdin();
      return "ok";
    } finally {
      // A request that gave up before its turn keeps the order: the next one goes after the one before it.
      void previous.then(release);
    }
  }

  /** Closes stdin (EOF) and forgets the writer. */
  async closeStdin(): Promise<void> {
    const writer = this.stdinWriter;
    this.stdinWriter = null;
    if (writer) await writer.close().catch(() => undefined);
  }

  private async pump(): Promise<void> {
    // From a byte stream, read into one reused buffer: no garbage per chunk, as the log copies what it keeps.
    const byob = byobReader(this.child.output);
    const plain = byob ? null : (this.child.output.getReader() as ReadableStreamDefaultReader<Uint8Array>);
    let buffer = new ArrayBuffer(byob ? FIRST_READ_BYTES : 0);
    try {
      for (;;) {
        const { done, value } = byob
          ? ((await byob.read(new Uint8Array(buffer))) as { done: boolean; value?: Uint8Array })
          : await plain!.read();
        if (done || !value) break;
        // A full read asks for a bigger buffer, so an idle process holds little and a busy one reads a pipe's worth.
        // Taken before anything else: the read took the old buffer over, so it must not be handed out again.
        if (byob) buffer = nextBuffer(value.buffer as ArrayBuffer, value.byteLength);
        // After the pipe grace the log is ended but the pipe is still drained, so a descendant that keeps writing
        // keeps running (API.md 3.5) instead of dying of SIGPIPE.
        if (this.log.ended) continue;
        this.log.append(value);
        this.lastOutputAtMs = this.now();
        if (this.outputWaiters.size > 0) for (const check of [...this.outputWaiters]) check();
      }
    } catch {
      // A pipe error ends capture like EOF does; the exit status still comes from the shell.
    }
  }

  private async afterShellExit(status: ExitStatus, pumped: Promise<void>, pipeGraceMs: number): Promise<void> {
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const graceMs = Math.min(pipeGraceMs, MAX_TIMER_MS);
    const grace = new Promise<"grace">((resolve) => (graceTimer = setTimeout(() => resolve("grace"), graceMs)));
    await Promise.race([pumped, grace]);
    clearTimeout(graceTimer);
    // If the grace won, a descendant holds the pipe (section 3.5): capture stops here, as the log ends; it stays
    // signalable through its group.
    clearTimeout(this.timeoutTimer);
    this.exitStatus = status;
    this.exitedAtMs = this.now();
    this.running = false;
    this.log.end();
    for (const check of [...this.outputWaiters]) check();
    if (this.stdinWriter) {
      const writer = this.stdinWriter;
      this.stdinWriter = null;
      void writer.abort().catch(() => undefined);
    }
    this.markExited();
  }
}

/** Bytes of a process's first read from a byte stream; each full read doubles it, up to a pipe's 64 KiB. */
const FIRST_READ_BYTES = 4096;
const MAX_READ_BYTES = 64 * 1024;

/** The buffer for the next read: the one just read into (the read took it over), or a twice bigger one. */
function nextBuffer(used: ArrayBuffer, filled: number): ArrayBuffer {
  return filled === used.byteLength && used.byteLength < MAX_READ_BYTES ? new ArrayBuffer(used.byteLength * 2) : used;
}

/** A BYOB reader when `stream` is a byte stream (the Deno spawner's), else `null`. */
function byobReader(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | null {
  try {
    return stream.getReader({ mode: "byob" });
  } catch {
    return null;
  }
}
