/**
 * The spawner on `Bun.spawn`. Importing this file is safe on every runtime; only calling it needs Bun.
 * @module
 */

import { constants } from "node:os";
import { type ExitStatus, type SpawnedProcess, type Spawner, type SpawnRequest } from "../../core/spawner.ts";
import { bunGlobal, type BunApi, type BunSubprocess } from "./bun-api.ts";
import { spawnedProcess } from "../posix/group-handle.ts";
import { SHELL, shellScript } from "../posix/shell.ts";
import { spawnFailure } from "../posix/spawn-failure.ts";


/**
 * A {@link Spawner} on `Bun.spawn`.
 * @throws {Error} when not running on Bun.
 * @example
 * ```ts
 * const proc = await createBunSpawner().spawn({ command: "echo hi", cwd: "/tmp", env: {}, stdin: false });
 * console.log(await new Response(proc.output).text(), await proc.exited);
 * ```
 */
export function createBunSpawner(): Spawner {
  const bun = bunGlobal("createBunSpawner()");
  return { name: "bun", spawn: (request) => spawnBun(bun, request) };
}

async function spawnBun(bun: BunApi, request: SpawnRequest): Promise<SpawnedProcess> {
  // FileSink swallows EPIPE once the child is gone; a stream as stdin gets backpressure and a rejected write.
  const input = request.stdin ? new TransformStream<Uint8Array, Uint8Array>() : null;
  let proc: BunSubprocess;
  try {
    proc = bun.spawn([SHELL, "-c", shellScript(request.command)], {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      // Without lazy, Bun drains an unread stdout into memory without limit; lazy reads only when pulled.
      lazy: true,
      stdin: input ? input.readable : "ignore",
      stdout: "pipe",
      stderr: "ignore",
    });
  } catch (cause) {
    throw await spawnFailure(cause, request.cwd);
  }
  const { pid } = proc;
  // Bun resolves `exited` with 128+n for a signal; `signalCode` tells it apart from `exit 143`.
  const exited = proc.exited.then((code): ExitStatus => {
    const signal = proc.signalCode;
    return signal === null ? { exitCode: code, signal: null } : { exitCode: null, signal: signalName(signal) };
  });
  return spawnedProcess({
    pid,
    output: proc.stdout,
    stdin: input ? writableOf(input.writable) : null,
    exited,
  });
}

/** The writer's side of the stdin stream, with Bun's reason-less cancel (child gone) turned into EPIPE. */
function writableOf(sink: WritableStream<Uint8Array>): WritableStream<Uint8Array> {
  const writer = sink.getWriter();
  return new WritableStream<Uint8Array>({
    write: (chunk) => writer.write(chunk).catch((reason: unknown) => Promise.reject(brokenPipe(reason))),
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  });
}

function brokenPipe(reason: unknown): unknown {
  if (reason instanceof Error) return reason;
  return Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE" });
}

function signalName(signal: string | number): string {
  if (typeof signal === "string") return signal;
  return Object.entries(constants.signals).find(([, number]) => number === signal)?.[0] ?? `SIG${signal}`;
}
