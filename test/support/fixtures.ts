/**
 * The shell commands the tests that run real processes start again and again, named after what they are for.
 * Each outlives any test (300 s), so only a signal the test sends ends it; every test kills what it started.
 * @example
 * ```ts
 * const reply = await call("POST", "/start", { body: { command: SLEEPER } });
 * ```
 * @module
 */

/** Runs until signalled: a process to list, signal or find still running. */
export const SLEEPER = "sleep 300";

/** Ignores SIGTERM, so only the SIGKILL after the kill grace ends it. */
export const IGNORES_TERM = "trap '' TERM; sleep 300";

/** A shell with two background grandchildren in its group, waiting on them. */
export const GRANDCHILDREN = "sleep 300 & sleep 300 & wait";

/** Three members that all ignore SIGTERM; prints "up" once the grandchildren are started. */
export const STUBBORN_GROUP = "trap '' TERM; sleep 300 & sleep 300 & echo up; wait; wait";
