/**
 * The process manager: starts, finds, waits on, signals and forgets processes. It receives a spawner and never
 * looks at the runtime itself.
 * @module
 */
import { nanoid } from "nanoid";
import { ActivityCounters, type Activity } from "./activity.ts";
import type { ChatScope } from "./chat-scope.ts";
import { baseEnv, childEnv, type BaseEnv, type EnvHook } from "./child-env.ts";
import { notFound, ProcessApiError, stdinBusy, stdinClosed, stillRunning } from "./errors.ts";
import { groupSurvivors } from "./process-group.ts";
import type { Host } from "./host.ts";
import { checkOutputBudget, OutputBudget } from "../output/output-budget.ts";
import { resolveLimits, type Limits } from "./limits.ts";
import { ManagedProcess } from "./managed-process.ts";
import { RecordTable } from "./record-table.ts";
import type { SignalName, Spawner, TtySize } from "./spawner.ts";
import { withDefaults, type StartOptions, type StartParams } from "./start-params.ts";
import { resizeTerminal, spawnRequest, startFailure } from "./terminal.ts";
import { TokenIndex } from "./token-index.ts";
import { waitFor } from "./wait.ts";
import { resolveWorkdir } from "./workdir.ts";

export type { Activity } from "./activity.ts";
export type { EnvHook } from "./child-env.ts";

/** What a signal did: the record, and with a wait the pids of its group still alive at the end. */
export interface SignalOutcome {
  process: ManagedProcess;
  /** `null` when the caller did not wait. */
  survivors: number[] | null;
}

/** How to build a manager. */
export interface ProcessManagerOptions {
  spawner: Spawner;
  /** The machine's answers (is this a directory, the home dir, the cwd). */
  host: Host;
  limits?: Partial<Limits>;
  /** Default working directory; used when it exists, else `$HOME`, else the server's cwd. */
  workdir?: string;
  /**
   * The base environment of every child (default: none). A function is asked once per start for a fresh copy:
   * the server's live environment is passed so (`serverEnvironment()`), read in one step where the runtime can.
   */
  env?: BaseEnv;
  updateEnv?: EnvHook;
  /** The clock, for tests. */
  now?: () => number;
}

/** The result of a start: the record and whether this call spawned it. */
export interface StartResult {
  process: ManagedProcess;
  started: boolean;
}

/**
 * Tracks every process of one server.
 * @example
 * ```ts
 * const manager = new ProcessManager({ spawner: createSpawner(), host: posixHost });
 * const { process } = await manager.start({ command: "echo hi" }, { chatId: null, ancestorIds: [] });
 * await manager.waitForExit(process, 1000);
 * ```
 */
export class ProcessManager {
  readonly limits: Limits;
  readonly #activity = new ActivityCounters();
  private readonly tokens = new TokenIndex();
  private readonly records = new RecordTable((proc) => this.tokens.forget(proc.id));
  /** The output memory of every record (docs/api.md §5); reported by `/healthz`. */
  readonly outputBudget: OutputBudget;
  private readonly now: () => number;
  private readonly reaper: ReturnType<typeof setInterval>;
  private seq = 0;
  /** Spawns under way: they count against the running limit, and shutdown waits for them. */
  private readonly spawning = new Set<Promise<ManagedProcess>>();
  private running = 0; // a count, so the running limit costs nothing per start however many records are kept
  private closing: Promise<void> | null = null;
  private readonly options: ProcessManagerOptions;

  constructor(options: ProcessManagerOptions) {
    this.options = options;
    this.limits = resolveLimits(options.limits);
    const tooSmall = checkOutputBudget(this.limits);
    if (tooSmall) throw new RangeError(tooSmall);
    this.outputBudget = new OutputBudget(this.limits.maxOutputBytes);
    this.outputBudget.onEvict(() => this.records.dropOldestExited());
    this.now = options.now ?? Date.now;
    this.reaper = setInterval(() => void this.sweep(), Math.min(30_000, Math.max(1000, this.limits.retentionMs / 4)));
    // Do not keep an embedding program alive for the reaper alone (Deno's timers are numbers, without unref).
    (this.reaper as { unref?: () => void }).unref?.();
  }

  /** What is in flight now, so a test or an operator can see nothing leaks. */
  get activity(): Readonly<Activity> {
    return this.#activity.snapshot();
  }

  /** Counts one more of `kind` in flight until the returned release is called ({@link ActivityCounters.hold}). */
  hold(kind: keyof Activity): () => void {
    return this.#activity.hold(kind);
  }

  /** True once `close()` was called; starts then fail with `shutting_down`. */
  get closed(): boolean {
    return this.closing !== null;
  }

  /** Starts a process, or attaches to the one its `clientToken` already started (docs/api.md §3.1, §4.1). */
  async start(request: StartOptions, scope: ChatScope): Promise<StartResult> {
    this.assertOpen();
    const base = baseEnv(this.options.env);
    const params = await this.startParams(request, base);
    const token = request.clientToken ?? null;
    const spawn = () => this.spawn(params, base, scope);
    if (token === null) return { process: await spawn(), started: true };
    return this.tokens.claim(scope.chatId, token, params, spawn, (id) => this.records.get(id));
  }

  /** The records a scope sees: running first, then newest start first (docs/api.md §3.2, §4.2). */
  list(scope: ChatScope, options: { limit?: number; running?: boolean } = {}): ManagedProcess[] {
    this.reap();
    const visible: ManagedProcess[] = [];
    for (const proc of this.records.values()) {
      if (!this.visible(proc, scope)) continue;
      if (options.running !== undefined && proc.running !== options.running) continue;
      visible.push(proc);
    }
    visible.sort((a, b) => Number(b.running) - Number(a.running) || b.startedAtMs - a.startedAtMs || b.seq - a.seq);
    return visible.slice(0, options.limit ?? 10);
  }

  /** The record `id` as `scope` may see it; else 404, the same for an unknown id and another chat's. */
  get(id: string, scope: ChatScope): ManagedProcess {
    const proc = this.records.get(id);
    if (!proc || !this.visible(proc, scope)) throw notFound(id);
    return proc;
  }

  /** True when `id` is a record of another chat than `scope`'s (coder answers it 404 before reading a body). */
  ownedElsewhere(id: string, scope: ChatScope): boolean {
    const proc = this.records.get(id);
    return proc !== undefined && !this.visible(proc, scope);
  }

  /** Waits until `proc` exits, `ms` pass or `signal` aborts; `true` when it exited. */
  async waitForExit(proc: ManagedProcess, ms: number, signal?: AbortSignal): Promise<boolean> {
    if (!proc.running) return true;
    const release = this.hold("waiters");
    try {
      return await waitFor(proc.exited, Math.min(ms, this.limits.maxWaitMs), signal);
    } finally {
      release();
    }
  }

  /** Waits until `proc` has bytes past `offset` or exits, `ms` pass or `signal` aborts. */
  async waitForOutput(proc: ManagedProcess, offset: number, ms: number, signal?: AbortSignal): Promise<boolean> {
    const giveUp = new AbortController();
    const arrived = proc.outputPast(offset, giveUp.signal);
    const release = this.hold("waiters");
    try {
      // Not capped by maxWaitMs: the route already bounds `wait_ms`, and a stream's heartbeat wait is no request
      // wait (capped at 0 it would spin, writing heartbeats as fast as the client reads).
      return await waitFor(arrived, ms, signal);
    } finally {
      giveUp.abort();
      release();
    }
  }

  /** Signals the group of `id` (docs/api.md §3.4, §4.4); with `waitMs`, waits for the group to empty. */
  async signal(id: string, scope: ChatScope, signal: SignalName, waitMs?: number | null): Promise<SignalOutcome> {
    const proc = this.get(id, scope);
    // An exited record whose group still has members is signalable; with no member of its own left it is 409.
    const delivered = await proc.signal(signal);
    if (!delivered) throw new ProcessApiError("not_running", `Process ${JSON.stringify(id)} is not running.`);
    if (waitMs === undefined || waitMs === null) return { process: proc, survivors: null };
    return { process: proc, survivors: await groupSurvivors(() => proc.groupMembers(), proc.exited, waitMs) };
  }

  /** Writes to the stdin of `id` and optionally closes it (docs/api.md §4.6). */
  async writeStdin(id: string, scope: ChatScope, data: Uint8Array, eof: boolean, signal?: AbortSignal): Promise<number> {
    const proc = this.get(id, scope);
    if (!proc.stdinOpen || !proc.running) throw stdinClosed(id, "closed");
    const release = this.hold("stdin_writes");
    let result: Awaited<ReturnType<ManagedProcess["writeStdin"]>>;
    try {
      result = await proc.writeStdin(data, eof, this.limits.maxWaitMs, signal);
    } finally {
      release();
    }
    if (result === "busy") throw stdinBusy(id, proc.stdinQueuedBytes, data.byteLength, this.limits.maxStdinQueueBytes);
    if (result !== "ok") throw stdinClosed(id, result);
    return data.byteLength;
  }

  /** Resizes the terminal of `id` (docs/api.md §4.11). */
  resize = (id: string, scope: ChatScope, size: TtySize): Promise<void> =>
    resizeTerminal(this.get(id, scope), size);

  /** Removes an exited record and its output (docs/api.md §4.8). */
  async delete(id: string, scope: ChatScope): Promise<void> {
    const proc = this.get(id, scope);
    if (proc.running) throw stillRunning(id, 0);
    const members = proc.groupAlive ? await proc.groupMembers() : [];
    if (members.length > 0) throw stillRunning(id, members.length);
    if (this.records.get(id) === proc) this.records.forget(proc);
  }

  /** How many records are running, and how many exist. */
  counts(): { running: number; total: number } {
    return { running: this.running, total: this.records.size };
  }

  /**
   * Refuses new starts, SIGTERMs every group, SIGKILLs after the grace, and waits for every record to exit.
   * Idempotent: later calls return the same promise.
   */
  close(graceMs = this.limits.killGraceMs): Promise<void> {
    this.closing ??= this.shutdown(graceMs);
    return this.closing;
  }

  /** SIGKILLs every group at once, synchronously: the last resort of a server that is exiting. */
  killAllNow(): void {
    for (const proc of this.records.values()) proc.signalNow("SIGKILL");
  }

  private async shutdown(graceMs: number): Promise<void> {
    clearInterval(this.reaper);
    await Promise.allSettled([...this.spawning]);
    const procs = [...this.records.values()];
    await Promise.all(procs.map((p) => p.signal("SIGTERM")));
    const all = Promise.all(procs.map((p) => p.exited));
    await waitFor(all, graceMs);
    await Promise.all(procs.map((p) => p.signal("SIGKILL")));
    await all;
    for (const proc of procs) proc.dispose();
  }

  private assertOpen(): void {
    if (this.closing) throw new ProcessApiError("shutting_down", "The server is shutting down; no new process starts.");
  }

  private visible(proc: ManagedProcess, scope: ChatScope): boolean {
    return scope.chatId === null || proc.chatId === scope.chatId;
  }

  private async startParams(request: StartOptions, base: Record<string, string>): Promise<StartParams> {
    const { host, workdir: configured } = this.options;
    const workdir = await resolveWorkdir(host, request.workdir ?? null, configured ?? null, base);
    return withDefaults(request, workdir, this.limits.killGraceMs);
  }

  private async spawn(params: StartParams, base: Record<string, string>, scope: ChatScope): Promise<ManagedProcess> {
    if (this.running + this.spawning.size >= this.limits.maxRunning) {
      throw new ProcessApiError("too_many_processes", `At most ${this.limits.maxRunning} processes may run at once.`);
    }
    const spawned = this.spawnNow(params, base, scope);
    this.spawning.add(spawned);
    try {
      return await spawned;
    } finally {
      this.spawning.delete(spawned);
    }
  }

  private async spawnNow(params: StartParams, base: Record<string, string>, scope: ChatScope): Promise<ManagedProcess> {
    const env = await childEnv(base, this.options.updateEnv, params.env, scope.chatId);
    this.assertOpen();
    const child = await this.options.spawner.spawn(spawnRequest(params, env)).catch((err: unknown) => {
      throw startFailure(err);
    });
    const { limits, now, outputBudget } = this;
    const proc = new ManagedProcess(nanoid(), this.seq++, params, scope.chatId, child, limits, now, outputBudget);
    this.records.add(proc);
    this.running++;
    if (params.timeoutMs !== null) proc.armTimeout(params.timeoutMs, params.killGraceMs);
    void proc.exited.then(() => this.onExit(proc));
    return proc;
  }

  private onExit(proc: ManagedProcess): void {
    this.running--;
    if (this.records.exited(proc)) this.reap();
  }

  /** Proves the groups of exited records still ours (a stranger's reused pgid counts as gone), then reaps. */
  private async sweep(): Promise<void> {
    await Promise.all([...this.records.lingering()].map((proc) => proc.groupMembers()));
    this.reap();
  }

  private reap(): void {
    this.records.reap(this.now() - this.limits.retentionMs, this.limits.maxExitedRecords);
  }
}
