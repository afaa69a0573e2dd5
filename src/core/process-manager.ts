/**
 * The process manager: starts, finds, waits on, signals and forgets processes. It receives a spawner and never
 * looks at the runtime itself.
 * @module
 */
import { nanoid } from "nanoid";
import { notFound, ProcessApiError } from "./errors.ts";
import type { ChatScope } from "../http/chat-headers.ts";
import { groupSurvivors } from "./group-survivors.ts";
import { resolveLimits, type Limits } from "./limits.ts";
import { ManagedProcess, type StartParams } from "./managed-process.ts";
import type { ProcessInfo, SignalResponse } from "../wire/response-schemas.ts";
import { SIGNALS, type StartRequest, type WireSignal } from "../wire/request-schemas.ts";
import { SpawnError, type Spawner } from "./spawner.ts";
import { TokenIndex } from "./token-index.ts";
import { waitFor } from "./wait.ts";
import { resolveWorkdir } from "./workdir.ts";

/** Turns the server's environment into the base environment of every child (coder's `updateEnv`). */
export type EnvHook = (env: Record<string, string>) => Record<string, string> | Promise<Record<string, string>>;

/** How to build a manager. */
export interface ProcessManagerOptions {
  spawner: Spawner;
  limits?: Partial<Limits>;
  /** Default working directory; used when it exists, else `$HOME`, else the server's cwd. */
  workdir?: string;
  /** The base environment of every child (default: the server's). */
  env?: Record<string, string | undefined>;
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
 * const manager = new ProcessManager({ spawner: createSpawner() });
 * const { process } = await manager.start({ command: "echo hi" }, { chatId: null, ancestorIds: [] });
 * await manager.waitForExit(process, 1000);
 * ```
 */
export class ProcessManager {
  readonly limits: Limits;
  /** Requests blocked in a wait and open output streams, so a test or an operator can see nothing leaks. */
  readonly activity = { waiters: 0, streams: 0, stdin_writes: 0 };
  private readonly records = new Map<string, ManagedProcess>();
  /** Exited ids in exit order, so the oldest exit is reaped first. */
  private readonly exitOrder = new Set<string>();
  private readonly tokens = new TokenIndex();
  private readonly now: () => number;
  private readonly reaper: ReturnType<typeof setInterval>;
  private seq = 0;
  /** Spawns under way: they count against the running limit, and shutdown waits for them. */
  private readonly spawning = new Set<Promise<ManagedProcess>>();
  /** Kept as a count so the running limit costs nothing per start, however many records are kept. */
  private running = 0;
  private closing: Promise<void> | null = null;

  private readonly options: ProcessManagerOptions;

  constructor(options: ProcessManagerOptions) {
    this.options = options;
    this.limits = resolveLimits(options.limits);
    this.now = options.now ?? Date.now;
    this.reaper = setInterval(() => this.reap(), Math.min(30_000, Math.max(1000, this.limits.retentionMs / 4)));
    // Do not keep an embedding program alive for the reaper alone (Deno's timers are numbers, without unref).
    (this.reaper as { unref?: () => void }).unref?.();
  }

  /** True once `close()` was called; starts then fail with `shutting_down`. */
  get closed(): boolean {
    return this.closing !== null;
  }

  /** Starts a process, or attaches to the one its `client_token` already started (API.md 3.1, 4.1). */
  async start(request: StartRequest, scope: ChatScope): Promise<StartResult> {
    this.assertOpen();
    const params = await this.startParams(request);
    const token = request.client_token ?? null;
    if (token === null) return { process: await this.spawn(params, scope), started: true };
    return this.tokens.claim(scope.chatId, token, params, () => this.spawn(params, scope), (id) => this.records.get(id));
  }

  /** The records a scope sees: running first, then newest start first (API.md 3.2, 4.2). */
  list(scope: ChatScope, options: { limit?: number; running?: boolean } = {}): ProcessInfo[] {
    this.reap();
    const visible: ManagedProcess[] = [];
    for (const proc of this.records.values()) {
      if (!this.visible(proc, scope)) continue;
      if (options.running !== undefined && proc.running !== options.running) continue;
      visible.push(proc);
    }
    visible.sort((a, b) => Number(b.running) - Number(a.running) || b.startedAtMs - a.startedAtMs || b.seq - a.seq);
    return visible.slice(0, options.limit ?? 10).map((p) => p.info());
  }

  /** The record `id` as `scope` may see it; else 404, the same for an unknown id and another chat's. */
  get(id: string, scope: ChatScope): ManagedProcess {
    const proc = this.records.get(id);
    if (!proc || !this.visible(proc, scope)) throw notFound(id);
    return proc;
  }

  /** Waits until `proc` exits, `ms` pass or `signal` aborts; `true` when it exited. */
  async waitForExit(proc: ManagedProcess, ms: number, signal?: AbortSignal): Promise<boolean> {
    if (!proc.running) return true;
    this.activity.waiters++;
    try {
      return await waitFor(proc.exited, Math.min(ms, this.limits.maxWaitMs), signal);
    } finally {
      this.activity.waiters--;
    }
  }

  /** Waits until `proc` has bytes past `offset` or exits, `ms` pass or `signal` aborts. */
  async waitForOutput(proc: ManagedProcess, offset: number, ms: number, signal?: AbortSignal): Promise<boolean> {
    const giveUp = new AbortController();
    const arrived = proc.outputPast(offset, giveUp.signal);
    this.activity.waiters++;
    try {
      // Not capped by maxWaitMs: the route already bounds `wait_ms`, and a stream's heartbeat wait is no request
      // wait (capped at 0 it would spin, writing heartbeats as fast as the client reads).
      return await waitFor(arrived, ms, signal);
    } finally {
      giveUp.abort();
      this.activity.waiters--;
    }
  }

  /** Signals the group of `id` (API.md 3.4, 4.4); with `waitMs`, waits for the group to empty and reports it. */
  async signal(id: string, scope: ChatScope, name: WireSignal, waitMs?: number | null): Promise<SignalResponse> {
    const proc = this.get(id, scope);
    const message = `Signal ${JSON.stringify(name)} sent to process ${JSON.stringify(id)}.`;
    // An exited record whose group still has members is signalable; with no member left it is 409.
    const delivered = (proc.running || (await this.groupAlive(proc))) && proc.signal(SIGNALS[name]);
    if (!delivered) throw new ProcessApiError("not_running", `Process ${JSON.stringify(id)} is not running.`);
    if (waitMs === undefined || waitMs === null) return { message };
    const survivors = await groupSurvivors(this.options.spawner, proc.child.pid, proc.exited, waitMs);
    const info = proc.info();
    const reply: SignalResponse = { message, exited: !proc.running && survivors.length === 0, survivors };
    if (info.exit_code !== undefined) reply.exit_code = info.exit_code;
    if (info.signal !== undefined) reply.signal = info.signal;
    return reply;
  }

  /** Writes to the stdin of `id` and optionally closes it (API.md 4.6). */
  async writeStdin(id: string, scope: ChatScope, data: Uint8Array, eof: boolean, signal?: AbortSignal): Promise<number> {
    const proc = this.get(id, scope);
    const closed = () => new ProcessApiError("stdin_closed", `Process ${JSON.stringify(id)} has no open stdin.`);
    if (!proc.stdinWriter || !proc.running) throw closed();
    this.activity.stdin_writes++;
    let result: Awaited<ReturnType<ManagedProcess["writeStdin"]>>;
    try {
      result = await proc.writeStdin(data, eof, this.limits.maxWaitMs, signal);
    } finally {
      this.activity.stdin_writes--;
    }
    if (result === "closed") throw closed();
    if (result === "stalled") {
      throw new ProcessApiError(
        "stdin_closed",
        `Process ${JSON.stringify(id)} did not read its stdin in time.`,
        "The data stays queued and is written if the process reads; further writes wait behind it.",
      );
    }
    return data.byteLength;
  }

  /** Removes an exited record and its output (API.md 4.8). */
  delete(id: string, scope: ChatScope): void {
    const proc = this.get(id, scope);
    if (proc.running) throw new ProcessApiError("still_running", `Process ${JSON.stringify(id)} is still running.`);
    this.forget(proc);
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
    for (const proc of this.records.values()) proc.signal("SIGKILL");
  }

  private async shutdown(graceMs: number): Promise<void> {
    clearInterval(this.reaper);
    await Promise.allSettled([...this.spawning]);
    const procs = [...this.records.values()];
    for (const proc of procs) proc.signal("SIGTERM");
    const all = Promise.all(procs.map((p) => p.exited));
    await waitFor(all, graceMs);
    for (const proc of procs) proc.signal("SIGKILL");
    await all;
    for (const proc of procs) proc.dispose();
  }

  private assertOpen(): void {
    if (this.closing) throw new ProcessApiError("shutting_down", "The server is shutting down; no new process starts.");
  }

  private visible(proc: ManagedProcess, scope: ChatScope): boolean {
    return scope.chatId === null || proc.chatId === scope.chatId;
  }

  private async groupAlive(proc: ManagedProcess): Promise<boolean> {
    return (await this.options.spawner.liveGroupMembers(proc.child.pid)).length > 0;
  }

  private async startParams(request: StartRequest): Promise<StartParams> {
    const workdir = await resolveWorkdir(request.workdir ?? null, this.options.workdir ?? null, this.baseEnv());
    return {
      command: request.command,
      workdir,
      env: request.env ?? {},
      background: request.background ?? false,
      timeoutMs: request.timeout_ms ?? null,
      killGraceMs: request.kill_grace_ms ?? this.limits.killGraceMs,
      stdin: request.stdin ?? false,
    };
  }

  private baseEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.options.env ?? {})) if (v !== undefined) env[k] = v;
    return env;
  }

  private async spawn(params: StartParams, scope: ChatScope): Promise<ManagedProcess> {
    if (this.running + this.spawning.size >= this.limits.maxRunning) {
      throw new ProcessApiError("too_many_processes", `At most ${this.limits.maxRunning} processes may run at once.`);
    }
    const spawned = this.spawnNow(params, scope);
    this.spawning.add(spawned);
    try {
      return await spawned;
    } finally {
      this.spawning.delete(spawned);
    }
  }

  private async spawnNow(params: StartParams, scope: ChatScope): Promise<ManagedProcess> {
    let env = this.baseEnv();
    if (this.options.updateEnv) env = await this.options.updateEnv(env);
    env = { ...env, ...params.env };
    if (scope.chatId !== null) env.CODER_CHAT_ID = scope.chatId;
    this.assertOpen();
    const child = await this.options.spawner
      .spawn({ command: params.command, cwd: params.workdir, env, stdin: params.stdin })
      .catch((err: unknown) => {
        const detail = err instanceof SpawnError || err instanceof Error ? err.message : String(err);
        throw new ProcessApiError("start_failed", "Failed to start process.", detail);
      });
    const proc = new ManagedProcess(nanoid(), this.seq++, params, scope.chatId, child, this.limits, this.now);
    this.records.set(proc.id, proc);
    this.running++;
    if (params.timeoutMs !== null) proc.armTimeout(params.timeoutMs, params.killGraceMs);
    void proc.exited.then(() => this.onExit(proc));
    return proc;
  }

  private onExit(proc: ManagedProcess): void {
    this.running--;
    if (!this.records.has(proc.id)) return;
    this.exitOrder.add(proc.id);
    this.reap();
  }

  private reap(): void {
    const cutoff = this.now() - this.limits.retentionMs;
    for (const id of this.exitOrder) {
      const proc = this.records.get(id);
      const tooMany = this.exitOrder.size > this.limits.maxExitedRecords;
      if (proc && !tooMany && (proc.exitedAtMs ?? 0) >= cutoff) break;
      if (proc) this.forget(proc);
      else this.exitOrder.delete(id);
    }
  }

  private forget(proc: ManagedProcess): void {
    proc.dispose();
    this.records.delete(proc.id);
    this.exitOrder.delete(proc.id);
    this.tokens.forget(proc.id);
  }
}
