/**
 * What every runtime's `listen` takes and gives, so the server entries treat them alike.
 * @module
 */

/** Where to listen. */
export interface ListenOptions {
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * `--request-timeout-ms`: how long the runtime may wait for a request's headers (docs/api.md §6); 0 or absent
   * waits forever. The handler bounds the body itself. A request in flight is never cut.
   */
  requestTimeoutMs?: number;
}

/** A listening server. */
export interface Listening {
  /** e.g. `http://127.0.0.1:7070`, with the port actually bound. */
  url: string;
  /** Stops accepting; resolves when open requests are done (idle keep-alive connections are closed). */
  stop(): Promise<void>;
}

/**
 * The URL of a server listening on `hostname:port`, with an IPv6 address in brackets.
 * @example
 * ```ts
 * httpUrl("::", 7070); // "http://[::]:7070"
 * ```
 */
export function httpUrl(hostname: string, port: number): string {
  const host = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  return `http://${host}:${port}`;
}
