/**
 * Where a process runs (API.md 3.1): the requested directory, else the configured one if it exists, else
 * `$HOME`, else the server's cwd.
 * @module
 */
import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { resolve } from "node:path";
import process from "node:process";
import { ProcessApiError } from "./errors.ts";

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The directory a start request runs in. A relative `requested` path is taken from the default directory.
 * @throws {ProcessApiError} `invalid_workdir` when `requested` is not an existing directory.
 * @example
 * ```ts
 * const cwd = await resolveWorkdir(body.workdir ?? null, options.workdir ?? null, process.env);
 * ```
 */
export async function resolveWorkdir(
  requested: string | null,
  configured: string | null,
  env: Record<string, string>,
): Promise<string> {
  const fallback = await defaultWorkdir(configured, env);
  if (!requested) return fallback;
  const dir = resolve(fallback, requested);
  if (!(await isDirectory(dir))) {
    throw new ProcessApiError(
      "invalid_workdir",
      `Workdir ${JSON.stringify(requested)} does not exist or is not a directory.`,
      undefined,
      [{ field: "workdir", detail: "not an existing directory" }],
    );
  }
  return dir;
}

async function defaultWorkdir(configured: string | null, env: Record<string, string>): Promise<string> {
  if (configured && (await isDirectory(configured))) return resolve(configured);
  const home = env.HOME || homedir();
  if (home && (await isDirectory(home))) return home;
  return process.cwd();
}
