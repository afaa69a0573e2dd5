/**
 * The spawner on `node:child_process`: native on Node, and a fallback that behaves the same under Bun and Deno.
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { type ExitStatus, type SpawnedProcess, type Spawner, type SpawnRequest } from "../../core/spawner.ts";
import { spawnedProcess } from "../posix/group-handle.ts";
import { SHELL, shellScript } from "../posix/shell.ts";
import { spawnFailure } from "../posix/spawn-failure.ts";

/** Bytes the output stream queues before it pauses the pipe (the kernel pipe then fills and the child blocks). */
const OUTPUT_HIGH_WATER_MARK = 256 * 1024;

/**
 * A {@link Spawner} on `node:child_process`.
 * @example
 * ```ts
 * const proc = await createNodeSpawner().spawn({ command: "echo hi", cwd: "/tmp", env: {}, stdin: false });
 * console.log(await new Response(proc.output).text(), await proc.exited);
 * ```
 */
export function createNodeSpawner(): Spawner {
  return { name: "node", spawn: spawnNode };
}

async function spawnNode(request: SpawnRequest): Promise<SpawnedProcess> {
  let child: ChildProcess;
  try {
    child = spawn(SHELL, ["-c", shellScript(request.command)], {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: [request.stdin ? "pipe" : "ignore", "pipe", "ignore"],
    });
    // Node throws some errnos (ENOTDIR, EACCES) synchronously but reports ENOENT later as an 'error' event.
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
  } catch (cause) {
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
  return spawnedProcess({
    pid,
    output: readableOf(child.stdout as Readable),
    stdin: child.stdin ? writableOf(child.stdin) : null,
    exited,
  });
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
