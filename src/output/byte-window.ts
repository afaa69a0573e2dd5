/**
 * A rolling window over the last bytes of an unbounded stream, addressed by absolute offsets.
 * @module
 */

// Small enough that a process printing one line costs next to nothing.
const INITIAL_CAPACITY = 4096;

/**
 * Asked before a window grows: given its capacity now and the capacity it wants, answers the capacity it may
 * have (an output budget's share, see `OutputBudget`). Answering `current` or less keeps the ring as it is.
 */
export type GrowthGrant = (current: number, wanted: number) => number;

/**
 * Keeps the last `limit` bytes ever written in a ring buffer that starts small and doubles on demand, so
 * memory follows the output actually seen, up to `limit` (and up to what `grant` allows). Bytes are copied
 * in: incoming chunks are often views of larger pooled buffers that must not be pinned.
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
  readonly #grant: GrowthGrant | undefined;
  #ring = new Uint8Array(0);
  #end = 0;
  /** Oldest byte kept by the last resize: a grown ring holds nothing older, though it has room for more. */
  #keptFrom = 0;

  /**
   * @param limit How many of the latest bytes to keep; at least 1.
   * @param grant Asked before each growth; without it the window grows up to `limit` freely.
   */
  constructor(limit: number, grant?: GrowthGrant) {
    this.#limit = Math.max(1, limit);
    this.#grant = grant;
  }

  /**
   * Absolute offset of the oldest byte held.
   * @example
   * ```ts
   * new ByteWindow(8).start; // 0
   * ```
   */
  get start(): number {
    return Math.max(this.#keptFrom, this.#end - this.#ring.length);
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

  /**
   * Moves the ring to `capacity` bytes (at least 1, at most `limit`), keeping the latest bytes that fit; the
   * older ones are dropped. Returns the bytes of memory freed (negative when it grew).
   * @example
   * ```ts
   * const window = new ByteWindow(8);
   * window.write(new Uint8Array([1, 2, 3, 4]));
   * window.resize(2); // 2, and window.start is now 2
   * ```
   */
  resize(capacity: number): number {
    const before = this.#ring.length;
    const size = Math.min(this.#limit, Math.max(1, Math.floor(capacity)));
    if (size === before) return 0;
    const from = Math.max(this.start, this.#end - size);
    const kept = this.slice(from, this.#end);
    const ring = new Uint8Array(size);
    const position = from % size;
    const first = Math.min(kept.length, size - position);
    ring.set(kept.subarray(0, first), position);
    if (first < kept.length) ring.set(kept.subarray(first), 0);
    this.#ring = ring;
    this.#keptFrom = from;
    return before - size;
  }

  // Grows by doubling while the bytes kept do not fit, as far as the limit and the grant allow.
  #reserve(needed: number): void {
    const current = this.#ring.length;
    if (needed - this.start <= current || current === this.#limit) return;
    const wanted = Math.min(this.#limit, Math.max(needed - this.start, current * 2, INITIAL_CAPACITY));
    const granted = this.#grant ? Math.min(wanted, this.#grant(current, wanted)) : wanted;
    // Never left without a byte of room: a write must have somewhere to go.
    const capacity = Math.max(granted, current === 0 ? 1 : 0);
    if (capacity > current) this.resize(capacity);
  }
}
