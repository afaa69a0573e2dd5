/**
 * Counts of what is in flight (docs/api.md §4.10, `/healthz`), each one taken with a release, so a counter can
 * neither leak nor go negative however a request ends.
 * @module
 */

/** What is in flight: requests blocked in a wait, open output streams, stdin writes not yet taken. */
export interface Activity {
  waiters: number;
  streams: number;
  stdin_writes: number;
}

/**
 * The activity counters of one manager.
 * @example
 * ```ts
 * const release = counters.hold("streams");
 * try { await pump(); } finally { release(); }
 * ```
 */
export class ActivityCounters {
  readonly #counts: Activity = { waiters: 0, streams: 0, stdin_writes: 0 };

  /** A copy of the counts now. */
  snapshot(): Activity {
    return { ...this.#counts };
  }

  /** Counts one more of `kind` until the returned release is called (once; later calls do nothing). */
  hold(kind: keyof Activity): () => void {
    this.#counts[kind]++;
    let held = true;
    return () => {
      if (held) this.#counts[kind]--;
      held = false;
    };
  }
}
