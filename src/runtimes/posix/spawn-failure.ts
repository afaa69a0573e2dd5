/**
 * How the spawners turn a runtime's start failure into a {@link SpawnError}.
 * @module
 */

import { closeSync, openSync } from "node:fs";
import { stat } from "node:fs/promises";
import { SpawnError } from "../../core/spawner.ts";
import { SHELL } from "./shell.ts";

const reasons: Record<string, string> = {
  ENOENT: "executable not found",
  EACCES: "permission denied",
};

/**
 * The {@link SpawnError} for a failed start of {@link SHELL} in `cwd`, `cause` being the runtime's own error.
 * Runtimes report a missing `cwd` as ENOENT, like a missing executable, so `cwd` is checked first to name the culprit.
 * A {@link SpawnError} already (edgeproc's own check failed) is answered as is.
 * @example
 * ```ts
 * try { start(); } catch (cause) { throw await spawnFailure(cause, request.cwd); }
 * ```
 */
export async function spawnFailure(cause: unknown, cwd: string): Promise<SpawnError> {
  if (cause instanceof SpawnError) return cause;
  const where = await stat(cwd).then(
    (info) => (info.isDirectory() ? null : `working directory "${cwd}" is not a directory`),
    (error: { code?: unknown }) => (error.code === "ENOENT" ? `working directory "${cwd}" does not exist` : null),
  );
  const code = (cause as { code?: unknown } | null)?.code;
  const known = typeof code === "string" ? reasons[code] : undefined;
  const reason = where ?? known ?? String((cause as Error | null)?.message ?? cause);
  return new SpawnError(`Cannot start "sh": ${reason}`, { cause });
}

/** Descriptors a runtime's spawn may open in the parent after the fork (Bun: the pidfd), with one to spare. */
const AFTER_FORK_FDS = 2;

/**
 * Fails a start before the fork when the descriptors the runtime opens after it could not be had. Bun's spawn
 * forks first and opens a pidfd after: out of descriptors there, it throws although the command runs
 * (`test/contract/spawner-fd-edges.test.ts`). So they are taken and given back in the same synchronous step that
 * calls the spawn, which nothing else can run between.
 * @throws {SpawnError} when they cannot be had; nothing ran.
 * @example
 * ```ts
 * keepFdsForSpawn();
 * const proc = Bun.spawn(argv, options);
 * ```
 */
export function keepFdsForSpawn(): void {
  const fds: number[] = [];
  try {
    for (let i = 0; i < AFTER_FORK_FDS; i++) fds.push(openSync("/dev/null", "r"));
  } catch (cause) {
    throw new SpawnError(`Cannot start "sh": ${(cause as Error).message}`, { cause });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}
