/**
 * The signal names of the contract (docs/api.md §3.4) and the POSIX signal each one means.
 * @module
 */

/**
 * The signal names a client may send, and the POSIX signal each one means.
 * @example
 * ```ts
 * SIGNALS.terminate; // "SIGTERM"
 * ```
 */
export const SIGNALS = { kill: "SIGKILL", terminate: "SIGTERM", interrupt: "SIGINT", hangup: "SIGHUP" } as const;

/** A signal name of the contract (`"kill"`, `"terminate"`, `"interrupt"`, `"hangup"`). */
export type WireSignal = keyof typeof SIGNALS;
