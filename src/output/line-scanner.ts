/**
 * Finding the first output line that matches a pattern, as the output arrives (docs/api.md §4.5 `until=match`):
 * each byte is looked at once, whatever the number of wake-ups, and only the current unfinished line is kept.
 * @module
 */
import type { LinePattern } from "./line-pattern.ts";
import { cutLongLines } from "./line-cut.ts";
import { stripAnsi } from "./strip-ansi.ts";

/** A line that matched: its text (escape sequences removed, cut as snapshots cut lines) and its byte offset. */
export interface LineMatch {
  text: string;
  cursor: number;
}

/** What makes a line worth cleaning before it is matched: escape sequences, CR, BEL, SI/SO. */
const SPECIAL = /[\x1b\x9b\r\x07\x0e\x0f]/;
const NEWLINE = 0x0a;
const decoder = new TextDecoder();

/**
 * Scans bytes in output order for the first line `pattern` matches. A line is matched with its terminal escape
 * sequences removed and CRLF as LF (as `strip_ansi` shows it), on its first `maxLineChars` UTF-16 units; the
 * text answered is cut at `maxLineChars` bytes, as snapshots cut lines.
 * @example
 * ```ts
 * const scanner = new LineScanner(compileLinePattern("ready"), 0, 2048);
 * scanner.feed(new TextEncoder().encode("booting\nready on :80\n"), 0); // { text: "ready on :80", cursor: 8 }
 * ```
 */
export class LineScanner {
  readonly #pattern: LinePattern;
  readonly #maxLineChars: number;
  readonly #maxLineBytes: number;
  /** The unfinished line's bytes so far, at most {@link #maxLineBytes}' worth. */
  #partial: Uint8Array[] = [];
  #partialBytes = 0;
  /** Where the unfinished line starts. */
  #lineStart: number;
  /** The offset of the next byte expected. */
  #position: number;

  /** @param start a line start: the scan begins there. */
  constructor(pattern: LinePattern, start: number, maxLineChars: number) {
    this.#pattern = pattern;
    this.#maxLineChars = maxLineChars;
    // A UTF-16 unit is at most 3 UTF-8 bytes: this many bytes always hold the part of a line that is matched.
    this.#maxLineBytes = maxLineChars * 3 + 3;
    this.#lineStart = start;
    this.#position = start;
  }

  /** Where the unfinished line starts: every line before it was looked at. */
  get lineStart(): number {
    return this.#lineStart;
  }

  /** The offset of the next byte expected. */
  get position(): number {
    return this.#position;
  }

  /**
   * Looks at `bytes`, which start at `offset`. Bytes before {@link position} are skipped; when `offset` is past
   * it (the bytes between were lost), the line in progress is dropped and the scan goes on at `offset`.
   * @returns the first line completed in `bytes` that matches, else `null`.
   */
  feed(bytes: Uint8Array, offset: number): LineMatch | null {
    if (offset > this.#position) {
      this.#dropPartial();
      this.#lineStart = this.#position = offset;
    }
    const skip = this.#position - offset;
    if (skip >= bytes.length) return null;
    const fresh = skip > 0 ? bytes.subarray(skip) : bytes;
    const freshStart = this.#position;
    this.#position += fresh.length;
    const lastNewline = fresh.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      this.#keep(fresh);
      return null;
    }
    const blockStart = this.#lineStart;
    const block = this.#joinPartial(fresh.subarray(0, lastNewline + 1));
    this.#lineStart = freshStart + lastNewline + 1;
    this.#keep(fresh.subarray(lastNewline + 1));
    return this.#search(block, blockStart);
  }

  /** The output ended: the unfinished line, if any, counts as a line. */
  finish(): LineMatch | null {
    if (this.#partialBytes === 0) return null;
    const block = this.#joinPartial(new Uint8Array(0));
    const start = this.#lineStart;
    this.#lineStart = this.#position;
    return this.#search(block, start);
  }

  /** The first matching line of `block` (whole lines, the last maybe unended), which starts at `start`. */
  #search(block: Uint8Array, start: number): LineMatch | null {
    const text = decoder.decode(block);
    let index = -1;
    let line = "";
    if (!SPECIAL.test(text)) {
      index = this.#pattern.findLine(text);
      if (index === -1) return null;
      const end = text.indexOf("\n", index);
      line = text.slice(index, end === -1 ? text.length : end);
    } else {
      for (let at = 0; at < text.length; ) {
        const end = text.indexOf("\n", at);
        const raw = text.slice(at, end === -1 ? text.length : end);
        const clean = SPECIAL.test(raw) ? stripAnsi(raw).text.replace(/\r+$/, "") : raw;
        if (this.#pattern.testLine(clean)) {
          [index, line] = [at, clean];
          break;
        }
        if (end === -1) break;
        at = end + 1;
      }
      if (index === -1) return null;
    }
    return { text: cutLongLines(line, this.#maxLineChars), cursor: start + lineOffset(block, text, index) };
  }

  #keep(bytes: Uint8Array): void {
    const room = this.#maxLineBytes - this.#partialBytes;
    if (room <= 0 || bytes.length === 0) return;
    // Copied: the caller's bytes may be a view into memory that is reused.
    this.#partial.push(bytes.slice(0, room));
    this.#partialBytes += Math.min(room, bytes.length);
  }

  #joinPartial(rest: Uint8Array): Uint8Array {
    if (this.#partialBytes === 0) return rest;
    const joined = new Uint8Array(this.#partialBytes + rest.length);
    let at = 0;
    for (const part of this.#partial) {
      joined.set(part, at);
      at += part.length;
    }
    joined.set(rest, at);
    this.#dropPartial();
    return joined;
  }

  #dropPartial(): void {
    this.#partial = [];
    this.#partialBytes = 0;
  }
}

/**
 * The byte offset in `block` of the line that starts at UTF-16 index `index` of `text` (its decoding): the
 * position after the same number of newlines. Exact even for invalid UTF-8, which decodes to U+FFFD: a newline
 * byte is never part of a multi-byte character.
 */
function lineOffset(block: Uint8Array, text: string, index: number): number {
  let lines = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < index; at = text.indexOf("\n", at + 1)) lines++;
  let offset = 0;
  for (let n = 0; n < lines; n++) offset = block.indexOf(NEWLINE, offset) + 1;
  return offset;
}
