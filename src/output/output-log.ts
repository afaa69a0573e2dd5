/**
 * The output store of one process: bytes in, head/tail snapshots (docs/api.md §3.3) and cursor reads (docs/api.md §4.5)
 * out, in memory bounded by the head plus the rolling window however much the process writes.
 * @module
 */

import { omissionMarker } from "./omission-marker.ts";
import { LINE_CUT_SUFFIX_BYTES, cutLongLines } from "./line-cut.ts";
import type { BudgetedLog, OutputBudget } from "./output-budget.ts";
import { RetainedBytes } from "./retained-bytes.ts";
import {
  boundaryAtOrAfter,
  boundaryAtOrBefore,
  decodeUtf8,
  incompleteSuffixLength,
  unitEnd,
  utf8ByteLength,
} from "./utf8.ts";

/** Sizes of an {@link OutputLog}, in bytes. */
export interface OutputLogOptions {
  /** First bytes ever written that snapshots keep. Default 16384. */
  headBytes?: number;
  /** Last bytes that snapshots keep. Default 16384. */
  tailBytes?: number;
  /** Last bytes kept for cursor reads. Default 1048576; raised to `tailBytes + 3` when smaller. */
  windowBytes?: number;
  /** Longest line a snapshot shows uncut. Default 2048; raised to 16 (the suffix) when smaller. */
  maxLineBytes?: number;
  /** Shared bound on the memory of many logs: the window then grows only as it allows (see {@link OutputBudget}). */
  budget?: OutputBudget;
}

/** How a snapshot was shortened; `original_bytes = head + omitted_bytes + tail` exactly. */
export interface Truncation {
  original_bytes: number;
  /** UTF-8 byte length of the snapshot's `output`, marker and line-cut suffixes included. */
  retained_bytes: number;
  omitted_bytes: number;
  strategy: "head_tail";
}

/** The `output` and `truncated` fields of `GET /{id}/output` (docs/api.md §3.3). */
export interface OutputSnapshot {
  output: string;
  truncated?: Truncation;
}

/** The output fields of an incremental `GET /{id}/output?cursor=N` (docs/api.md §4.5). */
export interface CursorRead {
  output: string;
  /** Offset actually served from. */
  cursor: number;
  next_cursor: number;
  /** Bytes between the asked cursor and the oldest byte still retained: lost to the reader. */
  gap_bytes: number;
}

/**
 * Captures a process's combined output. Keeps the first `headBytes` bytes ever written and a window over the
 * last `windowBytes`, both addressed by absolute byte offset. Snapshots and reads never split a UTF-8
 * character and turn invalid bytes into U+FFFD. While the log is not ended, an unfinished character at the
 * very end is held back from both (the next chunk may finish it); snapshots then describe the bytes before it.
 * @example
 * ```ts
 * const log = new OutputLog();
 * log.append(new TextEncoder().encode("hello\n"));
 * log.end();
 * log.snapshot(); // { output: "hello\n" }
 * log.read(0, 3); // { output: "hel", cursor: 0, next_cursor: 3, gap_bytes: 0 }
 * ```
 */
export class OutputLog implements BudgetedLog {
  readonly #headLimit: number;
  readonly #tailBytes: number;
  readonly #maxLineBytes: number;
  readonly #bytes: RetainedBytes;
  readonly #budget: OutputBudget | undefined;
  readonly minWindowBytes: number;
  #ended = false;

  /** @throws {RangeError} when a size is not a non-negative integer. */
  constructor(options: OutputLogOptions = {}) {
    this.#headLimit = size(options, "headBytes", 16384);
    this.#tailBytes = size(options, "tailBytes", 16384);
    this.#maxLineBytes = Math.max(size(options, "maxLineBytes", 2048), LINE_CUT_SUFFIX_BYTES);
    // A held-back character can move the tail's start up to 3 bytes before `total - tailBytes`.
    const windowBytes = Math.max(size(options, "windowBytes", 1048576), this.#tailBytes + 3);
    // The smallest window a snapshot can be served from, so a budget never shrinks one below it.
    this.minWindowBytes = this.#tailBytes + 3;
    const budget = (this.#budget = options.budget);
    const meter = budget && {
      grant: (current: number, wanted: number) => budget.grant(this, current, wanted),
      charge: (bytes: number) => budget.charge(this, bytes),
    };
    this.#bytes = new RetainedBytes(this.#headLimit, windowBytes, meter);
    budget?.add(this);
  }

  /** Every byte ever appended. */
  get totalBytes(): number {
    return this.#bytes.total;
  }

  /** Whether {@link OutputLog.end} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Bytes of memory held for data (head plus window), bounded by `headBytes + windowBytes`. */
  get retainedBytes(): number {
    return this.#bytes.memoryBytes;
  }

  /** Bytes of memory the cursor-read window holds. */
  get windowCapacity(): number {
    return this.#bytes.windowCapacity;
  }

  /**
   * Drops the oldest bytes of the cursor-read window down to `capacity` (never below {@link minWindowBytes}, so
   * snapshots stay exact); reads of them then report `gap_bytes`. Returns the bytes of memory freed.
   * @example
   * ```ts
   * const log = new OutputLog({ tailBytes: 4 });
   * log.append(new Uint8Array(100));
   * log.shrinkWindow(0); // the window keeps its last 7 bytes
   * ```
   */
  shrinkWindow(capacity: number): number {
    return this.#bytes.shrinkWindow(Math.max(capacity, this.minWindowBytes));
  }

  /** Leaves the budget: the log's record is gone. Idempotent; the log stays readable. */
  release(): void {
    this.#budget?.remove(this);
  }

  /**
   * Adds output. The bytes are copied, so the caller may reuse `chunk`'s memory afterwards.
   * @throws {Error} after {@link OutputLog.end}.
   * @example
   * ```ts
   * new OutputLog().append(new Uint8Array([104, 105]));
   * ```
   */
  append(chunk: Uint8Array): void {
    if (this.#ended) throw new Error("Cannot append to an OutputLog after end(): the process already exited");
    this.#bytes.append(chunk);
  }

  /**
   * Marks the output complete: a trailing unfinished character is now decoded (as U+FFFD) instead of held back.
   * @example
   * ```ts
   * const log = new OutputLog();
   * log.append(new Uint8Array([0xe2, 0x82]));
   * log.end();
   * log.snapshot().output; // "\uFFFD"
   * ```
   */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#budget?.finish(this);
  }

  /**
   * Head and tail of the output per docs/api.md §3.3, with long lines cut. Costs O(headBytes + tailBytes).
   * @example
   * ```ts
   * const log = new OutputLog({ headBytes: 4, tailBytes: 4 });
   * log.append(new TextEncoder().encode("0123456789"));
   * log.snapshot().output; // "0123\n\n... [omitted 2 bytes] ...\n\n6789"
   * ```
   */
  snapshot(): OutputSnapshot {
    const bytes = this.#bytes;
    const end = this.#readableEnd();
    const headLimit = this.#headLimit;
    if (end <= headLimit) return { output: this.#text(0, end) };
    const tailFrom = Math.max(headLimit, end - this.#tailBytes);
    // Contiguous head and tail are one text, so a character or line across the seam stays whole.
    if (tailFrom === headLimit) return withTruncation(this.#text(0, end), end, 0);
    const headEnd = headLimit - incompleteSuffixLength(bytes.byteAt, 0, headLimit);
    const tailStart = boundaryAtOrAfter(bytes.byteAt, tailFrom, bytes.contiguousFrom(tailFrom), end);
    const omitted = tailStart - headEnd;
    const output = this.#text(0, headEnd) + omissionMarker(omitted) + this.#text(tailStart, end);
    return withTruncation(output, end, omitted);
  }

  /**
   * Up to `limit` bytes from absolute offset `cursor` per docs/api.md §4.5, uncut, never splitting a character.
   * `cursor` is clamped to `[0, totalBytes]`; one landing inside a character starts at the next one (those
   * bytes are neither served nor counted as gap). A character longer than `limit` is served whole and a
   * `limit` below 1 counts as 1, so a read with data available always advances.
   * @example
   * ```ts
   * const log = new OutputLog();
   * log.append(new TextEncoder().encode("a€"));
   * log.read(0, 2); // { output: "a", cursor: 0, next_cursor: 1, gap_bytes: 0 }
   * log.read(1, 2); // { output: "€", cursor: 1, next_cursor: 4, gap_bytes: 0 }
   * ```
   */
  read(cursor: number, limit: number): CursorRead {
    const bytes = this.#bytes;
    const asked = Math.min(bytes.total, Math.max(0, Math.floor(cursor) || 0));
    const maxBytes = Math.max(1, Math.floor(limit) || 1);
    const { headLength, windowStart, byteAt } = bytes;
    let start = asked;
    let gap = 0;
    let stop = this.#readableEnd();
    if (windowStart > headLength && asked < windowStart) {
      // A character cut by the hole can never be served whole, so its bytes in the head count as lost.
      const headEnd = headLength - incompleteSuffixLength(byteAt, 0, headLength);
      if (asked < headEnd) stop = headEnd;
      else {
        start = windowStart;
        gap = windowStart - asked;
      }
    }
    if (start >= stop) return { output: "", cursor: start, next_cursor: start, gap_bytes: gap };
    start = boundaryAtOrAfter(byteAt, start, bytes.contiguousFrom(start), stop);
    let next = Math.min(stop, start + maxBytes);
    if (next < stop) next = boundaryAtOrBefore(byteAt, next, start, stop);
    if (next <= start && start < stop) next = unitEnd(byteAt, start, stop);
    return { output: decodeUtf8(bytes.slice(start, next)), cursor: start, next_cursor: next, gap_bytes: gap };
  }

  /**
   * Up to `limit` raw bytes from absolute offset `from` (clamped), starting at the oldest retained byte when `from`
   * was dropped, and stopping at a hole; `start` tells where they begin. Characters may be split (unlike
   * {@link read}); the bytes may be a view, valid until the next append.
   * @example
   * ```ts
   * const log = new OutputLog();
   * log.append(new Uint8Array([1, 2, 3]));
   * log.readBytes(1, 10); // { bytes: Uint8Array [2, 3], start: 1 }
   * ```
   */
  readBytes(from: number, limit: number): { bytes: Uint8Array; start: number } {
    const bytes = this.#bytes;
    const hole = bytes.headLength < bytes.windowStart;
    let start = Math.min(bytes.total, Math.max(0, Math.floor(from)));
    if (hole && start >= bytes.headLength && start < bytes.windowStart) start = bytes.windowStart;
    let end = Math.min(bytes.total, start + Math.max(1, limit));
    if (hole && start < bytes.headLength) end = Math.min(end, bytes.headLength);
    // A view into the log: the caller uses it before the next append.
    return { bytes: bytes.slice(start, end), start };
  }

  // Where readers stop: everything once ended, else before an unfinished trailing character.
  #readableEnd(): number {
    const { total, byteAt } = this.#bytes;
    if (this.#ended) return total;
    return total - incompleteSuffixLength(byteAt, this.#bytes.contiguousFrom(total), total);
  }

  #text(from: number, to: number): string {
    return cutLongLines(decodeUtf8(this.#bytes.slice(from, to)), this.#maxLineBytes);
  }
}

function withTruncation(output: string, original: number, omitted: number): OutputSnapshot {
  const retained = utf8ByteLength(output);
  return {
    output,
    truncated: { original_bytes: original, retained_bytes: retained, omitted_bytes: omitted, strategy: "head_tail" },
  };
}

type SizeOption = Exclude<keyof OutputLogOptions, "budget">;

function size(options: OutputLogOptions, name: SizeOption, fallback: number): number {
  const value = options[name] ?? fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Invalid OutputLog option "${name}": expected a non-negative integer, got ${value}`);
  }
  return value;
}
