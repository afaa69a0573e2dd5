/**
 * Waiting on a promise for at most a time, or until a request goes away, built on `AbortSignal`.
 * @module
 */

/**
 * Waits for `event`, at most `ms` milliseconds, and no longer than `signal` stays unaborted.
 * Leaves no listener or timer behind whichever comes first.
 * @returns `true` when `event` settled first.
 * @example
 * ```ts
 * const exited = await waitFor(proc.exited, 300_000, request.signal);
 * ```
 */
/**
 * The longest delay a timer takes: past 2^31-1 ms (24.8 days) every runtime fires it after 1 ms instead
 * (Node's TimeoutOverflowWarning; Bun and Deno do the same).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export async function waitFor(event: Promise<unknown>, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  // Not AbortSignal.timeout: its timer cannot be cleared, so a thousand answered waits would keep a thousand
  // five-minute timers alive.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.min(Math.max(0, ms), MAX_TIMER_MS));
    onAbort = () => resolve(false);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([event.then(() => true as const, () => true as const), stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts.
 * @example
 * ```ts
 * await delay(25, request.signal);
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return waitFor(new Promise(() => {}), ms, signal).then(() => undefined);
}
