/**
 * Where a process runs (docs/api.md §3.1): the requested directory, else the configured one if it exists, else
 * `$HOME`, else the server's cwd.
 * @module
 */
import { resolve } from "node:path";
import { ProcessApiError } from "./errors.ts";
import type { Host } from "./host.ts";

/**
 * The directory a start request runs in. A relative `requested` path is taken from the default directory.
 * @throws {ProcessApiError} `invalid_workdir` when `requested` is not an existing directory.
 * @example
 * ```ts
 * const cwd = await resolveWorkdir(host, body.workdir ?? null, options.workdir ?? null, env);
 * ```
 */
export async function resolveWorkdir(
  host: Host,
  requested: string | null,
  configured: string | null,
  env: Record<string, string>,
): Promise<string> {
  const fallback = await defaultWorkdir(host, configured, env);
  if (!requested) return fallback;
  const dir = resolve(fallback, requested);
  if (!(await host.isDirectory(dir))) {
    throw new ProcessApiError(
      "invalid_workdir",
      `Workdir ${JSON.stringify(requested)} does not exist or is not a directory.`,
      undefined,
      [{ field: "workdir", detail: "not an existing directory" }],
    );
  }
  return dir;
}

async function defaultWorkdir(host: Host, configured: string | null, env: Record<string, string>): Promise<string> {
  if (configured && (await host.isDirectory(configured))) return resolve(configured);
  const home = env.HOME || host.homeDir();
  if (home && (await host.isDirectory(home))) return home;
  return host.cwd();
}
