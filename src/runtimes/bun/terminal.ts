/**
 * A child on Bun's own pseudo-terminal (`Bun.spawn({ terminal })`): Bun opens the terminal, and the child leads a
 * new session with it as its controlling tty on fds 0, 1 and 2. No helper process, no exec beyond the shell's.
 * @module
 */
import { type ExitStatus, type SpawnedProcess, type SpawnRequest, type TtySize } from "../../core/spawner.ts";
import type { BunApi, BunTerminal } from "./bun-api.ts";
import { spawnedProcess } from "../posix/group-handle.ts";
import { SHELL } from "../posix/shell.ts";
import { spawnFailure } from "../posix/spawn-failure.ts";

/**
 * Spawns `sh -c command` on a new terminal of `size`.
 * @throws {SpawnError} when the OS refuses.
 * @example
 * ```ts
 * const proc = await spawnOnTerminal(bunGlobal("tty"), request, { cols: 80, rows: 24 }, toExitStatus);
 * ```
 */
export async function spawnOnTerminal(
  bun: BunApi,
  request: SpawnRequest,
  size: TtySize,
  exitStatus: (code: number, signal: string | number | null) => ExitStatus,
): Promise<SpawnedProcess> {
  let push: (chunk: Uint8Array) => void = () => {};
  let end: () => void = () => {};
  let terminal: BunTerminal | null = null;
  // The terminal's bytes as they come: Bun reads the master side as it fills (the pump keeps up, and the output
  // log bounds what is kept). Cancelled (capture over), the terminal closes, as a pipe's read end would.
  const output = new ReadableStream<Uint8Array>({
    start(controller) {
      let done = false;
      push = (chunk) => done || controller.enqueue(chunk.slice());
      end = () => {
        if (!done) controller.close();
        done = true;
        terminal?.close();
      };
    },
    cancel() {
      terminal?.close();
    },
  });
  let proc;
  try {
    proc = bun.spawn([SHELL, "-c", request.command], {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      terminal: { ...size, data: (_, chunk) => push(chunk), exit: () => end() },
    });
  } catch (cause) {
    throw await spawnFailure(cause, request.cwd);
  }
  const term = (terminal = proc.terminal);
  const stdin = new WritableStream<Uint8Array>({
    write(chunk) {
      if (term.closed) throw new Error("the terminal is closed");
      term.write(chunk);
    },
  });
  const exited = proc.exited.then((code) => exitStatus(code, proc.signalCode));
  // Assigned, not spread: `groupAlive` is a getter.
  return Object.assign(spawnedProcess({ pid: proc.pid, output, outputIsByteStream: false, stdin, exited }), {
    resize: async ({ cols, rows }: TtySize) => {
      if (term.closed) throw new Error("the terminal is closed");
      term.resize(cols, rows);
    },
  });
}
