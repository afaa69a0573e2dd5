/**
 * A rolling window over the last bytes of an unbounded stream, addressed by absolute offsets.
 * @module
 */

// Small enough that a process printing one line costs next to nothing.
const INITIAL_CAPACITY = 4096;

/**
 * Keeps the last `limit` bytes ever written in a ring buffer that starts small and doubles on demand, so
 * memory follows the output actually seen, up to `limit`. Bytes are copied in: incoming chunks are often
 * views of larger pooled buffers that must not be pinned.
 * @example
 * ```ts
 * const window = new ByteWindow(4);
 * window.write(new TextEncoder().encode("abcdef"));
 * window.start; // 2
 * new TextDecoder().decode(window.slice(2, 6)); // "cdef"
 * ```
 */
export class ByteWindow {
  readonly #limit: number;
  #ring = new Uint8Array(0);
  #end = 0;

  /** @param limit How many of the latest bytes to keep; at least 1. */
  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /**
   * Absolute offset of the oldest byte held.
   * @example
   * ```ts
   * new ByteWindow(8).start; // 0
   * ```
   */
  get start(): number {
    return Math.max(0, this.#end - this.#ring.length);
  }

  /**
   * Absolute offset just past the newest byte: every byte ever written.
   * @example
   * ```ts
   * new ByteWindow(8).end; // 0
   * ```
   */
  get end(): number {
    return this.#end;
  }

  /**
   * Bytes of memory the ring occupies now (at most `limit`).
   * @example
   * ```ts
   * new ByteWindow(1 << 20).capacity; // 0 until something is written
   * ```
   */
  get capacity(): number {
    return this.#ring.length;
  }

  /**
   * Appends `chunk`; of a chunk longer than the window only the last `limit` bytes are copied.
   * @example
   * ```ts
   * new ByteWindow(8).write(new Uint8Array([1, 2, 3]));
   * ```
   */
  write(chunk: Uint8Array): void {
    const length = chunk.length;
    if (length === 0) return;
    this.#reserve(this.#end + length);
    const ring = this.#ring;
    const kept = Math.min(length, ring.length);
    const source = kept === length ? chunk : chunk.subarray(length - kept);
    const position = (this.#end + length - kept) % ring.length;
    const first = Math.min(kept, ring.length - position);
    ring.set(first === kept ? source : source.subarray(0, first), position);
    if (first < kept) ring.set(source.subarray(first), 0);
    this.#end += length;
  }

  /**
   * The byte at absolute `offset`, which must lie in `[start, end)`.
   * @example
   * ```ts
   * const window = new ByteWindow(8);
   * window.write(new Uint8Array([7, 8]));
   * window.at(1); // 8
   * ```
   */
  at(offset: number): number {
    return this.#ring[offset % this.#ring.length] as number;
  }

  /**
   * Bytes `[from, to)`, which must lie in `[start, end]`: a view when they do not wrap around the ring, a
   * copy when they do. Read it before the next write.
   * @example
   * ```ts
   * const window = new ByteWindow(8);
   * window.write(new Uint8Array([7, 8, 9]));
   * window.slice(1, 3); // Uint8Array [8, 9]
   * ```
   */
  slice(from: number, to: number): Uint8Array {
    const ring = this.#ring;
    if (to <= from) return new Uint8Array(0);
    const position = from % ring.length;
    const length = to - from;
    if (position + length <= ring.length) return ring.subarray(position, position + length);
    const out = new Uint8Array(length);
    const first = ring.length - position;
    out.set(ring.subarray(position), 0);
    out.set(ring.subarray(0, length - first), first);
    return out;
  }

  // Until the ring reaches its limit nothing has been dropped, so the data sits unwrapped at [0, end).
  #reserve(needed: number): void {
    const current = this.#ring.length;
    if (needed <= current || current === this.#limit) return;
    const capacity = Math.min(this.#limit, Math.max(needed, current * 2, INITIAL_CAPACITY));
    const grown = new Uint8Array(capacity);
    grown.set(this.#ring.subarray(0, this.#end));
    this.#ring = grown;
  }
}
