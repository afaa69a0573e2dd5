/**
 * A spawner whose processes the test drives by hand: write output, exit, close the pipe. For unit tests of the
 * manager and the HTTP layer only; the end-to-end suite uses real processes.
 * @module
 */
import type { ExitStatus, SignalName, SpawnedProcess, Spawner, SpawnRequest } from "../../src/core/spawner.ts";
import { SpawnError } from "../../src/core/spawner.ts";
import { after } from "node:test";
import { createProcessApi, type ProcessApi, type ProcessApiOptions } from "../../src/create-process-api.ts";

/** One fake process. */
export class FakeProcess implements SpawnedProcess {
  readonly output: ReadableStream<Uint8Array>;
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly exited: Promise<ExitStatus>;
  readonly signals: SignalName[] = [];
  readonly stdinChunks: Uint8Array[] = [];
  stdinClosed = false;
  /** The manager stopped capture (section 3.5's pipe grace). */
  cancelled = false;
  /** Group members that outlive the shell, as `groupMembers` reports them. */
  survivors: number[] = [];
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private resolveExit!: (status: ExitStatus) => void;
  private shellAlive = true;
  private pipeOpen = true;
  /** Settles every write the child has not "read" yet; see {@link holdStdin}. */
  private stdinGate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => {};

  readonly pid: number;
  readonly request: SpawnRequest;
  /** What a signal does: by default the shell dies of it and the pipe closes. */
  onSignal: (proc: FakeProcess, signal: SignalName) => void;

  constructor(pid: number, request: SpawnRequest, onSignal?: (proc: FakeProcess, signal: SignalName) => void) {
    this.pid = pid;
    this.request = request;
    this.onSignal = onSignal ?? ((p, s) => p.die(s));
    this.output = new ReadableStream({
      start: (c) => void (this.controller = c),
      cancel: () => {
        this.pipeOpen = false;
        this.cancelled = true;
      },
    });
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.stdin = request.stdin
      ? new WritableStream({
          write: (chunk) => {
            this.stdinChunks.push(chunk);
            return this.stdinGate;
          },
          close: () => void (this.stdinClosed = true),
          abort: () => void (this.stdinClosed = true),
        })
      : null;
  }

  /** The child stops reading its stdin: writes stay pending until {@link releaseStdin}. */
  holdStdin(): void {
    this.stdinGate = new Promise((resolve) => (this.openGate = resolve));
  }

  /** The child reads everything written so far, and what comes next. */
  releaseStdin(): void {
    this.openGate();
    this.stdinGate = Promise.resolve();
  }

  write(text: string | Uint8Array): void {
    this.controller.enqueue(typeof text === "string" ? new TextEncoder().encode(text) : text);
  }

  /** The shell exits; the pipe stays open unless `closePipe` is called. */
  exit(exitCode: number | null, signal: string | null = null): void {
    this.shellAlive = false;
    this.resolveExit({ exitCode, signal });
  }

  closePipe(): void {
    if (!this.pipeOpen) return;
    this.pipeOpen = false;
    this.controller.close();
  }

  /** Exit and close the pipe: a process that simply finished. */
  finish(exitCode = 0): void {
    this.exit(exitCode);
    this.closePipe();
  }

  die(signal: SignalName): void {
    this.survivors = [];
    this.exit(null, signal);
    this.closePipe();
  }

  async signalGroup(signal: SignalName): Promise<boolean> {
    return this.deliver(signal);
  }

  signalGroupNow(signal: SignalName): void {
    this.deliver(signal);
  }

  async groupMembers(): Promise<number[]> {
    return this.survivors;
  }

  get groupAlive(): boolean {
    return this.shellAlive || this.survivors.length > 0;
  }

  private deliver(signal: SignalName): boolean {
    if (!this.shellAlive && this.survivors.length === 0) return false;
    this.signals.push(signal);
    this.onSignal(this, signal);
    return true;
  }
}

/** A spawner of {@link FakeProcess}es. */
export class FakeSpawner implements Spawner {
  readonly name = "fake";
  readonly processes: FakeProcess[] = [];
  failWith: string | null = null;
  onSignal?: (proc: FakeProcess, signal: SignalName) => void;
  private nextPid = 1000;

  async spawn(request: SpawnRequest): Promise<FakeProcess> {
    if (this.failWith) throw new SpawnError(this.failWith);
    const proc = new FakeProcess(this.nextPid++, request, this.onSignal);
    this.processes.push(proc);
    return proc;
  }


  get last(): FakeProcess {
    const proc = this.processes.at(-1);
    if (!proc) throw new Error("nothing was spawned");
    return proc;
  }
}

/**
 * A builder of process APIs over a {@link FakeSpawner} and an empty environment, each closed after the calling test
 * file: call it at the file's top level.
 * @example
 * ```ts
 * const build = fakeApis();
 * const api = build({ token: "t" });
 * ```
 */
export function fakeApis(): (options?: ProcessApiOptions) => ProcessApi {
  const apis: ProcessApi[] = [];
  after(async () => {
    for (const api of apis) await api.close();
  });
  return (options = {}) => {
    const api = createProcessApi({ spawner: new FakeSpawner(), env: {}, ...options });
    apis.push(api);
    return api;
  };
}
