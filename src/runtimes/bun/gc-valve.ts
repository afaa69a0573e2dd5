/**
 * A memory valve for Bun's output reads: `Bun.file(fd).stream()` hands out a new buffer per read, and under a flood
 * (256 processes writing as fast as they can, over 1 GB/s) Bun's collector lets that garbage pile up to several
 * times the live heap before it runs (docs/load.md: 645 MiB of RSS growth against a 128 MiB output budget).
 * The valve looks at RSS every so many bytes read: past a soft slack since the last full collection it asks for a
 * concurrent one, past a hard slack it collects synchronously, so garbage stays within the hard slack. A process
 * or two reading at full speed never reach either.
 * @module
 */
import process from "node:process";
import type { BunApi } from "./bun-api.ts";

/** Bytes read between two looks at RSS: a look costs about a microsecond, 8 MiB take about 5 ms to read. */
const CHECK_EVERY_BYTES = 8 << 20;
/** RSS growth since the last full collection past which a concurrent one is asked for (it does not pause reads). */
const SOFT_SLACK_BYTES = 128 << 20;
/** RSS growth past which the valve collects synchronously (about 25 ms with a 128 MiB budget full). */
const HARD_SLACK_BYTES = 320 << 20;

/**
 * Counts bytes read and collects when RSS shows garbage past the slack.
 * @example
 * ```ts
 * const valve = new GcValve(bunGlobal("gc"));
 * valve.read(chunk.byteLength);
 * ```
 */
export class GcValve {
  readonly #bun: Pick<BunApi, "gc">;
  readonly #rss: () => number;
  #sinceCheck = 0;
  #floor: number;
  /** Synchronous collections run so far. */
  collections = 0;

  constructor(bun: Pick<BunApi, "gc">, rss: () => number = () => process.memoryUsage.rss()) {
    this.#bun = bun;
    this.#rss = rss;
    this.#floor = rss();
  }

  /** Counts `bytes` read; every {@link CHECK_EVERY_BYTES}, collects if RSS grew past a slack. */
  read(bytes: number): void {
    this.#sinceCheck += bytes;
    if (this.#sinceCheck < CHECK_EVERY_BYTES) return;
    this.#sinceCheck = 0;
    const rss = this.#rss();
    // RSS that fell (output forgotten, memory returned) lowers the floor, so the next pile-up is caught as early.
    if (rss < this.#floor + SOFT_SLACK_BYTES) {
      this.#floor = Math.min(this.#floor, rss);
      return;
    }
    const hard = rss >= this.#floor + HARD_SLACK_BYTES;
    this.#bun.gc(hard);
    if (!hard) return;
    this.collections++;
    // Live memory that grew (more output kept) raises the floor, so it is not collected for again and again.
    this.#floor = this.#rss();
  }
}
