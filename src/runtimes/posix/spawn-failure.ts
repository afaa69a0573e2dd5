/**
 * How the spawners turn a runtime's start failure into a {@link SpawnError}.
 * @module
 */

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
 * @example
 * ```ts
 * try { start(); } catch (cause) { throw await spawnFailure(cause, request.cwd); }
 * ```
 */
export async function spawnFailure(cause: unknown, cwd: string): Promise<SpawnError> {
  const where = await stat(cwd).then(
    (info) => (info.isDirectory() ? null : `working directory "${cwd}" is not a directory`),
    (error: { code?: unknown }) => (error.code === "ENOENT" ? `working directory "${cwd}" does not exist` : null),
  );
  const code = (cause as { code?: unknown } | null)?.code;
  const known = typeof code === "string" ? reasons[code] : undefined;
  const reason = where ?? known ?? String((cause as Error | null)?.message ?? cause);
  return new SpawnError(`Cannot start "sh": ${reason}`, { cause });
}
