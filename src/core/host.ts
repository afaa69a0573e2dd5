/**
 * What the domain needs from the machine it runs on, injected so the core stays free of runtime APIs (as hono's
 * serve-static takes `isDir`). `src/runtimes/posix/host.ts` has the real one.
 * @module
 */

/**
 * The machine's answers the manager needs to pick a working directory.
 * @example
 * ```ts
 * const host: Host = { isDirectory: async () => true, homeDir: () => "/root", cwd: () => "/" };
 * ```
 */
export interface Host {
  /** True when `path` exists and is a directory. */
  isDirectory(path: string): Promise<boolean>;
  /** The user's home directory by the OS account, when `HOME` is unset (may be empty). */
  homeDir(): string;
  /** The server's working directory, the last fallback. */
  cwd(): string;
}
