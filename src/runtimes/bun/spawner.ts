/**
 * The spawner on `Bun.spawn`. Importing this file is safe on every runtime; only calling it needs Bun.
 * @module
 */

import { constants } from "node:os";
import { type ExitStatus, type SpawnedProcess, type Spawner, type SpawnRequest } from "../../core/spawner.ts";
import { bunGlobal, type BunApi, type BunSubprocess } from "./bun-api.ts";
import { fdReadable, fdWritable } from "./fd-streams.ts";
import { GcValve } from "./gc-valve.ts";
import { closeQuietly, type PipeEnds, PipeMaker } from "../posix/pipe-maker.ts";
import { spawnedProcess } from "../posix/group-handle.ts";
import { SHELL } from "../posix/shell.ts";
import { keepFdsForSpawn, spawnFailure } from "../posix/spawn-failure.ts";
import { spawnOnTerminal } from "./terminal.ts";

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
  const pipes = new PipeMaker();
  const valve = new GcValve(bun);
  return {
    name: "bun",
    spawn: (request) =>
      request.tty ? spawnOnTerminal(bun, request, request.tty, exitStatus) : spawnBun(bun, pipes, valve, request),
  };
}

async function spawnBun(bun: BunApi, pipes: PipeMaker, valve: GcValve, request: SpawnRequest): Promise<SpawnedProcess> {
  // Real pipes, not the socketpairs of "pipe": fd 1 and fd 2 share one, so `sh -c` needs no `2>&1` of ours.
  const output = await pipes.outputPipe();
  let input: PipeEnds | null = null;
  let proc: BunSubprocess;
  try {
    input = request.stdin ? await pipes.inputPipe() : null;
    keepFdsForSpawn();
    proc = bun.spawn([SHELL, "-c", request.command], {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdin: input ? input.theirs : "ignore",
      stdout: output.theirs,
      stderr: output.theirs,
    });
  } catch (cause) {
    closeQuietly(output.ours);
    if (input) closeQuietly(input.ours);
    throw await spawnFailure(cause, request.cwd);
  } finally {
    // The child has its copies; ours would hold the pipe open forever.
    closeQuietly(output.theirs);
    if (input) closeQuietly(input.theirs);
  }
  const { pid } = proc;
  const exited = proc.exited.then((code) => exitStatus(code, proc.signalCode));
  return spawnedProcess({
    pid,
    output: fdReadable(bun, output.ours, valve),
    outputIsByteStream: false,
    stdin: input ? fdWritable(bun, input.ours) : null,
    exited,
  });
}

/** Bun resolves `exited` with 128+n for a signal; `signalCode` tells it apart from `exit 143`. */
function exitStatus(code: number, signal: string | number | null): ExitStatus {
  return signal === null ? { exitCode: code, signal: null } : { exitCode: null, signal: signalName(signal) };
}

function signalName(signal: string | number): string {
  if (typeof signal === "string") return signal;
  return Object.entries(constants.signals).find(([, number]) => number === signal)?.[0] ?? `SIG${signal}`;
}
