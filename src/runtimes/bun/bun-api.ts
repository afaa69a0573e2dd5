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
  /** An fd is handed to the child as is; "ignore" is /dev/null. */
  stdin: number | "ignore";
  stdout: number;
  stderr: number;
}

/** `Bun.spawn`'s options for a child on a pseudo-terminal (its stdin, stdout and stderr). */
export interface BunTerminalSpawnOptions {
  cwd: string;
  env: Record<string, string>;
  detached: boolean;
  terminal: {
    cols: number;
    rows: number;
    /** Each chunk the terminal's master side reads. */
    data(terminal: BunTerminal, data: Uint8Array): void;
    /** The master side reached EOF or failed: every holder of the terminal closed it. */
    exit(terminal: BunTerminal): void;
  };
}

/** Bun's pseudo-terminal (`Bun.Terminal`). */
export interface BunTerminal {
  readonly closed: boolean;
  /** Accepts all of `data`, buffering what the terminal cannot take yet. */
  write(data: Uint8Array): number;
  resize(cols: number, rows: number): void;
  close(): void;
}

/** A process from `Bun.spawn` with every stdio an fd of ours. */
export interface BunSubprocess {
  readonly pid: number;
  readonly exited: Promise<number>;
  readonly signalCode: string | number | null;
}

/** Bun's buffered writer over an fd (`Bun.file(fd).writer()`). */
export interface BunFileSink {
  /** Buffers `chunk`; answers a promise while the buffer is past its high-water mark. */
  write(chunk: Uint8Array): number | Promise<number>;
  /** Settles once everything buffered reached the fd; rejects with EPIPE once the reader is gone. */
  flush(): number | Promise<number>;
  end(): number | Promise<number>;
}

/** `Bun.file(fd)`: an fd Bun reads and writes without owning it (it never closes it). */
export interface BunFdFile {
  stream(): ReadableStream<Uint8Array>;
  writer(): BunFileSink;
}

/** A server from `Bun.serve`. */
export interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
  /** Sets the idle timeout of the connection `request` came on, in seconds (0: none); it stays for later requests. */
  timeout(request: Request, seconds: number): void;
}

/** The `Bun` namespace, as far as edgeproc needs it. */
export interface BunApi {
  spawn(argv: string[], options: BunSpawnOptions): BunSubprocess;
  spawn(argv: string[], options: BunTerminalSpawnOptions): BunSubprocess & { readonly terminal: BunTerminal };
  /** Runs the garbage collector; synchronously with `force`. */
  gc(force: boolean): void;
  file(fd: number): BunFdFile;
  serve(options: {
    fetch: (request: Request, server: BunServer) => Response | Promise<Response>;
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
