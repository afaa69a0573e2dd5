/**
 * One process record: the spawned shell, its output log, its state, and the promises its waiters block on.
 * @module
 */
import type { OutputBudget } from "../output/output-budget.ts";
import { OutputLog, type CursorRead, type OutputSnapshot } from "../output/output-log.ts";
import type { Limits } from "./limits.ts";
import { pumpOutput } from "./output-pump.ts";
import type { ExitStatus, ListeningSocket, MemberStats, SignalName, SpawnedProcess, TtySize } from "./spawner.ts";
import type { StartParams } from "./start-params.ts";
import { StdinQueue, type StdinWriteResult } from "./stdin-queue.ts";
import { MAX_TIMER_MS } from "./wait.ts";

export type { StartParams } from "./start-params.ts";

/** Receives a chunk of output and the offset of its first byte. */
export type ChunkListener = (bytes: Uint8Array, offset: number) => void;

/**
 * A process the manager tracks, from spawn until its record is reaped. Its state is read-only outside: only the
 * record changes it, as the process runs and exits.
 * @example
 * ```ts
 * const proc = new ManagedProcess("id", 1, params, null, child, limits, Date.now, budget);
 * await proc.exited;
 * ```
 */
export class ManagedProcess {
  readonly id: string;
  /** Start order, to sort records that started in the same millisecond. */
  readonly seq: number;
  readonly params: StartParams;
  readonly chatId: string | null;
  /** The shell's pid, which is also its process group id. */
  readonly pid: number;
  readonly startedAtMs: number;
  /** Settles once the record is exited (docs/api.md §3.5); never rejects. */
  readonly exited: Promise<void>;
  #running = true;
  #timedOut = false;
  /** The terminal's size now, `null` for pipes. */
  #ttySize: TtySize | null;
  #exitStatus: ExitStatus | null = null;
  #exitedAtMs: number | null = null;
  #lastOutputAtMs: number | null = null;
  readonly #log: OutputLog;
  readonly #stdin: StdinQueue;
  readonly #child: SpawnedProcess;
  readonly #now: () => number;
  #markExited!: () => void;
  #outputWaiters = new Set<() => void>();
  #chunkListeners = new Set<ChunkListener>();
  #timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  #killTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    id: string,
    seq: number,
    params: StartParams,
    chatId: string | null,
    child: SpawnedProcess,
    limits: Limits,
    now: () => number,
    budget?: OutputBudget,
  ) {
    this.id = id;
    this.seq = seq;
    this.params = params;
    this.chatId = chatId;
    this.pid = child.pid;
    this.#child = child;
    this.#ttySize = params.tty;
    this.#now = now;
    this.startedAtMs = now();
    const { headBytes, tailBytes, windowBytes } = limits;
    this.#log = new OutputLog({ headBytes, tailBytes, windowBytes, budget });
    this.#stdin = new StdinQueue(child.stdin, limits.maxStdinQueueBytes);
    this.exited = new Promise((resolve) => (this.#markExited = resolve));
    const pumped = pumpOutput(child.output, (bytes) => this.#onOutput(bytes), child.outputIsByteStream);
    void child.exited.then((status) => this.#afterShellExit(status, pumped, limits.pipeGraceMs));
  }

  get running(): boolean {
    return this.#running;
  }
  /** True once the timeout of docs/api.md §4.1 fired. */
  get timedOut(): boolean {
    return this.#timedOut;
  }
  /** How the shell ended, once the record is exited. */
  get exitStatus(): ExitStatus | null {
    return this.#exitStatus;
  }
  get exitedAtMs(): number | null {
    return this.#exitedAtMs;
  }
  get lastOutputAtMs(): number | null {
    return this.#lastOutputAtMs;
  }
  get stdinOpen(): boolean {
    return this.#stdin.open;
  }

  /** Bytes of stdin writes not yet taken by the pipe. */
  get stdinQueuedBytes(): number {
    return this.#stdin.queuedBytes;
  }
  /** Waiters blocked on this record's next output: none is left once every wait has ended. */
  get outputWaiterCount(): number {
    return this.#outputWaiters.size;
  }
  /** Bytes written so far, the cursor of the next byte. */
  get totalBytes(): number {
    return this.#log.totalBytes;
  }

  /** The head + tail snapshot of docs/api.md §3.3. */
  snapshot(): OutputSnapshot {
    return this.#log.snapshot();
  }

  /** An incremental read of docs/api.md §4.5: up to `limit` bytes from `cursor`. */
  read(cursor: number, limit: number): CursorRead {
    return this.#log.read(cursor, limit);
  }

  /**
   * Settles once more than `offset` bytes exist, or the record exits. When `giveUp` aborts, the waiter is
   * forgotten: an idle process polled or streamed for hours must not collect one waiter per timed-out wait.
   */
  outputPast(offset: number, giveUp?: AbortSignal): Promise<void> {
    if (!this.#running || this.#log.totalBytes > offset) return Promise.resolve();
    return new Promise((resolve) => {
      const forget = () => this.#outputWaiters.delete(check);
      const check = () => {
        if (!this.#running || this.#log.totalBytes > offset) {
          forget();
          giveUp?.removeEventListener("abort", forget);
          resolve();
        }
      };
      this.#outputWaiters.add(check);
      giveUp?.addEventListener("abort", forget, { once: true });
    });
  }

  /**
   * Hands every chunk of output to `listener` as it is logged, with its offset (the bytes may be reused after the
   * call), until the returned function is called.
   */
  onOutputChunk(listener: ChunkListener): () => void {
    this.#chunkListeners.add(listener);
    return () => void this.#chunkListeners.delete(listener);
  }

  /** Raw retained bytes from `from` ({@link OutputLog.readBytes}). */
  readBytes(from: number, limit: number): { bytes: Uint8Array; start: number } {
    return this.#log.readBytes(from, limit);
  }

  /** Arms the timeout of docs/api.md §4.1: SIGTERM to the group, SIGKILL after the grace. */
  armTimeout(timeoutMs: number, graceMs: number): void {
    // A longer timer would fire at once (see MAX_TIMER_MS): wait in steps.
    const step = Math.min(timeoutMs, MAX_TIMER_MS);
    this.#timeoutTimer = setTimeout(() => {
      if (step < timeoutMs) return this.armTimeout(timeoutMs - step, graceMs);
      this.#timedOut = true;
      void this.signal("SIGTERM");
      // Kept past the shell's exit: a descendant that ignores TERM still gets its KILL (if the group is still ours).
      this.#killTimer = setTimeout(() => void this.signal("SIGKILL"), Math.min(graceMs, MAX_TIMER_MS));
    }, step);
  }

  /** Sends a signal to the group while it is still this record's; `false` when not delivered. */
  signal(signal: SignalName): Promise<boolean> {
    return this.#child.signalGroup(signal);
  }

  /** {@link signal} synchronously, for a server that is exiting. */
  signalNow(signal: SignalName): void {
    this.#child.signalGroupNow(signal);
  }

  /** True while this record's group may still have live members, after its shell exited too. */
  get groupAlive(): boolean {
    return this.#child.groupAlive;
  }

  /** The pids of this record's group still alive; `[]` once the group is gone. */
  groupMembers(): Promise<number[]> {
    return this.#child.groupMembers();
  }

  /** The group's live members with CPU and memory (docs/api.md §4.12); `[]` once the group is gone. */
  async groupStats(): Promise<MemberStats[]> {
    return this.groupAlive && this.#child.groupStats ? this.#child.groupStats() : [];
  }

  /** The TCP sockets the group's live members (or `pids` of them) listen on; `[]` once the group is gone. */
  async listeningSockets(pids?: number[]): Promise<ListeningSocket[]> {
    if (pids?.length === 0) return [];
    return this.groupAlive && this.#child.listeningSockets ? this.#child.listeningSockets(pids) : [];
  }

  /** Bytes of output memory this record holds (head and window). */
  get retainedBytes(): number {
    return this.#log.retainedBytes;
  }

  /** Cancels the timers of this record and returns its output memory to the budget (when it is dropped). */
  dispose(): void {
    clearTimeout(this.#timeoutTimer);
    clearTimeout(this.#killTimer);
    this.#log.release();
  }

  /**
   * Writes to stdin in request order, then optionally closes it (see {@link StdinQueue.write}). A terminal is never
   * closed: its end of input is the EOF character (Ctrl-D), which the line discipline turns into EOF for a reader.
   */
  writeStdin(data: Uint8Array, eof: boolean, ms: number, signal?: AbortSignal): Promise<StdinWriteResult> {
    if (this.#ttySize === null || !eof) return this.#stdin.write(data, eof, ms, signal);
    const withEof = new Uint8Array(data.byteLength + 1);
    withEof.set(data);
    withEof[data.byteLength] = 0x04;
    return this.#stdin.write(withEof, false, ms, signal);
  }

  /** The terminal's size now, `null` for pipes. */
  get ttySize(): TtySize | null {
    return this.#ttySize;
  }

  /** Resizes the terminal (the caller checked it is one and runs). */
  async resize(size: TtySize): Promise<void> {
    if (!this.#child.resize) throw new Error("the spawner cannot resize this process");
    await this.#child.resize(size);
    this.#ttySize = { ...size };
  }

  #onOutput(bytes: Uint8Array): void {
    // After the pipe grace the log is ended but the pipe is still drained, so a descendant that keeps writing
    // keeps running (docs/api.md §3.5) instead of dying of SIGPIPE.
    if (this.#log.ended) return;
    const offset = this.#log.totalBytes;
    this.#log.append(bytes);
    if (this.#chunkListeners.size > 0) for (const listener of [...this.#chunkListeners]) listener(bytes, offset);
    this.#lastOutputAtMs = this.#now();
    if (this.#outputWaiters.size > 0) for (const check of [...this.#outputWaiters]) check();
  }

  async #afterShellExit(status: ExitStatus, pumped: Promise<void>, pipeGraceMs: number): Promise<void> {
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const graceMs = Math.min(pipeGraceMs, MAX_TIMER_MS);
    const grace = new Promise<"grace">((resolve) => (graceTimer = setTimeout(() => resolve("grace"), graceMs)));
    await Promise.race([pumped, grace]);
    clearTimeout(graceTimer);
    // If the grace won, a descendant holds the pipe (docs/api.md §3.5): capture stops here, as the log ends; it
    // stays signalable through its group.
    clearTimeout(this.#timeoutTimer);
    this.#exitStatus = status;
    this.#exitedAtMs = this.#now();
    this.#running = false;
    this.#log.end();
    for (const check of [...this.#outputWaiters]) check();
    this.#stdin.abort();
    this.#markExited();
  }
}
