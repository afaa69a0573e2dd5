/**
 * The bytes an output log holds on to: the first ones ever written and a window over the latest ones,
 * both addressed by absolute offset, with a hole between them once the output outgrows both.
 * @module
 */

import { ByteWindow, type GrowthGrant } from "./byte-window.ts";

/** Who is told of the memory a {@link RetainedBytes} takes: the window's growth is asked, the head's reported. */
export interface MemoryMeter {
  grant: GrowthGrant;
  /** The head grew by `bytes`; it is never refused (snapshots need it). */
  charge(bytes: number): void;
}

/**
 * Head plus rolling window. Holds `[0, headLength)` and `[windowStart, total)`; memory grows with the
 * output up to `headLimit + windowLimit` and no further.
 * @example
 * ```ts
 * const bytes = new RetainedBytes(2, 3);
 * bytes.append(new TextEncoder().encode("abcdefg"));
 * [bytes.headLength, bytes.windowStart, bytes.total]; // [2, 4, 7]
 * new TextDecoder().decode(bytes.slice(4, 7)); // "efg"
 * ```
 */
export class RetainedBytes {
  readonly #headLimit: number;
  #head = new Uint8Array(0);
  #headLength = 0;
  readonly #window: ByteWindow;
  readonly #meter: MemoryMeter | undefined;

  /**
   * @param headLimit How many of the first bytes to keep.
   * @param windowLimit How many of the latest bytes to keep.
   * @param meter Asked before the window grows and told when the head does.
   */
  constructor(headLimit: number, windowLimit: number, meter?: MemoryMeter) {
    this.#headLimit = headLimit;
    this.#window = new ByteWindow(windowLimit, meter?.grant);
    this.#meter = meter;
  }

  /** Every byte ever appended. */
  get total(): number {
    return this.#window.end;
  }

  /** How many of the first bytes are held: `min(total, headLimit)`. */
  get headLength(): number {
    return this.#headLength;
  }

  /** Absolute offset of the oldest byte the window holds. */
  get windowStart(): number {
    return this.#window.start;
  }

  /** Bytes of memory allocated for data. */
  get memoryBytes(): number {
    return this.#head.length + this.#window.capacity;
  }

  /** Bytes of memory the window occupies. */
  get windowCapacity(): number {
    return this.#window.capacity;
  }

  /**
   * Shrinks the window to `capacity` bytes, dropping its oldest bytes; never grows it. Returns the bytes freed.
   * @example
   * ```ts
   * const bytes = new RetainedBytes(2, 64);
   * bytes.append(new Uint8Array(10));
   * bytes.shrinkWindow(4); // 60: the window holds [6, 10) now
   * ```
   */
  shrinkWindow(capacity: number): number {
    return capacity < this.#window.capacity ? this.#window.resize(capacity) : 0;
  }

  /**
   * Copies `chunk` in.
   * @example
   * ```ts
   * new RetainedBytes(16, 64).append(new Uint8Array([1, 2]));
   * ```
   */
  append(chunk: Uint8Array): void {
    const room = this.#headLimit - this.#headLength;
    if (room > 0 && chunk.length > 0) this.#appendHead(chunk.subarray(0, room));
    this.#window.write(chunk);
  }

  /**
   * The byte at a retained absolute offset. An arrow so it can be handed to the UTF-8 helpers as is.
   * @example
   * ```ts
   * const bytes = new RetainedBytes(16, 64);
   * bytes.append(new Uint8Array([9]));
   * bytes.byteAt(0); // 9
   * ```
   */
  readonly byteAt = (offset: number): number =>
    offset >= this.#window.start ? this.#window.at(offset) : (this.#head[offset] as number);

  /**
   * Lowest offset from which every byte before `offset` is retained, so that looking behind `offset`
   * never reads from the hole.
   * @example
   * ```ts
   * const bytes = new RetainedBytes(2, 3);
   * bytes.append(new Uint8Array(10));
   * bytes.contiguousFrom(9); // 7
   * ```
   */
  contiguousFrom(offset: number): number {
    const windowStart = this.#window.start;
    return offset < windowStart || windowStart <= this.#headLength ? 0 : windowStart;
  }

  /**
   * Retained bytes `[from, to)`, taken from the window, the head, or both where they meet. May be a view:
   * use it before the next append.
   * @example
   * ```ts
   * const bytes = new RetainedBytes(16, 64);
   * bytes.append(new Uint8Array([1, 2, 3]));
   * bytes.slice(1, 3); // Uint8Array [2, 3]
   * ```
   */
  slice(from: number, to: number): Uint8Array {
    const windowStart = this.#window.start;
    if (from >= windowStart) return this.#window.slice(from, to);
    if (to <= windowStart) return this.#head.subarray(from, to);
    const out = new Uint8Array(to - from);
    out.set(this.#head.subarray(from, windowStart), 0);
    out.set(this.#window.slice(windowStart, to), windowStart - from);
    return out;
  }

  // Grows by doubling like the window, so a short-lived `echo` does not cost the whole head.
  #appendHead(part: Uint8Array): void {
    const needed = this.#headLength + part.length;
    if (needed > this.#head.length) {
      const grown = new Uint8Array(Math.min(this.#headLimit, Math.max(needed, this.#head.length * 2, 1024)));
      this.#meter?.charge(grown.length - this.#head.length);
      grown.set(this.#head.subarray(0, this.#headLength));
      this.#head = grown;
    }
    this.#head.set(part, this.#headLength);
    this.#headLength = needed;
  }
}
