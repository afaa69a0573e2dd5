/**
 * A child's stdin as ordered writes (docs/api.md §4.6): one request writes at a time and only once the pipe has
 * drained the previous one, so a child that never reads holds at most one request's bytes.
 * @module
 */
import { waitFor } from "./wait.ts";

/** How a write ended: written, no open stdin, or given up on (the bytes may still be written later). */
export type StdinWriteResult = "ok" | "closed" | "stalled";

/**
 * The stdin of one process.
 * @example
 * ```ts
 * const stdin = new StdinQueue(child.stdin);
 * await stdin.write(new TextEncoder().encode("y\n"), true, 5000);
 * ```
 */
export class StdinQueue {
  #writer: WritableStreamDefaultWriter<Uint8Array> | null;
  #tail: Promise<void> = Promise.resolve();

  constructor(stream: WritableStream<Uint8Array> | null) {
    this.#writer = stream ? stream.getWriter() : null;
  }

  /** True while stdin is open for writes. */
  get open(): boolean {
    return this.#writer !== null;
  }

  /**
   * Writes `data` after every earlier write, then optionally closes stdin.
   * @returns `"stalled"` when `ms` passed or `signal` aborted first, `"closed"` when there is no open stdin or
   * the child closed it.
   */
  async write(data: Uint8Array, eof: boolean, ms: number, signal?: AbortSignal): Promise<StdinWriteResult> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((resolve) => (release = resolve));
    try {
      if (!(await waitFor(previous, ms, signal))) return "stalled";
      const writer = this.#writer;
      if (!writer) return "closed";
      if (!(await waitFor(writer.ready, ms, signal))) return "stalled";
      if (data.byteLength > 0) {
        let failed = false;
        const written = writer.write(data).catch(() => void (failed = true));
        if (!(await waitFor(written, ms, signal))) return "stalled";
        if (failed) {
          this.#writer = null;
          return "closed";
        }
      }
      if (eof) await this.close();
      return "ok";
    } finally {
      // A request that gave up before its turn keeps the order: the next one goes after the one before it.
      void previous.then(release);
    }
  }

  /** Closes stdin (EOF) and forgets the writer. */
  async close(): Promise<void> {
    const writer = this.#writer;
    this.#writer = null;
    if (writer) await writer.close().catch(() => undefined);
  }

  /** Drops stdin at once, queued bytes included (the process exited). */
  abort(): void {
    const writer = this.#writer;
    this.#writer = null;
    if (writer) void writer.abort().catch(() => undefined);
  }
}
