/**
 * The part of the `Bun` global that edgeproc uses, declared here rather than through `bun-types`, so `Bun` is
 * visible to the type checker in this folder only and nowhere else in `src/`.
 * @module
 */

/** `Bun.spawn`'s options as used here. */
export interface BunSpawnOptions {
  cwd: string;
  env: Record<string, string>;
  detached: boolean;
  lazy: boolean;
  stdin: ReadableStream<Uint8Array> | "ignore";
  stdout: "pipe";
  stderr: "ignore";
}

/** A process from `Bun.spawn` with `stdout: "pipe"`. */
export interface BunSubprocess {
  readonly pid: number;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly exited: Promise<number>;
  readonly signalCode: string | number | null;
}

/** A server from `Bun.serve`. */
export interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

/** The `Bun` namespace, as far as edgeproc needs it. */
export interface BunApi {
  spawn(argv: string[], options: BunSpawnOptions): BunSubprocess;
  serve(options: {
    fetch: (request: Request) => Response | Promise<Response>;
    hostname: string;
    port: number;
    idleTimeout: number;
  }): BunServer;
}

/**
 * The `Bun` global.
 * @throws {Error} when not running on Bun.
 * @example
 * ```ts
 * const proc = bunGlobal().spawn(["true"], options);
 * ```
 */
export function bunGlobal(what: string): BunApi {
  const bun = (globalThis as { Bun?: BunApi }).Bun;
  if (!bun) throw new Error(`${what} needs the Bun runtime`);
  return bun;
}
