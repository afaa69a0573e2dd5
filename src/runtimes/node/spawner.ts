/**
 * The spawner on `node:child_process`: native on Node, and a fallback that behaves the same under Bun and Deno.
 * @module
 */

import { type ChildProcess, spawn, type StdioOptions } from "node:child_process";
import { Socket } from "node:net";
import process from "node:process";
import type { Readable, Writable } from "node:stream";
import type { ExitStatus, SpawnedProcess, Spawner, SpawnRequest, TtyUnavailableError } from "../../core/spawner.ts";
import { bunGlobal } from "../bun/bun-api.ts";
import { fdReadable, fdWritable } from "../bun/fd-streams.ts";
import { ForkHelper, type HelperChild } from "../posix/fork-helper.ts";
import { closeQuietly, type PipeEnds, PipeMaker } from "../posix/pipe-maker.ts";
import { spawnedProcess } from "../posix/group-handle.ts";
import { findScript, withScriptTty } from "../posix/script-tty.ts";
import { mergedStderrArgs, SHELL } from "../posix/shell.ts";
import { keepFdsForSpawn, spawnFailure } from "../posix/spawn-failure.ts";

/** Bytes the output stream queues before it pauses the pipe (the kernel pipe then fills and the child blocks). */
const OUTPUT_HIGH_WATER_MARK = 256 * 1024;

/**
 * A {@link Spawner} on `node:child_process`; a terminal comes from `script(1)` (`scriptPath`, found by default;
 * `null`: none, a terminal start then fails with a {@link TtyUnavailableError}).
 * @example
 * ```ts
 * const proc = await createNodeSpawner().spawn({ command: "echo hi", cwd: "/tmp", env: {}, stdin: false });
 * console.log(await new Response(proc.output).text(), await proc.exited);
 * ```
 */
export function createNodeSpawner(options: NodeSpawnerOptions = {}): Spawner {
  const made = process.versions.deno === undefined ? new MadePipeStdio() : null;
  const stdio = made ?? new DenoStdio();
  // Deno cannot adopt a descriptor as a stream, so it has no fork helper; Bun's node:child_process does not fork.
  const helper = made && (options.forkHelper ?? process.versions.bun === undefined) ? new ForkHelper() : null;
  const pipes: Spawner = {
    name: "node",
    spawn: async (request) => (helper && made && (await viaHelper(helper, made, request))) || spawnNode(stdio, request),
  };
  return withScriptTty(pipes, options.scriptPath === undefined ? findScript() : options.scriptPath);
}

/** Options of {@link createNodeSpawner}. */
export interface NodeSpawnerOptions {
  /** script(1)'s path for terminals; found by default; `null`: none, a terminal start fails. */
  scriptPath?: string | null;
  /**
   * Fork children from a resident Perl helper instead of this process (posix/fork-helper.ts), when Perl is there.
   * Default: on Node (whose spawn forks the whole process); not under Bun, whose `node:child_process` spawns
   * without a fork and is faster than the helper's round trip (scripts/bench/floor/fork-helper.ts). Deno has none.
   */
  forkHelper?: boolean;
}

/** A start through the fork helper, or `null` when there is none (the caller forks itself). */
async function viaHelper(
  helper: ForkHelper,
  stdio: MadePipeStdio,
  request: SpawnRequest,
): Promise<SpawnedProcess | null> {
  let child: HelperChild<Pick<SpawnedProcess, "output" | "stdin">> | null;
  try {
    child = await helper.spawn(request, SHELL, stdio);
  } catch (cause) {
    throw await spawnFailure(cause, request.cwd);
  }
  if (!child) return null;
  const proc = spawnedProcess({ pid: child.pid, ...child.streams, outputIsByteStream: false, exited: child.exited });
  child.onOrphaned(() => proc.signalGroup("SIGKILL"));
  return proc;
}

async function spawnNode(stdio: Stdio, request: SpawnRequest): Promise<SpawnedProcess> {
  const plan = await stdio.plan(request.command, request.stdin);
  let child: ChildProcess;
  try {
    // Bun's node:child_process forks before it opens its pidfd, like Bun.spawn; Node and Deno open all first.
    if (process.versions.bun !== undefined) keepFdsForSpawn();
    child = spawn(SHELL, plan.args, { cwd: request.cwd, env: request.env, detached: true, stdio: plan.stdio });
  } catch (cause) {
    plan.abandon();
    throw await spawnFailure(cause, request.cwd);
  } finally {
    plan.spawned();
  }
  try {
    // Node throws some errnos (ENOTDIR, EACCES) synchronously but reports ENOENT later as an 'error' event.
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
  } catch (cause) {
    plan.abandon();
    throw await spawnFailure(cause, request.cwd);
  }
  // Later 'error' events (a failed kill) must not crash the process; the contract reports exits only.
  child.on("error", () => {});
  const pid = child.pid as number;
  const exited = new Promise<ExitStatus>((resolve) => {
    // 'exit', not 'close': a grandchild may hold the pipe open long after the shell is gone.
    child.once("exit", (code, signal) => {
      resolve(signal ? { exitCode: null, signal } : { exitCode: code, signal: null });
    });
  });
  return spawnedProcess({ pid, ...plan.streams(child), outputIsByteStream: false, exited });
}

/** How one start's stdio is set up, handed over and read. */
interface StdioPlan {
  /** Arguments of {@link SHELL}. */
  args: string[];
  stdio: StdioOptions;
  /** Called once `spawn()` returned or threw: the child has its copies of our fds by then. */
  spawned(): void;
  /** The start failed: close what is ours. */
  abandon(): void;
  streams(child: ChildProcess): Pick<SpawnedProcess, "output" | "stdin">;
}

interface Stdio {
  plan(command: string, stdin: boolean): Promise<StdioPlan>;
}

/**
 * On Node and Bun, real pipes from the {@link PipeMaker} (the runtimes' `"pipe"` is a socketpair): fd 1 and
 * fd 2 share one, so the shell runs exactly `sh -c command`. On Node a `net.Socket` over our non-blocking end
 * polls it on the event loop (a `node:fs` stream would park a libuv thread on every idle pipe: four idle
 * children stall all file I/O); Bun's `node:net` cannot adopt an fd, so under Bun `Bun.file(fd)` does, as in the
 * Bun spawner.
 */
class MadePipeStdio implements Stdio {
  readonly #bun = process.versions.bun !== undefined;
  readonly #pipes = new PipeMaker();
  /** Bun's `Bun.file(fd)` dups the descriptor it adopts. */
  readonly spareFds = this.#bun ? 1 : 0;

  async plan(command: string, stdin: boolean): Promise<StdioPlan> {
    const output = await this.#pipes.outputPipe();
    let input: PipeEnds | null = null;
    try {
      input = stdin ? await this.#pipes.inputPipe() : null;
    } catch (error) {
      closeQuietly(output.ours);
      closeQuietly(output.theirs);
      throw error;
    }
    const ends = input;
    return {
      args: ["-c", command],
      stdio: [ends ? ends.theirs : "ignore", output.theirs, output.theirs],
      spawned() {
        closeQuietly(output.theirs);
        if (ends) closeQuietly(ends.theirs);
      },
      abandon() {
        closeQuietly(output.ours);
        if (ends) closeQuietly(ends.ours);
      },
      streams: () => this.adopt(output.ours, ends ? ends.ours : null),
    };
  }

  /** Streams over our non-blocking ends: the output pipe's read end and the stdin pipe's write end. */
  adopt(output: number, stdin: number | null): Pick<SpawnedProcess, "output" | "stdin"> {
    return {
      output: this.#bun
        ? fdReadable(bunGlobal("the node spawner under Bun"), output)
        : readableOf(new Socket({ fd: output, readable: true, writable: false })),
      stdin:
        stdin === null
          ? null
          : this.#bun
            ? fdWritable(bunGlobal("the node spawner under Bun"), stdin)
            : writableOf(new Socket({ fd: stdin, readable: false, writable: true })),
    };
  }
}

/**
 * Under Deno, whose `node:child_process` gives real pipes already but leaks an extra copy of an fd handed over in
 * `stdio` into the child (a background job would then hold the pipe open): the Deno spawner's way, a shell that
 * puts stderr on stdout and execs `sh -c command`.
 */
class DenoStdio implements Stdio {
  async plan(command: string, stdin: boolean): Promise<StdioPlan> {
    return {
      args: mergedStderrArgs(command),
      stdio: [stdin ? "pipe" : "ignore", "pipe", "ignore"],
      spawned() {},
      abandon() {},
      streams: (child) => ({
        output: readableOf(child.stdout as Readable),
        stdin: child.stdin ? writableOf(child.stdin) : null,
      }),
    };
  }
}

/**
 * A pull-driven Web stream over a Node pipe: 'data' events, paused while the queue is full.
 * Faster than `Readable.toWeb` (see scripts/spawn-ingest.ts) with the same bounded memory.
 */
function readableOf(pipe: Readable): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        pipe.on("data", (chunk: Buffer) => {
          // A plain view, so `slice()` copies as consumers of a Uint8Array expect (Buffer's would share memory).
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) pipe.pause();
        });
        pipe.once("end", () => {
          if (!done) controller.close();
          done = true;
        });
        pipe.on("error", (error) => {
          if (!done) controller.error(error);
          done = true;
        });
      },
      pull() {
        pipe.resume();
      },
      cancel() {
        done = true;
        pipe.destroy();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: OUTPUT_HIGH_WATER_MARK }),
  );
}

/** A Web stream over a Node pipe; each write settles when the OS took the bytes, so a full pipe holds the writer. */
function writableOf(pipe: Writable): WritableStream<Uint8Array> {
  // EPIPE from a child that exited arrives as an 'error' event too; the failed write already reports it.
  pipe.on("error", () => {});
  return new WritableStream<Uint8Array>({
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        pipe.write(chunk, (error) => (error ? reject(error) : resolve()));
      }),
    close: () => new Promise<void>((resolve) => pipe.end(() => resolve())),
    abort: () => {
      pipe.destroy();
    },
  });
}
