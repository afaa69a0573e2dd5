/**
 * The spawner on `Deno.Command`. Importing this file is safe on every runtime; only calling it needs Deno.
 * @module
 */

import { existsSync } from "node:fs";
import { type ExitStatus, type SpawnedProcess, type Spawner, type SpawnRequest, SpawnError } from "../../core/spawner.ts";
import { spawnedProcess } from "../posix/group-handle.ts";
import { findScript, withScriptTty } from "../posix/script-tty.ts";
import { mergedStderrArgs, SHELL } from "../posix/shell.ts";
import { spawnFailure } from "../posix/spawn-failure.ts";

/** The part of `Deno` used here (tsc runs without Deno's types). */
interface DenoLike {
  Command: new (
    command: string,
    options: {
      args: string[];
      cwd: string;
      env: Record<string, string>;
      clearEnv: boolean;
      detached: boolean;
      stdin: "piped" | "null";
      stdout: "piped";
      stderr: "null";
    },
  ) => { spawn(): DenoChild };
}

/** Bytes per read of the child's pipe: a pipe holds 64 KiB, so one read never needs more. */
const READ_SIZE = 64 * 1024;

/** What the shell writes first once it runs in its own session; the spawner consumes it. */
const READY = 0x2e; // "."

interface DenoChild {
  readonly pid: number;
  readonly stdin: WritableStream<Uint8Array>;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly status: Promise<{ code: number; signal: string | null }>;
}

/**
 * A {@link Spawner} on `Deno.Command` (needs `--allow-run`, and `--allow-read` for `/proc`); a terminal comes from
 * `script(1)` (src/runtimes/posix/script-tty.ts).
 * @throws {Error} when not running on Deno.
 * @example
 * ```ts
 * const proc = await createDenoSpawner().spawn({ command: "echo hi", cwd: "/tmp", env: {}, stdin: false });
 * console.log(await new Response(proc.output).text(), await proc.exited);
 * ```
 */
export function createDenoSpawner(): Spawner {
  const deno = (globalThis as unknown as { Deno?: DenoLike }).Deno;
  if (!deno) throw new Error("createDenoSpawner() needs the Deno runtime");
  const setsid = ["/usr/bin/setsid", "/bin/setsid"].find((path) => existsSync(path)) ?? null;
  // Deno has no terminal of its own (no PTY API; FFI would need --allow-ffi): script(1) makes one.
  return withScriptTty({ name: "deno", spawn: (request) => spawnDeno(deno, setsid, request) }, findScript());
}

/**
 * Deno's `detached: true` forks the whole runtime to call setsid() in the child, and a fork copies the page tables
 * of a large process: 4–9 ms of server CPU per spawn on our VMs, against ~1 ms for the posix_spawn Deno uses
 * otherwise (docs/performance.md). So the child makes its own session through `setsid(1)`, which it can since it
 * does not lead a group, and the first shell's byte, consumed here, says the new group exists before we return.
 * That shell then execs `sh -c command` (see {@link mergedStderrArgs}), so the command runs exactly as given.
 */
async function spawnDeno(deno: DenoLike, setsid: string | null, request: SpawnRequest): Promise<SpawnedProcess> {
  let child: DenoChild;
  try {
    child = new deno.Command(setsid ?? SHELL, {
      args: setsid ? [SHELL, ...mergedStderrArgs(request.command, true)] : mergedStderrArgs(request.command),
      cwd: request.cwd,
      env: request.env,
      // Deno merges `env` into the parent's environment unless told to clear it.
      clearEnv: true,
      detached: setsid === null,
      stdin: request.stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
  } catch (cause) {
    throw await spawnFailure(cause, request.cwd);
  }
  const reader = child.stdout.getReader({ mode: "byob" });
  let first = new Uint8Array(0);
  if (setsid) {
    // Small: it only has to hold the ready byte; what the command wrote meanwhile follows in later reads.
    const { done, value } = await reader.read(new Uint8Array(4096)).catch(() => ({ done: true, value: undefined }));
    if (done || value?.[0] !== READY) {
      const { code } = await child.status;
      throw new SpawnError(`Cannot start "sh": ${setsid} exited with status ${code} before the shell ran`);
    }
    first = value.slice(1);
  }
  const { pid } = child;
  // Deno reports a signal as code 128+n plus `signal`; `signal` tells it apart from `exit 143`.
  const exited = child.status.then(
    ({ code, signal }): ExitStatus => (signal === null ? { exitCode: code, signal: null } : { exitCode: null, signal }),
  );
  return spawnedProcess({
    pid,
    output: readableOf(reader, first),
    outputIsByteStream: true,
    stdin: request.stdin ? child.stdin : null,
    exited,
  });
}

/**
 * Deno's stdout as a byte stream. A BYOB read (what the manager does) goes straight into the reader's buffer: no
 * allocation per chunk, where Deno's default reader allocates each one and a 1 GiB ingest left ~55 MiB of garbage
 * (docs/performance.md). A default read is served from one reused buffer, copied out. Reads only when pulled, so an
 * idle consumer blocks the child. `first` is what the spawner's own first read got past the ready byte.
 */
function readableOf(reader: ReadableStreamBYOBReader, first: Uint8Array): ReadableStream<Uint8Array> {
  let spare: ArrayBuffer | null = null;
  return new ReadableStream({
    type: "bytes",
    async pull(controller: ReadableByteStreamController) {
      const request = controller.byobRequest;
      const asked = request?.view;
      const view = asked ? new Uint8Array(asked.buffer as ArrayBuffer, asked.byteOffset, asked.byteLength) : null;
      if (first.byteLength > 0) {
        if (!request || !view) controller.enqueue(first as Uint8Array<ArrayBuffer>);
        else {
          const n = Math.min(view.byteLength, first.byteLength);
          view.set(first.subarray(0, n));
          request.respond(n);
          first = first.subarray(n);
          return;
        }
        first = new Uint8Array(0);
        return;
      }
      if (request && view) {
        // The read takes over the reader's buffer; the new view over it is the answer, even an empty one at EOF.
        const { done, value } = await reader.read(view);
        if (done) controller.close();
        if (value) request.respondWithNewView(value);
        else request.respond(0);
        return;
      }
      const { done, value } = await reader.read(new Uint8Array(spare ?? new ArrayBuffer(READ_SIZE)));
      if (done) return controller.close();
      controller.enqueue(value.slice());
      spare = value.buffer as ArrayBuffer;
    },
    cancel: (reason) => reader.cancel(reason),
  }) as ReadableStream<Uint8Array>;
}
