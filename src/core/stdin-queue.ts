/**
 * A child's stdin as ordered writes (docs/api.md §4.6): one request writes at a time and only once the pipe has
 * drained the previous one, so a child that never reads holds at most one request's bytes.
 * @module
 */
import { waitFor } from "./wait.ts";

/**
 * How a write ended: written, no open stdin, given up on (the bytes may still be written later), or refused at
 * once because the bytes already waiting plus its own would pass the queue cap.
 */
export type StdinWriteResult = "ok" | "closed" | "stalled" | "busy";

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
  readonly #maxQueued: number;
  #queued = 0;

  /** `maxQueued`: most bytes of writes waiting for the pipe (a write into an empty queue always goes). */
  constructor(stream: WritableStream<Uint8Array> | null, maxQueued = Infinity) {
    this.#writer = stream ? stream.getWriter() : null;
    this.#maxQueued = maxQueued;
  }

  /** Bytes of writes not yet taken by the pipe: queued behind others, or being written. */
  get queuedBytes(): number {
    return this.#queued;
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
    if (this.#queued > 0 && this.#queued + data.byteLength > this.#maxQueued) return "busy";
    // Counted until the pipe took them or they are dropped; a write given up on mid-way still holds its bytes.
    this.#queued += data.byteLength;
    let held = true;
    const unhold = () => {
      if (held) this.#queued -= data.byteLength;
      held = false;
    };
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((resolve) => (release = resolve));
    try {
      if (!(await waitFor(previous, ms, signal))) return unhold(), "stalled";
      const writer = this.#writer;
      if (!writer) return unhold(), "closed";
      if (!(await waitFor(writer.ready, ms, signal))) return unhold(), "stalled";
      if (data.byteLength > 0) {
        let failed = false;
        const written = writer.write(data).catch(() => void (failed = true)).finally(unhold);
        if (!(await waitFor(written, ms, signal))) return "stalled";
        if (failed) {
          this.#writer = null;
          return "closed";
        }
      }
      unhold();
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
