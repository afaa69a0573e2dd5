/**
 * The limits of docs/api.md §5 and the timing constants of sections 3 and 4, with their defaults.
 * @module
 */

/** Every limit the server enforces; each one is an option, a flag and an environment variable. */
export interface Limits {
  /** Largest request body in bytes; larger → 413 `body_too_large`. */
  maxBodyBytes: number;
  /** Largest `command` in UTF-8 bytes. */
  maxCommandBytes: number;
  /** Most `env` entries in one start request. */
  maxEnvEntries: number;
  /** Most processes running at once; one more → 429 `too_many_processes`. */
  maxRunning: number;
  /** Longest blocking wait in milliseconds (`wait=true`). */
  maxWaitMs: number;
  /** Bytes kept from the start of each process's output. */
  headBytes: number;
  /** Bytes shown from the end of the output in a snapshot. */
  tailBytes: number;
  /** Bytes of the rolling window kept for incremental reads. */
  windowBytes: number;
  /** How long an exited record is kept, in milliseconds. */
  retentionMs: number;
  /** Most exited records kept; the oldest exit goes first. */
  maxExitedRecords: number;
  /** How long after the shell exits a descendant may hold the output pipe (section 3.5). */
  pipeGraceMs: number;
  /** Default time between SIGTERM and SIGKILL (timeouts and shutdown). */
  killGraceMs: number;
  /** Largest stdin write in bytes (decoded). */
  maxStdinBytes: number;
  /** Most bytes of one process's stdin writes waiting for the pipe; one more write → 429 `stdin_busy`. */
  maxStdinQueueBytes: number;
  /** Most bytes of output all records together keep (heads and windows); shared as docs/api.md §5 says. */
  maxOutputBytes: number;
  /**
   * Longest time for a request's headers to arrive, and then its body (408 `request_timeout`), in milliseconds;
   * 0 means no limit. Responses are never cut by it, however long they wait or stream.
   */
  requestTimeoutMs: number;
}

/** The defaults of docs/api.md §5. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBodyBytes: 1 << 20,
  maxCommandBytes: 64 << 10,
  maxEnvEntries: 256,
  maxRunning: 256,
  maxWaitMs: 300_000,
  headBytes: 16 << 10,
  tailBytes: 16 << 10,
  windowBytes: 1 << 20,
  retentionMs: 300_000,
  maxExitedRecords: 1000,
  pipeGraceMs: 5000,
  killGraceMs: 5000,
  maxStdinBytes: 1 << 20,
  maxStdinQueueBytes: 2 << 20,
  maxOutputBytes: 128 << 20,
  requestTimeoutMs: 30_000,
});

/**
 * Fills the unset limits with the defaults.
 * @example
 * ```ts
 * const limits = resolveLimits({ maxRunning: 8 });
 * ```
 */
export function resolveLimits(partial: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(partial) as [keyof Limits, number | undefined][]) {
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}
